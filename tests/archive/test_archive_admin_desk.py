"""The archive's administration on the archivist's desk: add a repository, describe a fonds, opis
or delo (within one picked from a list), import a transcription uploaded as a UTF-8 text file and
see on its item page what was read. Each says what it did; a refusal changes nothing."""

from html import escape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from secretariat.archive.models import ArchiveUnit, Item, Repository
from secretariat.audit.models import AuditEvent
from secretariat.audit.selectors import tree_size

TRANSCRIPTIONS = Path(__file__).parent / "transcriptions"
P46 = (TRANSCRIPTIONS / "en-1977-politburo-p46-x.txt").read_bytes()  # TsKhSD/89/25/44, TOP SECRET, margin note, stamp
ST123 = (TRANSCRIPTIONS / "en-1971-secretariat-st123-30.txt").read_bytes()  # TOP SECRET, no archival reference


@pytest.fixture
def desk(demo, login):
    return login("archivist")


def upload(data: bytes, name: str = "p46.txt", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def archive_state() -> tuple:
    return (
        tree_size(),
        list(Repository.objects.values_list("code", "name")),
        list(ArchiveUnit.objects.values_list("id", "title")),
        Item.objects.count(),
    )


def refused(client, url: str, form: dict, message: str, *, status: int = 422) -> str:
    before = archive_state()
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == status, page
    assert message in page, page
    assert archive_state() == before
    return page


def test_add_a_repository(desk):
    form = {"code": "RGANI", "name": "Russian State Archive of Contemporary History", "country_code": "RU"}
    response = desk.post("/archive/repositories/", form, follow=True)
    assert response.redirect_chain == [("/archive/", 302)]
    assert "Repository RGANI added: Russian State Archive of Contemporary History" in response.content.decode()
    repository = Repository.objects.get(code="RGANI")
    assert repository.country_code == "RU"
    (event,) = AuditEvent.objects.filter(action="archive.repository_added", object_id=str(repository.pk))
    assert event.data == {"code": "RGANI", "name": "Russian State Archive of Contemporary History"}

    refused(desk, "/archive/repositories/", form | {"code": "rgani"}, "there is already a repository rgani", status=409)
    refused(desk, "/archive/repositories/", form | {"code": "RG ANI"}, "malformed repository code")
    page = refused(desk, "/archive/repositories/", form | {"code": "GARF", "country_code": "Russia"}, "at most 2")
    assert 'aria-invalid="true"' in page and 'value="GARF"' in page  # next to its field, as typed


def test_describe_a_fonds_an_opis_and_a_delo_within_one_picked(desk):
    page = desk.get("/archive/").content.decode()
    assert '<option value="TsKhSD">TsKhSD: a new fonds</option>' in page
    assert "TsKhSD/89 (Communist Party of the Soviet Union on Trial): a new opis" in page

    response = desk.post(
        "/archive/units/", {"within": "TsKhSD", "identifier": "5", "title": "General Department"}, follow=True
    )
    assert response.redirect_chain == [("/archive/", 302)]
    assert "TsKhSD/5 described: fonds “General Department”" in response.content.decode()
    fonds = ArchiveUnit.objects.get(repository__code="TsKhSD", parent=None, identifier="5")
    assert fonds.title == "General Department"
    assert AuditEvent.objects.filter(action="archive.unit_described", object_id=str(fonds.pk)).count() == 1
    assert AuditEvent.objects.get(action="archive.unit_titled", object_id=str(fonds.pk)).data["title"] == (
        "General Department"
    )

    desk.post("/archive/units/", {"within": "TsKhSD/5", "identifier": "30", "title": "Protocols"})
    response = desk.post("/archive/units/", {"within": "TsKhSD/5/30", "identifier": "7", "title": "1977"}, follow=True)
    assert "TsKhSD/5/30/7 described: file (delo) “1977”" in response.content.decode()
    delo = ArchiveUnit.objects.get(identifier="7", parent__identifier="30")
    assert delo.level == ArchiveUnit.Level.FILE and delo.parent.parent == fonds
    describe = desk.get("/archive/").content.decode().split('action="/archive/units/"')[1].split("</form>")[0]
    assert 'value="TsKhSD/5/30"' in describe and 'value="TsKhSD/5/30/7"' not in describe  # a delo holds items only

    refused(
        desk, "/archive/units/", {"within": "TsKhSD/5/30/7", "identifier": "1", "title": "x"}, "Select a valid choice"
    )
    refused(desk, "/archive/units/", {"within": "GARF", "identifier": "1", "title": "x"}, "Select a valid choice")
    refused(desk, "/archive/units/", {"within": "TsKhSD", "identifier": "8-9", "title": "x"}, "malformed fonds")
    refused(desk, "/archive/units/", {"within": "TsKhSD", "identifier": "9", "title": ""}, "This field is required")


def test_import_a_transcription_and_see_what_was_read(desk):
    page = desk.get("/archive/").content.decode()
    assert 'action="/archive/import/" enctype="multipart/form-data"' in page

    response = desk.post("/archive/import/", {"file": upload(P46), "item": "144"}, follow=True)
    assert response.redirect_chain == [("/archive/items/TsKhSD/89/25/144/", 302)]
    page = response.content.decode()
    item = Item.objects.get(unit__identifier="25", identifier="144")
    assert f"p46.txt imported as TsKhSD/89/25/144: {escape(item.title)}" in page
    read = page.split('id="read"')[1].split("</section>")[0]
    assert "TsKhSD/89/25/144" in read and escape(item.transcription["archival_reference"]["as_written"]) in read
    margin = item.annotations.get(kind="margin")
    stamp = item.annotations.get(kind="stamp")
    assert "Margin note" in read and escape(margin.text[:30]) in read
    assert "Stamp" in read and escape(stamp.text[:30]) in read
    assert "TOP SECRET" in read and "P46/X" in read
    (event,) = AuditEvent.objects.filter(action="archive.imported", data__source="p46.txt")
    assert event.data["reference"] == "TsKhSD/89/25/144"

    # no reference in the file: into the opis picked, numbered after its last item
    response = desk.post("/archive/import/", {"file": upload(ST123, "st123.txt"), "into": "TsKhSD/89/25"}, follow=True)
    reference = response.redirect_chain[-1][0].removeprefix("/archive/items/").removesuffix("/")
    assert reference == "TsKhSD/89/25/145" and f"st123.txt imported as {reference}" in response.content.decode()


def test_an_import_the_desk_refuses_changes_nothing(desk, settings):
    refused(desk, "/archive/import/", {"file": upload(P46)}, "fonds 89 series 25 already holds item 44", status=409)
    refused(desk, "/archive/import/", {"file": upload(ST123, "st123.txt")}, "no archival reference found")
    settings.SECRETARIAT_MAX_ATTACHMENT_BYTES = 100
    page = refused(desk, "/archive/import/", {"file": upload(P46), "item": "200"}, "the largest file taken is 100")
    assert 'id="import-file_error"' in page and 'value="200"' in page
    settings.SECRETARIAT_MAX_ATTACHMENT_BYTES = 1024 * 1024
    refused(
        desk, "/archive/import/", {"file": upload(b"%PDF-1.4 scan")}, "the bytes of p46.txt are a PDF file, not text"
    )
    refused(desk, "/archive/import/", {"file": upload("Совершенно секретно".encode("cp1251"))}, "not UTF-8 text")
    refused(
        desk,
        "/archive/import/",
        {"file": upload(b"%PDF-1.4 scan", "scan.pdf", "application/pdf")},
        "scan.pdf is not a type this form takes: upload UTF-8 text (.txt)",
    )
    refused(desk, "/archive/import/", {"file": upload(P46), "into": "GARF/1"}, "Select a valid choice")


def test_the_archive_administration_is_the_archivists(demo, login):
    others = {who: login(who) for who in ("registrar", "gromyko", "auditor")}
    before = archive_state()
    for who, client in others.items():
        assert client.post("/archive/repositories/", {"code": "GARF", "name": "State Archive"}).status_code == 404, who
        assert client.post("/archive/units/", {"within": "TsKhSD", "identifier": "5", "title": "x"}).status_code == 404
        assert client.post("/archive/import/", {"file": upload(P46), "item": "144"}).status_code == 404, who
    assert archive_state() == before
