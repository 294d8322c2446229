"""Each unit keeps its full reference and a summary of its published items (archive.summaries), for
the exports; and published items are indexed in OAI-PMH's order. The new columns are nullable, so
no table is rebuilt (on SQLite a rebuilt table would lose its triggers)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from secretariat.archive import summaries

    summaries.refresh_all(apps.get_model("archive", "Item"), apps.get_model("archive", "ArchiveUnit"))


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="archiveunit",
            name="last_published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="archiveunit",
            name="published_count",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="archiveunit",
            name="published_creators",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="archiveunit",
            name="published_from",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="archiveunit",
            name="published_languages",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="archiveunit",
            name="published_to",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="archiveunit",
            name="reference",
            field=models.CharField(blank=True, help_text="TsKhSD/89/25", max_length=200, null=True),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["published_at", "id"], name="item_published_order"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
