"""The case files' tables take the cases app's names (cases_casefile, cases_caseentry)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("registry", "0007_case_files_move_to_cases"),
    ]

    operations = [
        migrations.AlterModelTable(name="casefile", table=None),
        migrations.AlterModelTable(name="caseentry", table=None),
    ]
