from django.db import migrations, models


def _default_to_blank(apps, schema_editor):
    # "en" was the column's default, not a choice anyone made: blank now means the organization's language.
    apps.get_model("certificates", "User").objects.filter(language="en").update(language="")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0006_auditanchor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("ru", "Russian"), ("uz", "Uzbek"), ("en", "English")],
                default="",
                max_length=8,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(_default_to_blank, migrations.RunPython.noop),
    ]
