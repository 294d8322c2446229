"""The longest text each of these fields may hold (max_length on a TextField), checked by the kernel
before every save (kernel/texts.py; the limits and why in docs/texts.md). The columns stay `text`: the
migration changes only the models' state, so no table is rebuilt (on SQLite a rebuilt table would lose
its triggers)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0003_texts_kept_by_the_cable_desk"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="cablepart",
                    name="text",
                    field=models.TextField(max_length=1000000),
                ),
                migrations.AlterField(
                    model_name="control",
                    name="task",
                    field=models.TextField(max_length=2000),
                ),
            ],
            database_operations=[],
        ),
    ]
