"""The audit trail and the access log refuse UPDATE and DELETE in the database itself (PostgreSQL):
the models already refuse them, this also stops a raw query, a shell session or a bug below the
ORM. TRUNCATE is left to the database owner (test databases are emptied with it)."""

from django.db import migrations

TABLES = ("sunwu_relief_auditevent", "sunwu_relief_accesslog")

FUNCTION = """
CREATE OR REPLACE FUNCTION sunwu_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # its % are plpgsql's, not parameters
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION sunwu_append_only()"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS sunwu_append_only()")


class Migration(migrations.Migration):
    dependencies = [("sunwu_relief", "0003_accesslog_object_ids")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
