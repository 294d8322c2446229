"""The proof that a published redacted scan holds no trace of what it withholds.

The truth of where each word stands comes from the page's generator (scans.synthetic), never from
OCR and never from the library under test: a word is withheld when its true box meets a redaction
box, computed here by hand. For random pages, phrases and boxes (hypothesis), no withheld word is
found by pypdf, pdftotext or pdfium, in the document info, the XMP, any string or stream of the
file, or an earlier revision; every image in the file is exactly its page's burned raster and
every pixel in every box is black; and the words kept are all still in the text layer. One slow
test reads a published page with Tesseract. No database: no test here asks for `db`."""

import io
import re
import subprocess
import unicodedata
from collections import Counter

import pikepdf
import pypdf
import pypdfium2
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw

from secretariat.scans.redaction import RedactionBox, boxes_for_phrase, burn, normalise, published_pdf, withheld
from secretariat.scans.synthetic import typed_page
from secretariat.scans.words import Box, Page, Word

pytestmark = pytest.mark.embedded  # no database: the PostgreSQL pass would only run it again

VOCABULARY = [
    "Pressel", "Ginzburg", "Sakharov", "embassy", "cable", "Washington", "dissidents", "secretary",
    "Пресселя", "Гинзбург", "Сахаров", "посольство", "Вашингтон", "секретарь", "протокол", "выписка",
    "тов.", "Брежневу,", "(sic)", "«права»", "ЦХСД", "№46",
]  # fmt: skip
REASONS = ["PRIVACY", "SOURCES", "SECURITY", "FOREIGN"]


def true_withheld(page: Page, boxes) -> set[int]:
    """By hand, from the generator's boxes: a word whose box meets a redaction box at all."""
    return {
        n
        for n, word in enumerate(page.words)
        for red in boxes
        if word.box.x0 < red.box.x1
        and red.box.x0 < word.box.x1
        and word.box.y0 < red.box.y1
        and red.box.y0 < word.box.y1
    }


def extractions(data: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "published.pdf"
    path.write_bytes(data)
    pdftotext = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    pdfium = pypdfium2.PdfDocument(data)
    try:
        pdfium_text = "\n".join(pdfium[n].get_textpage().get_text_range() for n in range(len(pdfium)))
    finally:
        pdfium.close()
    return {
        "pypdf": "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages),
        "pdftotext": pdftotext.stdout.decode(),
        "pdfium": pdfium_text,
    }


def tokens(text: str) -> Counter:
    return Counter(unicodedata.normalize("NFC", t) for t in text.split())


def every_string_of_the_file(pdf: pikepdf.Pdf) -> tuple[list[str], list[bytes]]:
    """Every string, name and dictionary key in every object (and the trailer), and the decoded data of
    every stream that is not a page image."""
    strings: list[str] = []
    blobs: list[bytes] = []
    seen: set = set()

    def walk(obj):
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.String):
            strings.append(str(obj))
            blobs.append(bytes(obj))
        elif isinstance(obj, pikepdf.Name):
            strings.append(str(obj))
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                walk(item)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key, value in obj.items():
                strings.append(key)
                walk(value)
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") != "/Image":
                blobs.append(obj.read_bytes())

    walk(pdf.trailer)
    for obj in pdf.objects:
        walk(obj)
    return strings, blobs


