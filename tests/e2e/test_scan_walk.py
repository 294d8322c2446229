"""Scans in the browser, on this pass's engine, with the task worker `secretariat serve` starts beside the server:
a registrar drops a scan on a paper's register entry and watches OCR read it (htmx, no reload); the paper's reader
sees its pages and finds it by a word of it in staff search; the archivist withdraws the reference extract, draws a
box on its first page with the mouse, withholds two phrases, publishes, and the reading room shows the pages beside
the text with the box burned in, a PDF without the withheld words and a IIIF manifest that iiif-prezi3 loads."""

import io
import json
import re
import subprocess

import iiif_prezi3
import pytest
from PIL import Image
from playwright.sync_api import expect

from secretariat.scans.synthetic import typed_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
EXTRACT, PUBLISHED = "TsKhSD/89/25/44", "tskhsd-89-25-44"
WITHHELD = ("Sakharov", "Pressel")


SERVE_WITH_WORKER = True  # OCR and publication happen on the worker beside the server


@pytest.fixture(scope="module")
def demo(demo_on_the_configured_engine):
    """The demo on this pass's engine, served with its task worker beside it, as `secretariat serve` runs it."""
    return demo_on_the_configured_engine


def _two_page_tiff() -> bytes:
    """A note typed on two A5 sheets at 150 dpi, as a scanner sends it: one TIFF of two pages."""
    sheets = [
        typed_page(["NOTE FROM THE EMBASSY", "", "The harvest report reached Washington today."], **A5, seed=1),
        typed_page(["Telegraph the figures when the ministry answers."], **A5, seed=2),
    ]
    out = io.BytesIO()
    first, *rest = (sheet.image for sheet in sheets)
    first.save(out, "TIFF", save_all=True, append_images=rest, dpi=(150, 150), compression="tiff_lzw")
    return out.getvalue()


A5 = {"dpi": 150, "width_mm": 148, "height_mm": 210, "font_pt": 14}


def _person(tab_factory, who: str, screen: dict):
    """A tab of its own whose screenshots go to a folder of its own (tabs number their shots each from 1)."""
    tab = tab_factory(**screen)
    tab.folder = tab.folder / who
    tab.folder.mkdir()
    return tab


def test_a_registrar_drops_a_scan_the_worker_reads_it_and_the_reader_sees_and_finds_it(tab_factory, tmp_path):
    registrar = _person(tab_factory, "registrar", LAPTOP)
    registrar.log_in("registrar")
    registrar.visit("/registry/")
    registrar.page.locator("#title").fill("Note from the embassy, as received")
    registrar.page.locator('select[name="classification_level"]').select_option(value="SECRET")
    registrar.page.locator("#dated").fill("1977-02-20")
    registrar.page.locator("#text").fill("A note that came on paper; its scan follows.")
    registrar.page.locator("#distribution").fill("gromyko")
    with registrar.page.expect_navigation():
        registrar.page.locator('form[action="/registry/register/"] [type=submit]').click()
    number = registrar.page.url.removeprefix(f"{registrar.demo.url}/registry/").removesuffix("/")
    assert re.fullmatch(r"[^/]+(/[^/]+)?", number), registrar.page.url

    panel = registrar.page.get_by_role("region", name="Scans", exact=True)
    expect(panel).to_contain_text("No scans of this paper yet.")
    drop = panel.get_by_label("Scans:", exact=True)
    expect(drop).to_be_visible()
    assert drop.evaluate("e => e.type === 'file' && e.multiple && e.classList.contains('drop')")
    registrar.snap()
    scan_file = tmp_path / "embassy-note.tiff"
    scan_file.write_bytes(_two_page_tiff())
    drop.set_input_files(str(scan_file))
    panel.get_by_label("Title").fill("The note as received")
    with registrar.page.expect_navigation():
        panel.get_by_role("button", name="Send for OCR").click()
    expect(registrar.page.locator(".messages")).to_contain_text("1 scan queued for OCR")
    link = panel.get_by_role("link", name=re.compile("The note as received"))
    expect(link).to_be_visible()
    scan_id = int(re.fullmatch(r"/scans/(\d+)/", link.get_attribute("href")).group(1))
    progress = registrar.page.locator(f"#scan-{scan_id}-progress")
    expect(panel).to_contain_text("2 pages")
    registrar.snap()  # queued, or being read, as the worker goes

    registrar.page.evaluate("window.notReloaded = true")
    expect(progress).not_to_have_attribute("hx-get", re.compile("."), timeout=60_000)  # htmx stops asking: done
    expect(progress).to_contain_text(re.compile("Read: 2 of 2 pages"))
    expect(progress.locator("progress")).to_have_count(0)
    assert registrar.page.evaluate("window.notReloaded === true")  # the panel followed OCR without a reload
    expect(progress.locator("img")).to_have_count(0)  # the registrar keeps the register, not the pages
    registrar.snap()

    reader = _person(tab_factory, "gromyko", LAPTOP)
    reader.log_in("gromyko")
    reader.visit(f"/documents/{number}/")
    thumbnails = reader.page.locator(f'img[src^="/scans/{scan_id}/pages/"][src$="/thumbnail.png"]')
    expect(thumbnails).to_have_count(2)
    for thumbnail in thumbnails.all():
        thumbnail.scroll_into_view_if_needed()
        expect(thumbnail).to_be_visible()
        assert thumbnail.evaluate("i => i.complete && i.naturalWidth > 0 && i.naturalHeight > i.naturalWidth")
    reader.snap()
    with reader.page.expect_navigation():
        thumbnails.nth(1).click()
    expect(reader.page).to_have_url(f"{reader.demo.url}/scans/{scan_id}/#page-2")
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("The note as received")
    pages = reader.page.get_by_role("region", name="Pages").locator("figure img")
    expect(pages).to_have_count(2)
    for page in pages.all():
        page.scroll_into_view_if_needed()
        assert page.evaluate("i => i.complete && i.naturalWidth > 0")
    expect(reader.page.get_by_role("region", name="Text read by OCR")).to_contain_text("harvest")
    reader.snap()

    reader.visit("/search/?q=harvest")
    found = reader.page.locator(f"#scan-found-{scan_id}")
    expect(found).to_be_visible()
    expect(found.locator("mark")).to_have_text(re.compile("^harvest$", re.IGNORECASE))
    reader.snap()


