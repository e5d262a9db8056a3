from django.db import migrations, models


class Migration(migrations.Migration):
    """Keys get an owner: an issuing body (its country) or the registry (empty)."""

    dependencies = [
        ("signing", "0003_key_event_verbose_names"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="signingkey", name="signing_key_one_active"),
        migrations.AddField(
            model_name="signingkey",
            name="issuer_country",
            field=models.CharField(
                blank=True,
                default="",
                help_text="empty: registry key",
                max_length=2,
                verbose_name="issuing body's country",
            ),
        ),
        migrations.AddField(
            model_name="signingkey",
            name="issuer_name",
            field=models.CharField(blank=True, default="", max_length=255, verbose_name="issuing body"),
        ),
        migrations.AddField(
            model_name="signingkey",
            name="registry_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="registry key until"),
        ),
        migrations.AddConstraint(
            model_name="signingkey",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "active")),
                fields=("issuer_country",),
                name="signing_key_one_active_per_scope",
            ),
        ),
    ]
