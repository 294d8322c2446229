"""An installation upgraded to the search app finds what it already holds: every published item (the reading
room) and every paper (staff) indexed once, as `secretariat search reindex` would (which stays the way to rebuild
it after a change to how words are stemmed)."""

from django.db import migrations

from secretariat.search.text import stems


def index_what_is_there(apps, schema_editor):
    Entry = apps.get_model("search", "Entry")
    Item = apps.get_model("archive", "Item")
    Document = apps.get_model("registry", "Document")
    DocumentVersion = apps.get_model("registry", "DocumentVersion")
    for pk, text in Item.objects.filter(published_at__isnull=False).values_list("pk", "search_text").iterator():
        Entry.objects.update_or_create(scope="room", key=pk, defaults={"stems": stems(text)})
    titles = dict(Document.objects.values_list("pk", "title"))
    indexed = set()
    versions = DocumentVersion.objects.order_by("document_id", "-number").values_list("document_id", "text")
    for document_id, text in versions.iterator(chunk_size=2000):  # each paper's latest text comes first
        if document_id not in indexed:
            indexed.add(document_id)
            text = f"{titles[document_id]}\n{text}"
            Entry.objects.update_or_create(scope="staff", key=document_id, defaults={"stems": stems(text)})


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("archive", "0004_unit_summaries"),
        ("registry", "0009_text_limits"),
    ]

    operations = [migrations.RunPython(index_what_is_there, migrations.RunPython.noop)]
