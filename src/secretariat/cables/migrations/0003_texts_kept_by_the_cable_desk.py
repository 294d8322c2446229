"""A cable's text (its parts, a reply cable's too) is kept by the cable desk (registry 0008)."""

from django.db import migrations


def keep(apps, schema_editor):
    Document = apps.get_model("registry", "Document")
    Cable = apps.get_model("cables", "Cable")
    Document.objects.filter(pk__in=Cable.objects.values("document_id")).update(kept_by="the cable desk (its parts)")


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0002_links"),
        ("registry", "0008_document_kept_by"),
    ]

    operations = [migrations.RunPython(keep, migrations.RunPython.noop)]
