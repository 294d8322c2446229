"""Case files leave the registry's state for the cases app's (cases 0001); their tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_document_filed_at"),
        ("cases", "0001_initial"),
        ("archive", "0002_transfer_case_in_cases"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="casefile", name="documents"),
                migrations.DeleteModel(name="CaseEntry"),
                migrations.DeleteModel(name="CaseFile"),
            ],
            database_operations=[],
        ),
    ]
