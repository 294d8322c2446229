"""The longest text each of these fields may hold (max_length on a TextField), checked by the kernel
before every save (kernel/texts.py; the limits and why in docs/texts.md). The columns stay `text`: the
migration changes only the models' state, so no table is rebuilt (on SQLite a rebuilt table would lose
its triggers)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_auditcheckpoint_frontier"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditcheckpoint",
                    name="note",
                    field=models.TextField(max_length=10000),
                ),
            ],
            database_operations=[],
        ),
    ]
