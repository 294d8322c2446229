"""Close two gaps left by 0002: SQLite's REPLACE, and the head row.

SQLite's INSERT OR REPLACE deletes a conflicting row without firing DELETE triggers (unless
recursive_triggers is on), so it could overwrite an event or a checkpoint: refuse an insert
whose key exists. On both engines the head row may only grow, and never go away.
PostgreSQL has no REPLACE; its ON CONFLICT DO UPDATE fires the update trigger of 0002.
"""

from django.db import migrations

SQLITE = [
    *[
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {pk} = NEW.{pk}) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
        for table, pk in (("audit_auditevent", "seq"), ("audit_auditcheckpoint", "id"))
    ],
    "CREATE TRIGGER audit_audithead_no_delete BEFORE DELETE ON audit_audithead "
    "BEGIN SELECT RAISE(ABORT, 'audit_audithead only grows'); END;",
    "CREATE TRIGGER audit_audithead_no_shrink BEFORE UPDATE ON audit_audithead "
    "WHEN NEW.size < OLD.size OR NEW.id != OLD.id "
    "BEGIN SELECT RAISE(ABORT, 'audit_audithead only grows'); END;",
]

POSTGRESQL = [
    """
    CREATE FUNCTION audit_head_only_grows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.size >= OLD.size AND NEW.id = OLD.id THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_audithead only grows' USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    """,
    "CREATE TRIGGER audit_audithead_only_grows BEFORE UPDATE OR DELETE ON audit_audithead "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_only_grows();",
    "CREATE TRIGGER audit_audithead_no_truncate BEFORE TRUNCATE ON audit_audithead "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
]


def install(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[schema_editor.connection.vendor]
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