def prove(pages, boxes, tmp_path) -> bytes:
    """Publish, then check everything the issue asks of a redacted file; returns the file."""
    data = published_pdf(pages, boxes)
    gone = [true_withheld(page, page_boxes) for (_, page), page_boxes in zip(pages, boxes, strict=True)]
    assert gone == [withheld(page, page_boxes) for (_, page), page_boxes in zip(pages, boxes, strict=True)]
    kept = Counter()
    for (_, page), page_gone in zip(pages, gone, strict=True):
        kept.update(unicodedata.normalize("NFC", w.text) for n, w in enumerate(page.words) if n not in page_gone)
    withheld_texts = {pages[p][1].words[n].text for p, page_gone in enumerate(gone) for n in page_gone}

    # no text extraction finds a withheld word; every kept word is there, as often as it was kept
    for name, text in extractions(data, tmp_path).items():
        assert tokens(text) == kept, name

    # and each kept word's text stands where its ink is (search hits land on the word)
    pdfium = pypdfium2.PdfDocument(data)
    try:
        for p, ((_, page), page_gone) in enumerate(zip(pages, gone, strict=True)):
            text_page, k = pdfium[p].get_textpage(), 72 / page.dpi
            top = page.height * k
            for n, word in enumerate(page.words):
                if n in page_gone:
                    continue
                b, m = word.box, (word.box.y1 - word.box.y0) * k / 3
                there = text_page.get_text_bounded(
                    left=b.x0 * k - m, bottom=top - b.y1 * k - m, right=b.x1 * k + m, top=top - b.y0 * k + m
                )
                assert unicodedata.normalize("NFC", word.text) in unicodedata.normalize("NFC", there), (word, there)
    finally:
        pdfium.close()

    # one revision, written whole
    assert data.count(b"%%EOF") == 1 and data.count(b"startxref") == 1
    assert b"/Prev" not in data and b"/Info" not in data and b"/Metadata" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Prev" not in pdf.trailer and "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root and len(pdf.docinfo) == 0
        with pdf.open_metadata() as xmp:
            assert len(xmp) == 0

        # the only images are the burned rasters, one a page, decoding to exactly what was burned
        images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        assert len(images) == len(pages)
        for n, ((image, _page), page_boxes) in enumerate(zip(pages, boxes, strict=True)):
            page = pdf.pages[n]
            assert not any(op == pikepdf.Operator("INLINE IMAGE") for _, op in pikepdf.parse_content_stream(page))
            placed = list(page.get_images().values())
            assert len(placed) == 1
            decoded = pikepdf.PdfImage(placed[0]).as_pil_image()
            expected = burn(image, page_boxes)
            assert decoded.mode == expected.mode and decoded.size == expected.size
            assert ImageChops.difference(decoded, expected).getbbox() is None
            for red in page_boxes:
                assert decoded.crop(red.box.as_list()).getextrema() == (
                    (0, 0) if decoded.mode == "L" else ((0, 0),) * 3
                )
        assert {img.objgen for img in images} == {next(iter(p.get_images().values())).objgen for p in pdf.pages}

        # no withheld word in any string, name or stream of the file (page images aside), nor in its
        # raw bytes (page images' compressed data aside), unless the same word is kept elsewhere
        strings, blobs = every_string_of_the_file(pdf)
        raw = data
        for img in images:
            raw = raw.replace(img.read_raw_bytes(), b"")
    for text in withheld_texts:
        if unicodedata.normalize("NFC", text) in kept:
            continue
        assert not any(text in s for s in strings), text
        for form in {text.encode("utf-8"), text.encode("utf-16-be"), normalise(text).encode("utf-8")}:
            assert form not in raw, text
            assert not any(form in blob for blob in blobs), text
    return data


def assert_covered(phrase: str, page: Page, found) -> None:
    """Every word of every occurrence of the phrase among the generator's words (found here by hand)
    lies wholly inside one of the boxes: its ink is burnt whatever the OCR made of it."""
    wanted = [normalise(t) for t in phrase.split() if normalise(t)]
    texts = [(n, normalise(w.text)) for n, w in enumerate(page.words) if normalise(w.text)]
    occurrences = [
        [n for n, _ in texts[i : i + len(wanted)]]
        for i in range(len(texts) - len(wanted) + 1)
        if [t for _, t in texts[i : i + len(wanted)]] == wanted
    ]
    for occurrence in occurrences:
        for n in occurrence:
            w = page.words[n].box
            assert any(b.x0 <= w.x0 and w.x1 <= b.x1 and b.y0 <= w.y0 and w.y1 <= b.y1 for b in found), (phrase, n)
    assert (not occurrences) == (not found)
    assert all(0 <= b.x0 and b.x1 <= page.width and 0 <= b.y0 and b.y1 <= page.height for b in found)


# -- hypothesis over random pages, phrases and boxes --------------------------------------------------


