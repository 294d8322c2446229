"""The longest text each of these fields may hold (max_length on a TextField), checked by the kernel
before every save (kernel/texts.py; the limits and why in docs/texts.md). The columns stay `text`: the
migration changes only the models' state, so no table is rebuilt (on SQLite a rebuilt table would lose
its triggers)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_transfer_case_in_cases"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="annotation",
                    name="text",
                    field=models.TextField(max_length=100000, verbose_name="annotation"),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="published_text",
                    field=models.TextField(
                        blank=True,
                        help_text="the text as published, each redaction a marked blank",
                        max_length=20000000,
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="search_text",
                    field=models.TextField(
                        blank=True,
                        help_text="what the reading room searches: the published title, number, text and annotations, normalised",
                        max_length=20000000,
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="text",
                    field=models.TextField(
                        help_text="the archival text; never edited, redactions are spans over it", max_length=10000000
                    ),
                ),
                migrations.AlterField(
                    model_name="review",
                    name="note",
                    field=models.TextField(blank=True, max_length=2000),
                ),
            ],
            database_operations=[],
        ),
    ]
