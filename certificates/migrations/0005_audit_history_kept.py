"""Keep an application's history when it is deleted, and forbid DELETE on audit rows.

``ApplicationEvent.application`` becomes nullable (SET_NULL) and the owner's id is kept in
``application_ref``, which the chain is keyed by. In PostgreSQL the append-only trigger of 0004
now also refuses DELETE on both event tables; the one UPDATE it lets through is that SET_NULL:
the application id cleared and nothing else changed.
"""

import django.db.models.deletion
from django.db import migrations, models

EVENT_TABLES = ("certificates_applicationevent", "certificates_certificateevent")

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION certsvc_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- Read the columns through jsonb: the function serves tables that have no application_id.
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'certificates_applicationevent'
       AND to_jsonb(OLD) ->> 'application_id' IS NOT NULL
       AND to_jsonb(NEW) ->> 'application_id' IS NULL
       AND to_jsonb(NEW) - 'application_id' = to_jsonb(OLD) - 'application_id' THEN
        RETURN NEW;  -- its application was deleted: the row stays, detached
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: %% on %% refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

UPDATE_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION certsvc_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only: %% on %% refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def copy_owner_ids(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    trigger = "ALTER TABLE certificates_applicationevent {} TRIGGER certificates_applicationevent_append_only"
    if postgres:
        schema_editor.execute(trigger.format("DISABLE"))
    schema_editor.execute("UPDATE certificates_applicationevent SET application_ref = application_id")
    if postgres:
        schema_editor.execute(trigger.format("ENABLE"))


def forbid_deletes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(APPEND_ONLY_FUNCTION)
    for table in EVENT_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION certsvc_audit_append_only();"
        )


def allow_deletes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in EVENT_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};")
    schema_editor.execute(UPDATE_ONLY_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_audit_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicationevent",
            name="application",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="events",
                to="certificates.application",
            ),
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="application_ref",
            field=models.PositiveBigIntegerField(
                db_index=True, default=0, editable=False, verbose_name="application id"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_owner_ids, migrations.RunPython.noop),
        migrations.RunPython(forbid_deletes, allow_deletes),
    ]
