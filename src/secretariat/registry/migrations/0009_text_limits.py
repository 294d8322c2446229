"""The longest text each of these fields may hold (max_length on a TextField), checked by the kernel
before every save (kernel/texts.py; the limits and why in docs/texts.md). The columns stay `text`: the
migration changes only the models' state, so no table is rebuilt (on SQLite a rebuilt table would lose
its triggers)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_document_kept_by"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attachment",
                    name="text",
                    field=models.TextField(blank=True, max_length=1000000),
                ),
                migrations.AlterField(
                    model_name="documentversion",
                    name="text",
                    field=models.TextField(max_length=1000000),
                ),
                migrations.AlterField(
                    model_name="incident",
                    name="circumstances",
                    field=models.TextField(max_length=20000),
                ),
            ],
            database_operations=[],
        ),
    ]
