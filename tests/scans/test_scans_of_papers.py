"""Scans of papers, from the web, the API and the command line: checked from their bytes, kept, queued, read by OCR
on the worker (run here in-process, as `secretariat worker` runs it), their pages shown to the paper's readers,
their words found by staff search for those readers alone, every read of a classified scan audited."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageDraw, ImageFont

from secretariat.accounts import services as accounts
from secretariat.audit.models import AuditEvent
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from secretariat.registry.models import Attachment
from secretariat.scans.models import Scan
from secretariat.web.worker import run_queued
from tests.api.conftest import Api

pytestmark = pytest.mark.slow  # each OCR is a second or two of Tesseract

FONT = "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"
LINES = ["To the Soviet Ambassador", "Visit Secretary Pressel", "Telegraph when done"]


def _scan_png(lines=LINES) -> bytes:
    """A page typed at 150 dpi, as a scanner would send it."""
    image = Image.new("L", (1000, 420), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 36)
    for n, line in enumerate(lines):
        draw.text((60, 60 + n * 90), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(150, 150))
    return out.getvalue()


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def note(demo):
    """A SECRET note from Washington, on Gromyko's distribution; Dobrynin may not read it."""
    return registry.register_document(
        principal_by_username("registrar"),
        title="Note from the embassy",
        classification=Classification.parse("SECRET"),
        text="A note that came on paper.",
        dated=dt.date(1977, 2, 20),
        distribution=[principal_by_username("gromyko")],
    )


def test_a_scan_sent_from_the_register_entry_is_read_by_the_worker_and_shown_to_the_papers_readers(note, login):
    registrar, read = login("registrar"), _events("scan.read")
    sent = SimpleUploadedFile("embassy-note.png", _scan_png(), content_type="image/png")
    response = registrar.post(f"/registry/{note.number}/scans/", {"files": [sent], "title": "The note as received"})
    assert response.status_code == 302
    scan = Scan.objects.get(attachment__document=note)
    assert (scan.state, scan.content_type, scan.page_count, scan.attachment.title) == (
        "queued",
        "image/png",
        1,
        "The note as received",
    )
    assert scan.attachment.classification == note.classification  # the paper's own marking by default
    entry = registrar.get(f"/registry/{note.number}/").content.decode()
    assert "Waiting for the worker" in entry and 'hx-trigger="every 2s"' in entry  # followed as it goes

    assert run_queued() == 1
    scan.refresh_from_db()
    assert scan.state == "read" and scan.pages_read == 1 and scan.searchable.name
    assert "Pressel" in scan.text and "Ambassador" in scan.text
    assert Attachment.objects.get(pk=scan.attachment_id).text == scan.text
    page = scan.pages.get()
    assert any(word[0] == "Pressel" for word in page.words) and page.image.name and page.thumbnail.name
    assert _events("scan.added") == 1 and _events("scan.read") == read + 1  # the demo's worker read two

    # The registrar keeps the register: the scan's state, not its pages or text.
    entry = registrar.get(f"/registry/{note.number}/").content.decode()
    assert 'hx-trigger="every 2s"' not in entry and "thumbnail.png" not in entry and "Read by OCR" not in entry
    assert registrar.get(f"/scans/{scan.pk}/pages/1.png").status_code == 404
    assert "Pressel" not in registrar.get(f"/scans/{scan.pk}/").content.decode()

    # Gromyko reads the paper: its scan's pages beside it, each page image an audited read.
    gromyko = login("gromyko")
    paper = gromyko.get(f"/documents/{note.number}/").content.decode()
    assert f"/scans/{scan.pk}/pages/1/thumbnail.png" in paper
    reads = _events("scan.page_read")
    image = gromyko.get(f"/scans/{scan.pk}/pages/1.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (page.width, page.height)
    assert _events("scan.page_read") == reads + 1
    assert "Pressel" in gromyko.get(f"/scans/{scan.pk}/").content.decode() and _events("scan.text_read") == 1

    # Staff search finds the scan by a word OCR read, for its reader alone.
    found = gromyko.get("/search/", {"q": "telegraph"}).content.decode()
    assert f'id="scan-found-{scan.pk}"' in found and "<mark>Telegraph</mark>" in found
    dobrynin = login("dobrynin")
    assert f"scan-found-{scan.pk}" not in dobrynin.get("/search/", {"q": "telegraph"}).content.decode()
    assert dobrynin.get(f"/scans/{scan.pk}/pages/1.png").status_code == 404
    assert dobrynin.get(f"/scans/{scan.pk}/").status_code == 404


def test_a_file_that_is_not_a_scan_is_refused_and_nothing_is_kept(note, login):
    registrar = login("registrar")
    scans, attachments, events = Scan.objects.count(), Attachment.objects.count(), AuditEvent.objects.count()
    disguised = SimpleUploadedFile("scan.png", b"MZ\x90\x00 not an image at all", content_type="image/png")
    response = registrar.post(f"/registry/{note.number}/scans/", {"files": [disguised]}, follow=True)
    assert "Not done: The file is not a PDF, TIFF, JPEG or PNG" in response.content.decode()
    assert (Scan.objects.count(), Attachment.objects.count(), AuditEvent.objects.count()) == (
        scans,
        attachments,
        events,
    )


def test_a_scan_sent_to_the_api_is_followed_there_and_its_text_read(note):
    registrar = Api(accounts.issue_token(principal_by_username("registrar"), "tests").secret)
    letter = SimpleUploadedFile("letter.png", _scan_png(["Covering letter", "Signed Dobrynin"]))
    response = registrar.client.post(
        f"/api/documents/{note.number}/scans", {"title": "Covering letter", "file": letter}, headers=registrar.headers
    )
    assert response.status_code == 201, response.content
    shown = response.json()
    assert (shown["state"], shown["document"], shown["page_count"], shown["pages"]) == ("queued", note.number, 1, [])
    assert run_queued() == 1
    shown = registrar.get(f"/scans/{shown['id']}").json()
    assert shown["state"] == "read" and shown["pages"][0]["words"] >= 4 and shown["text"] is None
    assert registrar.get(f"/scans/{shown['id']}?text=true").status_code == 404  # the register side only

    gromyko = Api(accounts.issue_token(principal_by_username("gromyko"), "tests").secret)
    read = gromyko.get(f"/scans/{shown['id']}?text=true").json()
    assert "Dobrynin" in read["text"] and _events("scan.text_read") == 1
    broken = SimpleUploadedFile("x.pdf", b"%PDF-1.4 broken")
    bad = registrar.client.post(f"/api/documents/{note.number}/scans", {"file": broken}, headers=registrar.headers)
    assert bad.status_code == 422 and Scan.objects.filter(attachment__document=note).count() == 1


def test_the_command_line_sends_scans_and_reads_them_with_a_progress_bar(note, tmp_path, capsys):
    path = tmp_path / "note.png"
    path.write_bytes(_scan_png())
    call_command("scan", "add", note.number, str(path), "--as", "registrar", "--now")
    out, err = capsys.readouterr()
    scan = Scan.objects.get(attachment__document=note)
    assert scan.state == "read" and f"scan {scan.pk}  note.png  No {note.number}, attachment 1" in out
    assert "pages" in err  # tqdm's bar on stderr
    call_command("scan", "show", str(scan.pk), "--as", "gromyko", "--text")
    assert "Pressel" in capsys.readouterr().out
