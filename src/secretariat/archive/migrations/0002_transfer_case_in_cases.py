"""A transfer's case file is now cases.CaseFile (the same table, see cases 0001)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="transfer",
                    name="case",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="transfer", to="cases.casefile"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
