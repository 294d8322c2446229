"""An archive item's scan, from the desk to the reading room. The demo scans the extract (TsKhSD/89/25/44: seven
typed sheets at 300 dpi, the margin note, the stamp), OCR reads it, the review withholds "Pressel" and publishing
burns it out of the page. Here: what the public gets (pages, PDF, IIIF) holds no withheld word; a new review's
phrase and drawn box go over the pages again; what cannot be boxed is refused; the scan as it came stays the
archivists'."""

import io
import json
import subprocess

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from iiif_prezi3 import Manifest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from secretariat.accounts import services as accounts
from secretariat.archive import services as archives
from secretariat.archive.models import Item, PageRedaction, PublishedPage
from secretariat.archive.scan_pages import DrawnBox
from secretariat.audit.models import AuditEvent
from secretariat.kernel import clock
from secretariat.kernel.errors import InvalidInput, Refused
from secretariat.kernel.principals import principal_by_username
from secretariat.scans.models import Scan
from secretariat.web.worker import run_queued
from tests.api.conftest import Api

pytestmark = pytest.mark.demo(archive=True)
EXTRACT = "TsKhSD/89/25/44"
ITEM = "tskhsd-89-25-44"


def _extract() -> Item:
    """TsKhSD/89/25/44, the extract the demo scanned (the demo scans a Russian paper too)."""
    return Item.objects.get(unit__identifier="25", identifier="44")


def _pdf_text(data: bytes) -> str:
    poppler = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return poppler + "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(_body(response)))


def test_the_reading_room_shows_the_scan_as_published_and_nothing_it_withholds(demo):
    public = Client()
    item = _extract()
    page = public.get(f"/reading-room/{ITEM}/").content.decode()
    pages = list(PublishedPage.objects.filter(item=item))
    assert len(pages) == 7 == item.scan.page_count and f"/reading-room/{ITEM}/pages/4.png" in page
    assert "Pressel" not in page and 'class="beside"' in page  # the page beside the text

    pdf = _body(public.get(f"/reading-room/{ITEM}/scan.pdf"))
    text = _pdf_text(pdf)
    assert "Pressel" not in text and "First secretary" in text and "Sakharov" in text  # a real text layer, less one
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert "/Info" not in opened.trailer and "/Metadata" not in opened.Root
        images = [image for p in opened.pages for image in p.get_images()]
        assert len(images) == 7  # one raster a page, the burned one: no original image kept underneath
    assert pdf.count(b"%%EOF") == 1 and b"/Prev" not in pdf  # written whole, no earlier revision

    box = PageRedaction.objects.get(phrase="Pressel")
    burned = _image(public.get(f"/reading-room/{ITEM}/pages/{box.page.number}.png"))
    inside = burned.convert("L").crop((box.x0, box.y0, box.x1, box.y1))
    assert inside.getextrema() == (0, 0)  # solid black, every pixel of the box

    manifest = public.get(f"/reading-room/{ITEM}/manifest.json")
    assert manifest.status_code == 200 and manifest["Access-Control-Allow-Origin"] == "*"
    shown = json.loads(manifest.content)
    Manifest(**shown)  # the IIIF Presentation 3.0 models take it back: its shape is the specification's
    assert shown["@context"] == "http://iiif.io/api/presentation/3/context.json" and len(shown["items"]) == 7
    body = shown["items"][3]["items"][0]["items"][0]["body"]
    service = body["service"][0]
    assert service["profile"] == "level0" and body["width"] == burned.width
    info = json.loads(public.get(service["id"].removeprefix("http://testserver") + "/info.json").content)
    assert info["profile"] == "level0" and {"width": 200, "height": pages[3].thumbnail_size[1]} in info["sizes"]
    thumbnail = public.get(
        service["id"].removeprefix("http://testserver") + f"/full/200,{pages[3].thumbnail_size[1]}/0/default.png"
    )
    assert _image(thumbnail).size == pages[3].thumbnail_size
    assert public.get(f"/reading-room/{ITEM}/iiif/4/full/500,700/0/default.png").status_code == 404  # not listed

    # The scan as it came holds every withheld word: never the public's, nor an uncleared principal's.
    assert public.get(f"/scans/{item.scan_id}/pages/4.png").status_code in (302, 404)
    assert Client().get(f"/reading-room/{ITEM}/pages/99.png").status_code == 404