@st.composite
def redacted_pages(draw):
    pages, all_boxes = [], []
    for n in range(draw(st.integers(1, 2))):
        lines = draw(
            st.lists(
                st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4).map(" ".join), min_size=1, max_size=4
            )
        )
        synthetic = typed_page(
            lines,
            dpi=draw(st.sampled_from([50, 60, 100])),
            width_mm=110,
            height_mm=70,
            skew_degrees=draw(st.sampled_from([0.0, 0.6, -1.5])),
            noise=draw(st.sampled_from([0.0, 0.5])),
            seed=draw(st.integers(0, 1000)) + n,
        )
        page = synthetic.page
        boxes = []
        # phrases: a run of the page's own words (so it is found), or any words of the vocabulary
        for _ in range(draw(st.integers(0, 2))):
            if page.words and draw(st.booleans()):
                start = draw(st.integers(0, len(page.words) - 1))
                run = page.words[start : start + draw(st.integers(1, 3))]
                phrase = " ".join(w.text for w in run)
                if draw(st.booleans()):
                    phrase = phrase.upper()
            else:
                phrase = " ".join(draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=2)))
            reason = draw(st.sampled_from(REASONS))
            found = boxes_for_phrase(phrase, page)
            assert_covered(phrase, page, found)
            boxes += [RedactionBox(b, reason) for b in found]
        # boxes drawn by hand anywhere on the page
        for _ in range(draw(st.integers(0, 2))):
            x0 = draw(st.integers(0, page.width - 2))
            y0 = draw(st.integers(0, page.height - 2))
            x1 = draw(st.integers(x0 + 1, min(page.width, x0 + page.width // 2)))
            y1 = draw(st.integers(y0 + 1, min(page.height, y0 + page.height // 3)))
            boxes.append(RedactionBox(Box(x0, y0, x1, y1), draw(st.sampled_from(REASONS))))
        pages.append((synthetic.image, page))
        all_boxes.append(boxes)
    return pages, all_boxes


@pytest.mark.slow  # searches 60 examples: ~10 s
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(redacted_pages())
def test_a_published_redacted_scan_holds_no_trace_of_a_withheld_word(tmp_path, case):
    pages, boxes = case
    withheld_words = sum(
        len(true_withheld(page, page_boxes)) for (_, page), page_boxes in zip(pages, boxes, strict=True)
    )
    event("no word withheld" if not withheld_words else "a word withheld" if withheld_words == 1 else "words withheld")
    prove(pages, boxes, tmp_path)


# -- phrases, boxes and burning, by example -----------------------------------------------------------


def _page(*rows):
    """Words on a grid: each row a line 20 px high, each word 10 px a character, 10 px apart."""
    words = []
    for r, row in enumerate(rows):
        x = 10
        for text in row.split():
            words.append(Word(text, Box(x, 10 + 30 * r, x + 10 * len(text), 30 + 30 * r)))
            x += 10 * len(text) + 10
    return Page(width=400, height=40 + 30 * len(rows), dpi=100, words=tuple(words))


def test_a_phrase_is_found_whatever_its_case_form_and_edge_punctuation_and_each_line_gets_its_box():
    page = _page("the First secretary Pressel (sic), said", "nothing. First", "SECRETARY Пресселю Пресселю")
    # words: the 10-40, First 50-100, secretary 110-200, Pressel 210-280, (sic), 290-350 / nothing. 10-90,
    # First 100-150 / SECRETARY 10-100, Пресселю 110-190, Пресселю 200-280
    assert boxes_for_phrase("first secretary pressel (SIC)", page, pad=0) == [Box(50, 10, 350, 30)]
    # across a line break: one box a line, each over that line's words only
    assert boxes_for_phrase("First secretary", page, pad=0) == [
        Box(50, 10, 200, 30),
        Box(100, 40, 150, 60),
        Box(10, 70, 100, 90),
    ]
    # decomposed Cyrillic (NFD) matches composed text; padding stays on the page (130 px high)
    assert boxes_for_phrase("ПРЕССЕЛЮ", page, pad=15) == [Box(95, 55, 205, 105), Box(185, 55, 295, 105)]
    decomposed = unicodedata.normalize("NFD", "Соловьёв")
    assert len(decomposed) == len("Соловьёв") + 1
    assert boxes_for_phrase(decomposed, _page("тов. Соловьёв, Пономарев"), pad=0) == [Box(60, 10, 150, 30)]
    assert boxes_for_phrase("Пресселю", page, pad=50) == [Box(60, 20, 240, 130), Box(150, 20, 330, 130)]
    assert boxes_for_phrase("secretary", page) == [
        Box(110 - 2, 10 - 2, 200 + 2, 30 + 2),
        Box(8, 68, 102, 92),
    ]  # 2 px at 100 dpi
    assert boxes_for_phrase("nobody", page) == [] and boxes_for_phrase(" ,; ", page) == []
    assert normalise("«Пресселя»,") == "пресселя" and normalise("(sic),") == "sic"


def test_a_word_a_box_only_grazes_is_withheld_whole():
    page = _page("alpha beta gamma")
    beta = page.words[1].box
    graze = RedactionBox(Box(beta.x1 - 1, beta.y1 - 1, beta.x1 + 5, beta.y1 + 5), "PRIVACY")
    near = RedactionBox(Box(beta.x1, beta.y1, beta.x1 + 5, beta.y1 + 5), "PRIVACY")  # touches no pixel of beta
    assert withheld(page, [graze]) == {1}
    assert withheld(page, [near]) == set()
    assert withheld(page, [graze.box, RedactionBox(page.words[0].box, "SOURCES")]) == {0, 1}


def test_burning_makes_a_new_raster_black_inside_each_box_with_its_reason_code_outside():
    image = Image.new("L", (400, 200), 200)
    original = image.tobytes()
    boxes = [RedactionBox(Box(100, 80, 250, 120), "PRIVACY"), RedactionBox(Box(0, 0, 400, 10), "SOURCES")]
    burned = burn(image, boxes)
    assert image.tobytes() == original
    for red in boxes:
        assert burned.crop(red.box.as_list()).getextrema() == (0, 0)
    # the tag of the first box stands just right of it, outside it: white with black letters
    assert burned.crop((250, 80, 400, 120)).getextrema() == (0, 255)
    # the second box spans the page: no room beside it nor above, its tag goes below it
    assert burned.crop((0, 10, 200, 30)).getextrema() == (0, 255)
    # nothing else changed
    rest = burned.copy()
    draw = ImageDraw.Draw(rest)
    draw.rectangle((0, 0, 399, 40), fill=200)
    draw.rectangle((100, 75, 399, 124), fill=200)
    assert rest.getextrema() == (200, 200)
    # where the page beside a box is printed on, the tag goes where it is blank (here: the line below)
    printed = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(printed).rectangle((0, 40, 399, 99), fill=30)
    tagged = burn(printed, [RedactionBox(Box(150, 60, 250, 100), "SOURCES")])
    assert tagged.crop((0, 40, 400, 100)).getextrema() == (0, 30)  # the print around the box is untouched
    assert tagged.crop((150, 100, 400, 200)).getextrema() == (0, 255)
    # boxes that fill the page leave a tag no room: it may not reach into another box
    tiled = burn(
        Image.new("L", (120, 40), 255),
        [RedactionBox(Box(0, 0, 60, 40), "PRIVACY"), RedactionBox(Box(60, 0, 120, 40), "SOURCES")],
    )
    assert tiled.getextrema() == (0, 0)
    colour = burn(Image.new("RGB", (100, 100), (200, 10, 10)), [RedactionBox(Box(20, 40, 60, 60), "PRIVACY")])
    assert colour.mode == "RGB" and colour.crop((20, 40, 60, 60)).getextrema() == ((0, 0),) * 3
    # what is transparent in a scan is paper, not black
    clear = burn(Image.new("LA", (100, 100), (0, 0)), [RedactionBox(Box(20, 40, 60, 60), "PRIVACY")])
    assert clear.mode == "L" and clear.crop((0, 0, 100, 20)).getextrema() == (255, 255)
    assert clear.crop((20, 40, 60, 60)).getextrema() == (0, 0)


def test_what_the_scan_carried_besides_pixels_is_not_published(tmp_path):
    synthetic = typed_page(
        ["Pressel Ginzburg Сахаров", "посольство Washington"], dpi=72, width_mm=100, height_mm=50, seed=5
    )
    image = synthetic.image.convert("RGB")
    image.info["comment"] = b"Pressel"
    png = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Pressel")
    image.save(png, "PNG", pnginfo=info)
    scan = Image.open(io.BytesIO(png.getvalue()))
    assert scan.info.get("Author") == "Pressel"
    boxes = [RedactionBox(b, "PRIVACY") for b in boxes_for_phrase("Pressel", synthetic.page)]
    data = prove([(scan, synthetic.page)], [boxes], tmp_path)
    assert b"Pressel" not in data and b"Author" not in data


def test_two_pages_each_keep_their_own_raster_and_words(tmp_path):
    first = typed_page(["Ginzburg cable secretary"], dpi=72, width_mm=100, height_mm=50, seed=1)
    second = typed_page(["Сахаров посольство", "Pressel"], dpi=72, width_mm=100, height_mm=60, seed=2, skew_degrees=1.0)
    boxes = [
        [RedactionBox(b, "PRIVACY") for b in boxes_for_phrase("ginzburg", first.page)],
        [RedactionBox(b, "SOURCES") for b in boxes_for_phrase("Pressel", second.page)],
    ]
    data = prove([(first.image, first.page), (second.image, second.page)], boxes, tmp_path)
    # the same pages and boxes make the same bytes (no date, a file identifier drawn from the content)
    assert published_pdf([(first.image, first.page), (second.image, second.page)], boxes) == data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert [round(float(p.mediabox[3])) for p in pdf.pages] == [round(50 / 25.4 * 72), round(60 / 25.4 * 72)]


# -- OCR of what was published ------------------------------------------------------------------------


@pytest.mark.slow
def test_tesseract_reading_the_published_page_finds_no_withheld_word_but_most_kept_ones(tmp_path):
    lines = [
        "(For the Soviet Ambassador: If the interlocutor asks who exactly",
        "we are talking about, you could name the First secretary Pressel (sic))",
        "",
        "Выписка из протокола № 46 заседания Политбюро ЦК КПСС",
        "Посольство сообщает: первый секретарь Прессель встречался с Сахаровым.",
    ]
    synthetic = typed_page(lines, dpi=300, width_mm=210, height_mm=90, skew_degrees=0.4, noise=0.3, seed=46)
    page = synthetic.page
    boxes = [RedactionBox(b, "PRIVACY") for phrase in ("Pressel", "Прессель") for b in boxes_for_phrase(phrase, page)]
    boxes += [RedactionBox(b, "SOURCES") for b in boxes_for_phrase("встречался с Сахаровым", page)]
    assert len(boxes) == 4
    data = prove([(synthetic.image, page)], [boxes], tmp_path)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        raster = pikepdf.PdfImage(next(iter(pdf.pages[0].get_images().values()))).as_pil_image()
    png = tmp_path / "published-page.png"
    raster.save(png, dpi=(300, 300))
    read = subprocess.run(
        ["tesseract", str(png), "-", "-l", "rus+eng", "--dpi", "300"], capture_output=True, check=True
    )
    found = {normalise(t) for t in read.stdout.decode().split()} - {""}
    gone = true_withheld(page, boxes)
    assert {normalise(page.words[n].text) for n in gone} == {"pressel", "прессель", "встречался", "с", "сахаровым"}
    for n in gone:
        assert not any(normalise(page.words[n].text) in t for t in found if len(normalise(page.words[n].text)) > 2)
    assert not re.search(r"(?i)pres+el|прес+ел|сахар", read.stdout.decode())
    kept = [normalise(w.text) for n, w in enumerate(page.words) if n not in gone and normalise(w.text)]
    read_back = sum(1 for t in kept if t in found)
    assert read_back >= 0.8 * len(kept), (read_back, len(kept), sorted(found))
    assert "privacy" in found and "sources" in found  # the tags say why
