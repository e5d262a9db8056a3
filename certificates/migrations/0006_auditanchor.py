"""Audit anchors: where the chain heads were signed into the transparency log; append-only in PostgreSQL."""

from django.db import migrations, models

ANCHOR_TABLE = "certificates_auditanchor"


def forbid_changes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {ANCHOR_TABLE}_append_only BEFORE UPDATE OR DELETE ON {ANCHOR_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION certsvc_audit_append_only();"
    )


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {ANCHOR_TABLE}_append_only ON {ANCHOR_TABLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0005_audit_history_kept"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("leaf_index", models.PositiveBigIntegerField(unique=True, verbose_name="log leaf index")),
                ("through", models.JSONField(default=dict, verbose_name="newest event ids")),
                ("at", models.DateTimeField(verbose_name="at")),
            ],
            options={
                "verbose_name": "audit anchor",
                "verbose_name_plural": "audit anchors",
                "ordering": ["leaf_index"],
            },
        ),
        migrations.RunPython(forbid_changes, allow_changes),
    ]
