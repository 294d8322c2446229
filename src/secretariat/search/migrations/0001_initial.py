"""The index's table, and the engine's index kept beside it by the database (see search/models.py)."""

from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE search_index USING fts5("
    "stems, content='search_entry', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_entry_added AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_index(rowid, stems) VALUES (new.id, new.stems); END",
    "CREATE TRIGGER search_entry_removed AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_index(search_index, rowid, stems) VALUES ('delete', old.id, old.stems); END",
    "CREATE TRIGGER search_entry_changed AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_index(search_index, rowid, stems) VALUES ('delete', old.id, old.stems); "
    "INSERT INTO search_index(rowid, stems) VALUES (new.id, new.stems); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER search_entry_changed",
    "DROP TRIGGER search_entry_removed",
    "DROP TRIGGER search_entry_added",
    "DROP TABLE search_index",
]
POSTGRESQL = [
    "ALTER TABLE search_entry ADD COLUMN vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', stems)) STORED",
    "CREATE INDEX search_entry_vector ON search_entry USING GIN (vector)",
]
POSTGRESQL_REVERSE = ["DROP INDEX search_entry_vector", "ALTER TABLE search_entry DROP COLUMN vector"]


def _engine_index(statements_for):
    def run(apps, schema_editor):
        for statement in statements_for.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "scope",
                    models.CharField(choices=[("room", "reading room"), ("staff", "staff")], max_length=8),
                ),
                (
                    "key",
                    models.BigIntegerField(help_text="the primary key of the thing indexed, in its scope's model"),
                ),
                (
                    "stems",
                    models.TextField(
                        help_text="the stems of its words (search.text.stems)", max_length=20000000
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("scope", "key"), name="one_entry_per_thing_and_scope")
                ],
            },
        ),
        migrations.RunPython(
            _engine_index({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _engine_index({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
