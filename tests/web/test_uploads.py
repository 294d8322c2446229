"""Uploads on the registry desk: a new version of a document's text and an attachment from a file,
the text of a new registration from a file. Each checks the size and that the bytes are what the
file claims to be; a refusal is an error next to the field and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from secretariat.audit.models import AuditEvent
from secretariat.audit.selectors import tree_size
from secretariat.registry.models import Attachment, Document, DocumentVersion
from tests.web.pages import no_traceback

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
TEXT = "Проект указаний послу.\nThe draft, as amended.\n"


@pytest.fixture
def desk(demo, login, settings, tmp_path):
    """The demo's registrar with a paper of their own registered (R-…), and uploads kept in tmp_path/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client = login("registrar")
    form = {"title": "Note on the talks", "classification": "SECRET", "kind": "note", "dated": "1977-02-18"}
    response = client.post("/registry/register/", form | {"text": "The first draft."})
    assert response.status_code == 302
    number = response["Location"].removeprefix("/registry/").removesuffix("/")
    return client, number


def text_file(text: str = TEXT, name: str = "draft.txt", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, text.encode(), content_type=content_type)


def state(number: str) -> tuple:
    document = Document.objects.get(number=number)
    return (
        tree_size(),
        list(document.versions.values_list("number", "text")),
        list(document.attachments.values_list("position", "title", "text", "file")),
    )


def events(action: str, number: str):
    return AuditEvent.objects.filter(action=action, object_id=str(Document.objects.get(number=number).pk))