def test_a_new_review_boxes_its_phrase_and_its_drawn_boxes_and_publishing_burns_them(demo):
    archivist = principal_by_username("archivist")
    with clock.frozen(clock.now()):
        archives.withdraw(archivist, EXTRACT, "a second name to withhold")
        item = _extract()
        first = item.scan.pages.get(number=1)
        drawn = DrawnBox(1, 300, 1500, 900, 1600, "FOREIGN")  # below the text: it covers no word
        spans = [
            *archives.phrase_redactions(item, "Pressel", "PRIVACY"),
            *archives.phrase_redactions(item, "Sakharov", "SOURCES"),
        ]
        review = archives.decide_review(archivist, EXTRACT, "redact", redactions=spans, boxes=[drawn])
        boxes = list(review.page_redactions.all())
        assert {b.phrase for b in boxes} == {"Pressel", "Sakharov", ""}
        assert any(b.page == first and b.box.as_list() == [300, 1500, 900, 1600] for b in boxes)
        event = AuditEvent.objects.filter(action="archive.reviewed").latest("seq")
        assert len(event.data["boxes"]) == len(boxes) and "Sakharov" not in json.dumps(event.data)
        archives.publish(archivist, EXTRACT)

    pdf = _body(Client().get(f"/reading-room/{ITEM}/scan.pdf"))
    text = _pdf_text(pdf)
    assert "Pressel" not in text and "Sakharov" not in text and "Vance" in text
    for box in boxes:
        burned = _image(Client().get(f"/reading-room/{ITEM}/pages/{box.page.number}.png")).convert("L")
        assert burned.crop((box.x0, box.y0, box.x1, box.y1)).getextrema() == (0, 0)
    assert PublishedPage.objects.filter(item=item).count() == 7  # the earlier publication's pages replaced


def test_what_cannot_be_boxed_is_refused_and_changes_nothing(demo):
    archivist = principal_by_username("archivist")
    with clock.frozen(clock.now()):
        archives.withdraw(archivist, EXTRACT, "check the boxes")
        item = _extract()
        page = item.scan.pages.get(number=1)
        before = AuditEvent.objects.count()
        outside = DrawnBox(1, 10, 10, page.width + 5, 40, "PRIVACY")
        with pytest.raises(InvalidInput, match="outside"):
            archives.decide_review(archivist, EXTRACT, "redact", boxes=[outside])
        with pytest.raises(InvalidInput, match="no page 9"):
            archives.decide_review(archivist, EXTRACT, "redact", boxes=[DrawnBox(9, 1, 1, 9, 9, "PRIVACY")])
        with pytest.raises(InvalidInput, match="unknown redaction reason"):
            archives.decide_review(archivist, EXTRACT, "redact", boxes=[DrawnBox(1, 1, 1, 9, 9, "WHIM")])
        with pytest.raises(InvalidInput, match="PAGE: X0,Y0,X1,Y1 = REASON"):
            DrawnBox.parse("page one, the top")
        assert DrawnBox.parse(" 2: 10, 20,30,40 = privacy") == DrawnBox(2, 10, 20, 30, 40, "PRIVACY")
        assert AuditEvent.objects.count() == before and not item.reviews.filter(decided_at__isnull=False).count() > 2

        # OCR read a withheld name where no box covers it (here: put in its words by hand, as a misread would
        # leave a word the phrase search did not match): publishing refuses and says where it stands.
        page.words = [*page.words, ["Pressel", 900, 1500, 1000, 1530]]
        page.save()
        spans = archives.phrase_redactions(item, "Pressel", "PRIVACY")
        archives.decide_review(archivist, EXTRACT, "redact", redactions=spans)
        PageRedaction.objects.filter(page=page).delete()  # the box the phrase got on this page, gone
        with pytest.raises(Refused, match="page 1 of its scan"):
            archives.publish(archivist, EXTRACT)
        assert Item.objects.get(pk=item.pk).published_at is None


def test_a_box_drawn_over_words_the_text_still_shows_or_a_pending_review_keeps_the_item_unpublished(demo):
    archivist = principal_by_username("archivist")
    with clock.frozen(clock.now()):
        archives.withdraw(archivist, EXTRACT, "box the motto")
        with pytest.raises(Refused, match="review pending"):  # withdrawn: published again only once reviewed
            archives.publish(archivist, EXTRACT)
        page = _extract().scan.pages.get(number=1)
        motto = [w for w in page.page.words if w.text in ("Proletariats", "unite!")]
        x0, y0 = min(w.box.x0 for w in motto), min(w.box.y0 for w in motto)
        x1, y1 = max(w.box.x1 for w in motto), max(w.box.y1 for w in motto)
        spans = archives.phrase_redactions(_extract(), "Pressel", "PRIVACY")
        drawn = DrawnBox(1, x0 - 2, y0 - 2, x1 + 2, y1 + 2, "FOREIGN")
        archives.decide_review(archivist, EXTRACT, "redact", redactions=spans, boxes=[drawn])
        with pytest.raises(Refused, match="Proletariats of the World unite!.*still stands in the text"):
            archives.publish(archivist, EXTRACT)  # the box hides the motto on the page; the text would show it


