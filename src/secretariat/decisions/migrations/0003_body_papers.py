"""A body's papers are linked from decisions (BodyPaper), not from the registry's Document.

Each document that named a body becomes one of the body's papers, and takes the body's return
period and registry unit where it had none of its own (the registry no longer looks them up).
"""

import django.db.models.deletion
from django.db import migrations, models


def link_papers(apps, schema_editor):
    Document = apps.get_model("registry", "Document")
    BodyPaper = apps.get_model("decisions", "BodyPaper")
    for document in Document.objects.filter(body__isnull=False).select_related("body"):
        BodyPaper.objects.create(document=document, body=document.body)
        changed = []
        if document.return_days is None:
            document.return_days = document.body.return_days
            changed.append("return_days")
        if document.return_to_id is None and document.body.registry_unit_id is not None:
            document.return_to_id = document.body.registry_unit_id
            changed.append("return_to")
        if changed:
            document.save(update_fields=changed)


def unlink_papers(apps, schema_editor):
    Document = apps.get_model("registry", "Document")
    BodyPaper = apps.get_model("decisions", "BodyPaper")
    for paper in BodyPaper.objects.all():
        Document.objects.filter(pk=paper.document_id).update(body=paper.body_id)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_meetings_points_extracts"),
        ("registry", "0004_distribution_entry_is_an_addressee"),
    ]

    operations = [
        migrations.CreateModel(
            name="BodyPaper",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="body_paper",
                        serialize=False,
                        to="registry.document",
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="papers", to="decisions.body"
                    ),
                ),
            ],
        ),
        migrations.RunPython(link_papers, unlink_papers),
    ]
