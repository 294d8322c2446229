"""Make the log append-only in the database itself, and create the head row.

SQLite: BEFORE UPDATE / DELETE triggers that abort. PostgreSQL: a trigger function that
raises on UPDATE, DELETE and TRUNCATE. Only someone who drops the triggers (or edits the
file) gets past them, and `secretariat audit verify` catches what they did.
"""

from django.db import migrations

TABLES = ["audit_auditevent", "audit_auditcheckpoint"]

SQLITE = [
    sql
    for table in TABLES
    for sql in (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;",
    )
]

POSTGRESQL = [
    """
    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    """,
    *[
        sql
        for table in TABLES
        for sql in (
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
        )
    ],
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor)
    if statements is None:
        raise RuntimeError(f"no append-only triggers for the {vendor} database")
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no placeholders: '%' is PL/pgSQL's own
    apps.get_model("audit", "AuditHead").objects.create(pk=1, size=0)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
