"""Document.filed_at: when a case file holding the paper closed (no new obligation may be put on it).

Papers already in closed case files are filed as of the earliest such closing.
"""

from django.db import migrations, models


def file_papers_of_closed_cases(apps, schema_editor):
    Document = apps.get_model("registry", "Document")
    CaseEntry = apps.get_model("registry", "CaseEntry")
    entries = CaseEntry.objects.filter(case__closed_at__isnull=False).select_related("case").order_by("case__closed_at")
    for entry in entries:
        Document.objects.filter(pk=entry.document_id, filed_at__isnull=True).update(filed_at=entry.case.closed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_document_body_moves_to_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="filed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="when a case file holding it closed: a filed paper takes no new obligation",
                null=True,
            ),
        ),
        migrations.RunPython(file_papers_of_closed_cases, migrations.RunPython.noop),
    ]