def test_the_archivist_draws_a_box_withholds_two_names_and_the_reading_room_shows_the_burned_pages(
    tab_factory, tmp_path
):
    archivist = _person(tab_factory, "archivist", LAPTOP)
    archivist.log_in("archivist")
    archivist.visit(f"/archive/items/{EXTRACT}/")
    declassification = archivist.page.get_by_role("region", name="Declassification")
    withdraw = archivist.page.locator('form[action$="/withdraw/"]')
    withdraw.get_by_label("Reason").fill("a name the 1994 copy should not have shown")
    with archivist.page.expect_navigation():
        withdraw.get_by_role("button", name="Withdraw from the reading room").click()
    decide = archivist.page.get_by_role("form", name="Decide the review")
    expect(decide).to_be_visible()

    frame = archivist.page.locator('[data-page="1"]')
    expect(frame).to_have_count(1)
    archivist.snap()
    frame.evaluate("e => e.scrollIntoView({block: 'start'})")  # the page's head in the window, where the box goes
    box = frame.bounding_box()
    start = (box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.055)
    end = (box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.095)
    archivist.page.mouse.move(*start)
    archivist.page.mouse.down()
    archivist.page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=4)
    archivist.page.mouse.move(*end, steps=4)
    archivist.page.mouse.up()
    boxes = decide.get_by_label("Boxes on the scan")
    reason = archivist.page.locator("[data-box-reason]").input_value()
    expect(boxes).to_have_value(re.compile(rf"^1: \d+,\d+,\d+,\d+ = {reason}$"))
    drawn = tuple(int(v) for v in re.findall(r"\d+", boxes.input_value().split(":", 1)[1]))
    expect(frame.locator(".box:not(.drawing)")).to_have_text(reason)
    natural = frame.locator("img").evaluate("i => [i.naturalWidth, i.naturalHeight]")
    x0, y0, x1, y1 = drawn  # where the mouse went, in the page image's pixels (within a pixel of rounding)
    assert abs(x0 - 0.1 * natural[0]) < 4 and abs(x1 - 0.55 * natural[0]) < 4, (drawn, natural)
    assert abs(y0 - 0.055 * natural[1]) < 4 and abs(y1 - 0.095 * natural[1]) < 4, (drawn, natural)
    archivist.snap()

    decide.get_by_label("Outcome").select_option("redact")
    # What the box covers stands in the text too: withheld there as well, or publishing refuses (below, the unit
    # test of it in tests/scans/test_archive_scans.py).
    decide.get_by_label("Redactions").fill(
        f"Sakharov = SOURCES\nPressel = PRIVACY\nProletariats of the World unite! = {reason}"
    )
    decide.get_by_label("Note").fill("the heading's first line, and two names")
    archivist.snap()
    with archivist.page.expect_navigation():
        decide.get_by_role("button", name="Decide").click()
    expect(declassification).to_contain_text("declassified with redactions")
    expect(declassification).to_contain_text("SOURCES: “Sakharov”")
    expect(declassification).to_contain_text("PRIVACY: “Pressel”")
    scan = archivist.page.get_by_role("region", name="Scan", exact=True)
    # the drawn box, kept, and the box the motto's phrase got where OCR found it
    expect(scan.locator("#page-1 .box", has_text=reason)).to_have_count(2)
    expect(scan.locator(".box", has_text="SOURCES")).not_to_have_count(0)  # OCR found Sakharov
    expect(scan.locator(".box", has_text="PRIVACY")).not_to_have_count(0)
    archivist.snap()
    with archivist.page.expect_navigation(timeout=60_000):
        archivist.page.get_by_role("button", name="Publish in the reading room").click()
    expect(declassification).to_contain_text("Published")
    archivist.snap()

    researcher = _person(tab_factory, "researcher-1280", LAPTOP)
    researcher.visit(f"/reading-room/{PUBLISHED}/")
    main = researcher.page.locator("main")
    for word in (*WITHHELD, "Proletariats"):
        expect(main).not_to_contain_text(word)
    expect(main).to_contain_text("[REDACTED: SOURCES]")
    pages = researcher.page.get_by_role("region", name="The paper as scanned")
    text = researcher.page.locator("article .beside > .text")
    expect(pages.locator("figure img")).to_have_count(7)
    beside_pages, beside_text = pages.bounding_box(), text.bounding_box()
    assert beside_pages["x"] + beside_pages["width"] <= beside_text["x"], (beside_pages, beside_text)  # side by side
    assert abs(beside_pages["y"] - beside_text["y"]) < 80, (beside_pages, beside_text)
    researcher.snap()

    request = researcher.page.request
    image = request.get(f"{researcher.demo.url}/reading-room/{PUBLISHED}/pages/1.png")
    assert image.status == 200 and image.headers["content-type"] == "image/png"
    burned = Image.open(io.BytesIO(image.body())).convert("L")
    assert list(burned.size) == natural
    inside = burned.crop((x0 + 2, y0 + 2, x1 - 2, y1 - 2))
    assert inside.getextrema() == (0, 0), inside.getextrema()  # solid black where the box was drawn
    assert burned.crop((0, y1 + 40, burned.width, burned.height)).getextrema()[1] > 200  # the page itself is not

    pdf = request.get(f"{researcher.demo.url}/reading-room/{PUBLISHED}/scan.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "scan.pdf").write_bytes(pdf.body())
    extracted = subprocess.run(
        ["pdftotext", str(tmp_path / "scan.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Ambassador" in extracted, extracted[:500]  # the text layer is there, without what it withholds
    for word in WITHHELD:
        assert word.lower() not in extracted.lower()
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "scan.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "COMMUNIST" in first_page and "Proletariats" not in first_page, first_page  # nor the words in the box

    manifest = request.get(f"{researcher.demo.url}/reading-room/{PUBLISHED}/manifest.json")
    assert manifest.status == 200
    loaded = iiif_prezi3.Manifest(**json.loads(manifest.body()))
    assert len(loaded.items) == 7

    reader = _person(tab_factory, "researcher-390", PHONE)
    reader.visit(f"/reading-room/{PUBLISHED}/")
    pages = reader.page.get_by_role("region", name="The paper as scanned")
    text = reader.page.locator("article .beside > .text")
    first = pages.locator("figure img").first
    expect(first).to_be_visible()
    assert reader.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    stacked_pages, stacked_text = pages.bounding_box(), text.bounding_box()
    assert stacked_pages["y"] + stacked_pages["height"] <= stacked_text["y"], (stacked_pages, stacked_text)
    assert first.bounding_box()["width"] <= 390
    reader.snap()