def test_an_archivist_adds_a_scan_to_an_item_from_the_desk_and_ocr_reads_it(demo, login):
    archivist = principal_by_username("archivist")
    with clock.frozen(clock.now()):
        other = Item.objects.filter(scan__isnull=True, published_at__isnull=True).first()
        reference = archives.selectors.reference(other)
    page = Image.new("L", (900, 300), 255)
    ImageDraw.Draw(page).text((40, 100), "Telegram received", font=ImageFont.load_default(size=48), fill=0)
    sent = io.BytesIO()
    page.save(sent, "PNG", dpi=(150, 150))
    desk = login("archivist")
    response = desk.post(
        f"/archive/items/{reference}/scan/", {"file": SimpleUploadedFile("item.png", sent.getvalue())}, follow=True
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.scan is not None and other.scan.state == "queued"
    assert AuditEvent.objects.filter(action="archive.scan_added").latest("seq").data["pages"] == 1
    item_page = desk.get(f"/archive/items/{reference}/").content.decode()
    assert 'hx-trigger="every 2s"' in item_page and "Add the scan" not in item_page
    run_queued()  # this scan's reading (and the demo's own, read when it was built: nothing left to do)
    other.scan.refresh_from_db()
    assert other.scan.state == "read" and "Telegram" in other.scan.text
    with pytest.raises(Refused, match="has its scan already"):
        archives.add_item_scan(archivist, reference, name="again.png", data=sent.getvalue())
    with pytest.raises(Refused, match="published: withdraw it first"):
        archives.add_item_scan(archivist, EXTRACT, name="again.png", data=sent.getvalue())
    assert Scan.objects.filter(archive_item=other).count() == 1 and not Scan.objects.filter(name="again.png")


def test_the_api_and_the_command_line_add_a_scan_and_box_its_pages(demo, tmp_path, capsys):
    archivist = principal_by_username("archivist")
    api = Api(accounts.issue_token(archivist, "tests").secret)
    other = Item.objects.filter(scan__isnull=True, published_at__isnull=True).first()
    reference = archives.selectors.reference(other)
    identifier = archives.selectors.public_identifier(other)
    page = Image.new("L", (900, 300), 255)
    ImageDraw.Draw(page).text((40, 100), "Telegram received", font=ImageFont.load_default(size=48), fill=0)
    sent = io.BytesIO()
    page.save(sent, "PNG", dpi=(150, 150))
    upload = SimpleUploadedFile("telegram.png", sent.getvalue())
    response = api.client.post(f"/api/archive/items/{identifier}/scan", {"file": upload}, headers=api.headers)
    assert response.status_code == 200, response.content
    assert response.json()["scan"]["state"] == "queued" and response.json()["scan"]["page_count"] == 1
    empty = api.client.post(f"/api/archive/items/{identifier}/scan", {}, headers=api.headers)
    assert empty.status_code == 409 and "has its scan already" in empty.json()["detail"]

    with clock.frozen(clock.now()):
        archives.withdraw(archivist, EXTRACT, "box the stamp")
    answer = api.post(
        f"/archive/items/{ITEM}/review",
        {
            "decision": {
                "outcome": "redact",
                "boxes": [{"page": 7, "x0": 600, "y0": 1300, "x1": 1200, "y1": 1700, "reason": "LAW"}],
            }
        },
    )
    assert answer.status_code == 200, answer.content
    drawn = PageRedaction.objects.get(reason="LAW")
    assert (drawn.page.number, drawn.box.as_list(), drawn.phrase) == (7, [600, 1300, 1200, 1700], "")

    path = tmp_path / "again.png"
    path.write_bytes(sent.getvalue())
    with pytest.raises(SystemExit):  # refused: exit 2, saying why
        call_command("archive", "scan", reference, str(path), "--as", "archivist")
    assert "has its scan already" in capsys.readouterr().err
    with pytest.raises(CommandError, match="PAGE: X0,Y0,X1,Y1 = REASON"):
        call_command("archive", "review", EXTRACT, "redact", "--box", "1:x,1,2,3=LAW", "--as", "archivist")
