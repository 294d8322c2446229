"""An extract's text is its point's, kept by the protocol (registry 0008)."""

from django.db import migrations


def keep(apps, schema_editor):
    Document = apps.get_model("registry", "Document")
    Extract = apps.get_model("decisions", "Extract")
    Document.objects.filter(pk__in=Extract.objects.values("document_id")).update(
        kept_by="the protocol (a correction of its point)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0003_body_papers"),
        ("registry", "0008_document_kept_by"),
    ]

    operations = [migrations.RunPython(keep, migrations.RunPython.noop)]
