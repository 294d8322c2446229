"""Document.kept_by: where a paper's text is kept when not in the register (a cable's parts, an
extract's point), so the registry refuses to change it without knowing the apps that keep it.
cables 0003 and decisions 0004 fill it in for the papers they keep."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_case_files_move_to_cases"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="kept_by",
            field=models.CharField(
                blank=True,
                help_text="where its text is kept when not in the register: it changes only there",
                max_length=80,
            ),
        ),
    ]