def test_a_new_version_from_a_text_file(desk):
    client, number = desk
    entry = client.get(f"/registry/{number}/").content.decode()
    assert f'action="/registry/{number}/versions/" enctype="multipart/form-data"' in entry
    size = tree_size()
    response = client.post(f"/registry/{number}/versions/", {"file": text_file(), "note": "as amended"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == f"/registry/{number}/"
    assert f"Version 2 of the text of No {number} added" in response.content.decode()
    versions = DocumentVersion.objects.filter(document__number=number).order_by("number")
    assert [(v.number, v.text, v.note) for v in versions] == [
        (1, "The first draft.", ""),
        (2, TEXT, "as amended"),
    ]
    assert tree_size() == size + 1
    (event,) = events("document.version_added", number)
    assert event.data == {"version": 2, "note": "as amended"}


def test_an_attachment_from_a_scan_or_a_text_file(desk, tmp_path):
    client, number = desk
    scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    form = {"title": "Map of the talks", "classification": "CONFIDENTIAL", "page_count": "3", "file": scan}
    response = client.post(f"/registry/{number}/attachments/", form, follow=True)
    assert response.status_code == 200
    assert f"Attachment 1 (CONFIDENTIAL) added to No {number}" in response.content.decode()
    first = Attachment.objects.get(document__number=number, position=1)
    assert (first.title, first.page_count, first.text) == ("Map of the talks", 3, "")
    assert (tmp_path / "media" / first.file.name).read_bytes() == PDF

    image = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.post(f"/registry/{number}/attachments/", form | {"title": "Photo", "file": image})
    assert (
        tmp_path / "media" / Attachment.objects.get(document__number=number, position=2).file.name
    ).read_bytes() == PNG

    note = {"title": "Covering note", "classification": "SECRET", "page_count": "1", "file": text_file("A note.\n")}
    response = client.post(f"/registry/{number}/attachments/", note, follow=True)
    assert f"Attachment 3 (SECRET) added to No {number}" in response.content.decode()
    third = Attachment.objects.get(document__number=number, position=3)
    assert (third.text, third.file.name) == ("A note.\n", "")
    assert [e.data["position"] for e in events("attachment.added", number)] == [1, 2, 3]


def refused(client, url: str, form: dict, number: str, message: str, *, status: int = 422) -> str:
    """The form is sent back with `message` next to its field, and nothing changed."""
    before = state(number)
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == status and no_traceback(response), page
    assert message in page, page
    assert state(number) == before
    return page


def test_uploads_the_desk_refuses_change_nothing(desk, settings, tmp_path):
    client, number = desk
    attach = f"/registry/{number}/attachments/"
    version = f"/registry/{number}/versions/"
    form = {"title": "Scan", "classification": "SECRET", "page_count": "1"}

    settings.SECRETARIAT_MAX_ATTACHMENT_BYTES = 10
    page = refused(
        client,
        attach,
        form | {"file": SimpleUploadedFile("big.pdf", PDF, content_type="application/pdf")},
        number,
        f"big.pdf is {len(PDF)}\xa0bytes; the largest file taken is 10\xa0bytes",
    )
    assert 'class="errorlist"' in page and 'id="attachment-file"' in page and 'value="Scan"' in page
    refused(client, version, {"file": text_file()}, number, "the largest file taken is 10\xa0bytes")
    settings.SECRETARIAT_MAX_ATTACHMENT_BYTES = 1024 * 1024

    refused(
        client,
        attach,
        form | {"file": SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a PDF", content_type="application/pdf")},
        number,
        "the bytes of scan.pdf are not a PDF file, as its name says",
    )
    refused(
        client,
        attach,
        form | {"file": SimpleUploadedFile("scan.pdf", PDF, content_type="image/png")},
        number,
        "scan.pdf was sent as image/png, which is not what its name says (PDF)",
    )
    refused(
        client,
        attach,
        form | {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")},
        number,
        "run.exe is not a type this form takes: upload PDF, PNG, JPEG, TIFF, UTF-8 text (.txt)",
    )
    refused(
        client,
        version,
        {"file": SimpleUploadedFile("draft.txt", "Проект".encode("cp1251"), content_type="text/plain")},
        number,
        "draft.txt is not UTF-8 text",
    )
    refused(
        client,
        version,
        {"file": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")},
        number,
        "scan.pdf is not a type this form takes: upload UTF-8 text (.txt)",
    )
    refused(
        client,
        attach,
        {"title": "Scan", "classification": "TOP SECRET", "page_count": "1", "file": text_file()},
        number,
        "an attachment marked TOP SECRET would be above its cover",
        status=409,
    )
    assert not (tmp_path / "media").exists() or list((tmp_path / "media").rglob("*.*")) == []


def test_only_the_registrar_uploads_and_only_to_papers_in_the_register(desk, login):
    client, number = desk
    others = {who: login(who) for who in ("gromyko", "archivist", "auditor")}  # logging in is an event
    before = state(number)
    for who, other in others.items():
        assert other.post(f"/registry/{number}/versions/", {"file": text_file()}).status_code == 404, who
        scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
        form = {"title": "Scan", "classification": "SECRET", "page_count": "1", "file": scan}
        assert other.post(f"/registry/{number}/attachments/", form).status_code == 404, who
    assert client.post("/registry/P99/X/versions/", {"file": text_file()}).status_code == 404
    assert state(number) == before
    # a text kept elsewhere (the demo's extract: its point's) changes only there: no forms, and a refusal
    assert "Add the version" not in client.get("/registry/P46/X/").content.decode()
    size = tree_size()
    assert client.post("/registry/P46/X/versions/", {"file": text_file()}).status_code == 409
    assert tree_size() == size


def test_a_registration_takes_its_text_from_a_file(desk):
    client, _ = desk
    form = {"title": "Memorandum", "classification": "SECRET", "kind": "note", "dated": "1977-02-19"}
    response = client.post("/registry/register/", form | {"text_file": text_file()}, follow=True)
    number = response.redirect_chain[-1][0].removeprefix("/registry/").removesuffix("/")
    assert f"No {number} registered, SECRET" in response.content.decode()
    assert DocumentVersion.objects.get(document__number=number, number=1).text == TEXT
    assert events("document.registered", number).count() == 1

    size, count = tree_size(), Document.objects.count()
    for upload, message in (
        (
            SimpleUploadedFile("memo.txt", PDF, content_type="text/plain"),
            "the bytes of memo.txt are a PDF file, not text",
        ),
        (SimpleUploadedFile("memo.txt", b"\xff\xfeM\x00", content_type="text/plain"), "memo.txt is not UTF-8 text"),
        (SimpleUploadedFile("memo.pdf", PDF, content_type="application/pdf"), "memo.pdf is not a type this form takes"),
    ):
        response = client.post("/registry/register/", form | {"text_file": upload})
        page = response.content.decode()
        assert response.status_code == 422 and message in page and 'aria-invalid="true"' in page
        assert 'value="Memorandum"' in page  # the form keeps what was typed
    both = client.post("/registry/register/", form | {"text": "typed", "text_file": text_file()})
    assert both.status_code == 422 and "either typed in or as a file, not both" in both.content.decode()
    assert (tree_size(), Document.objects.count()) == (size, count)
