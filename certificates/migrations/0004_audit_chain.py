"""Chain the audit rows by hash, backfill existing chains, and make the rows append-only in PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY_TABLES = ("certificates_applicationevent", "certificates_certificateevent")


def backfill_chains(apps, schema_editor):
    from certificates.audit import GENESIS, event_digest

    for model_name, owner_field in (("ApplicationEvent", "application"), ("CertificateEvent", "certificate")):
        model = apps.get_model("certificates", model_name)
        label = f"certificates.{model_name.lower()}"
        previous = {}
        for event in model.objects.order_by(f"{owner_field}_id", "id"):
            owner_id = getattr(event, f"{owner_field}_id")
            event.prev_hash = previous.get(owner_id, GENESIS)
            event.hash = event_digest(stream=f"{label}:{owner_id}", event=event)
            model.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
            previous[owner_id] = event.hash


def forbid_updates(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        """
        CREATE OR REPLACE FUNCTION certsvc_audit_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit rows are append-only: %% on %% refused', TG_OP, TG_TABLE_NAME;
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION certsvc_audit_append_only();"
        )


def allow_updates(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS certsvc_audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_verification"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificateevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificateevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="applicationevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="certificateevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(backfill_chains, migrations.RunPython.noop),
        migrations.RunPython(forbid_updates, allow_updates),
    ]
