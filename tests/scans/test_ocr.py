"""OCR of scans, on pages drawn here with known words at known places: Tesseract finds most of them, each
word it finds has its box where the word was drawn (after deskew and rotation), the PDF/A is PDF/A with a
text layer, and a failure says why in words. OCR is slow: two readings in all (module fixtures), each
checked from several sides. No database: these tests touch none, so they are `embedded` (deselected on the
PostgreSQL pass, which would only run them again)."""

import io
import os
import subprocess
import tempfile
from pathlib import Path

import ocrmypdf
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from secretariat.scans import files, ocr, words

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

# A font that is always there: OCRmyPDF ships Noto Sans (Latin and Cyrillic).
FONT = Path(ocrmypdf.__file__).parent / "data" / "NotoSans-Regular.ttf"
DPI = 300

ENGLISH = [
    "Extract from protocol No. 46 of the meeting",
    "of the Secretariat of the Central Committee",
    "Point X. On the request of comrade Pressel",
    "to receive the documents of the archive",
    "Approve the proposal of the General Department",
    "concerning the transfer of the materials",
    "Instruct the Archive to prepare copies",
    "within one month and report on its execution",
    "Distribution: members of the Secretariat",
    "Secretary of the Central Committee",
    "The decision is recorded in the special file",
    "Reply to be sent before the end of April",
]
RUSSIAN = [
    "Выписка из протокола заседания Секретариата",
    "Центрального Комитета номер сорок шесть",
    "Пункт десятый о просьбе товарища Прессела",
    "получить документы из архива общего отдела",
    "Утвердить предложение Общего отдела ЦК",
    "о передаче материалов в архив партии",
    "Поручить архиву подготовить копии документов",
    "в течение месяца и доложить об исполнении",
    "Разослать членам Секретариата и отделам",
    "Секретарь Центрального Комитета партии",
    "Решение записано в особой папке архива",
    "Ответ направить до конца апреля месяца",
]


def typed_page(lines, *, skew=0.0, quarter_turns=0):
    """An A4 page at 300 dpi with `lines` typed on it, turned by `skew` degrees (counter-clockwise) and then by
    `quarter_turns` quarter turns; with each word and its box as drawn, upright and straight, at 300 dpi."""
    font = ImageFont.truetype(str(FONT), 44)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    drawn, y = [], 400
    for line in lines:
        x = 250
        for word in line.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=0)
            drawn.append(words.Word(word, words.Box(left, top, right, bottom)))
            x = right + draw.textlength(" ", font=font)
        y += 90
    if skew:
        image = image.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
    if quarter_turns:
        image = image.rotate(90 * quarter_turns, expand=True)
    return image, drawn


def tiff(*images) -> bytes:
    out = io.BytesIO()
    images[0].save(
        out,
        "TIFF",
        dpi=(DPI, DPI),
        compression="group4" if images[0].mode == "1" else "tiff_lzw",
        save_all=True,
        append_images=list(images[1:]),
    )
    return out.getvalue()


def png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()


def bare(text: str) -> str:
    return text.strip(".,;:()").casefold()


def found_in_place(read_page, drawn, pad=6):
    """The drawn words the OCR found where they were drawn (an OCR word of the same text whose box, in the page
    image's pixels, overlaps the drawn word's box scaled to them), and the OCR words of a drawn word's text
    that overlap no drawn box of that text."""
    scale = read_page.page.dpi / DPI
    width, height = read_page.page.width, read_page.page.height
    placed = [
        (
            bare(w.text),
            words.Box(
                int(w.box.x0 * scale), int(w.box.y0 * scale), int(w.box.x1 * scale) + 1, int(w.box.y1 * scale) + 1
            ).padded(pad, width, height),
        )
        for w in drawn
    ]
    texts = {text for text, _box in placed}
    found = [w for w in read_page.page.words if bare(w.text) in texts]
    hits = {
        i for i, (text, box) in enumerate(placed) if any(bare(w.text) == text and w.box.overlaps(box) for w in found)
    }
    astray = [w for w in found if not any(bare(w.text) == text and w.box.overlaps(box) for text, box in placed)]
    return len(hits) / len(placed), astray


@pytest.fixture(scope="module")
def private_tmp(tmp_path_factory):
    """A temporary directory of the readings' own, for Python and the programs OCR runs: what is left in it
    afterwards was left by a reading."""
    folder = tmp_path_factory.mktemp("ocr-tmp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(folder))
        patch.setattr(tempfile, "tempdir", str(folder))
        yield folder


@pytest.fixture(scope="module")
def two_pages(private_tmp):
    """A 2-page TIFF: English, straight; Russian, skewed 2 degrees."""
    english, english_words = typed_page(ENGLISH)
    russian, russian_words = typed_page(RUSSIAN, skew=2.0)
    data = tiff(english, russian)
    scanned = files.inspect(data, max_bytes=50 * 1024 * 1024, max_pages=10)
    calls = []
    reading = ocr.read(
        files.as_pdf(data, scanned.content_type), progress=lambda done, total: calls.append((done, total))
    )
    return {"scanned": scanned, "reading": reading, "drawn": [english_words, russian_words], "progress": calls}


@pytest.fixture(scope="module")
def turned(private_tmp):
    """An English page turned a quarter (as a sheet fed sideways), as a PDF whose invisible text layer says
    something the page does not show (what a failed redaction leaves: text under a black box)."""
    image, drawn = typed_page(ENGLISH[:10], quarter_turns=1)
    pdf = pikepdf.open(io.BytesIO(files.as_pdf(png(image), files.PNG)))
    page = pdf.pages[0]
    page.obj.Resources.Font = pikepdf.Dictionary(
        F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    page.contents_add(pdf.make_stream(b"BT /F1 24 Tf 3 Tr 100 100 Td (Underneathword Zhukovsky) Tj ET"), prepend=False)
    out = io.BytesIO()
    pdf.save(out)
    return {"reading": ocr.read(out.getvalue(), dpi=100), "drawn": drawn}


def test_a_two_page_tiff_gives_two_pages_each_drawn_at_the_asked_resolution_with_a_thumbnail(two_pages):
    assert two_pages["scanned"].page_count == 2
    pages = two_pages["reading"].pages
    assert [p.number for p in pages] == [1, 2]
    for read_page in pages:
        image = Image.open(io.BytesIO(read_page.image_png))
        assert image.format == "PNG"
        assert image.size == (read_page.page.width, read_page.page.height)
        assert read_page.page.width in (1240, 1241) and read_page.page.height in (1754, 1755)  # A4 at 150 dpi
        assert read_page.page.dpi == 150
        thumbnail = Image.open(io.BytesIO(read_page.thumbnail_png))
        assert thumbnail.width == 200
        assert abs(thumbnail.height - 200 * 1754 / 1240) <= 1.5


def test_the_english_page_is_read_and_each_word_found_stands_where_it_was_drawn(two_pages):
    page = two_pages["reading"].pages[0]
    share, astray = found_in_place(page, two_pages["drawn"][0])
    assert share >= 0.9, f"only {share:.0%} of the drawn words found in place"
    assert astray == []
    assert "Pressel" in two_pages["reading"].text


def test_the_russian_page_skewed_two_degrees_comes_out_straight_with_its_words_in_place(two_pages):
    page = two_pages["reading"].pages[1]
    share, astray = found_in_place(page, two_pages["drawn"][1])
    assert share >= 0.85, f"only {share:.0%} of the drawn words found in place"
    assert astray == []
    # straight: the words of one typed line share a line in the image (2 degrees over a line would be ~25 px)
    line = [w for w in page.page.words if bare(w.text) in {"выписка", "заседания"}]
    assert len(line) == 2 and abs(line[0].box.y0 - line[1].box.y0) <= 6
    assert "Прессела" in two_pages["reading"].text


def test_the_text_has_both_pages_a_form_feed_between_them(two_pages):
    english, russian = two_pages["reading"].text.split("\f")
    assert "Secretariat" in english and "Секретариата" not in english
    assert "Секретариата" in russian and "Secretariat" not in russian


def test_the_pdfa_is_pdfa_with_a_text_layer(two_pages, tmp_path):
    pdfa = two_pages["reading"].pdfa
    with pikepdf.open(io.BytesIO(pdfa)) as document:
        assert len(document.pages) == 2
        [intent] = document.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1
        metadata = document.open_metadata()
        assert metadata["pdfaid:part"] == "2"
        assert metadata["pdfaid:conformance"] in {"A", "B", "U"}
    path = tmp_path / "reading.pdf"
    path.write_bytes(pdfa)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Pressel" in text and "Прессела" in text


def test_the_hocr_of_a_page_holds_its_words_and_boxes(two_pages):
    page = two_pages["reading"].pages[0]
    word = next(w for w in page.page.words if w.text == "Pressel")
    assert f"title='bbox {word.box.x0} {word.box.y0} {word.box.x1} {word.box.y1}'>Pressel</span>" in page.hocr
    assert f"bbox 0 0 {page.page.width} {page.page.height}" in page.hocr


def test_progress_is_told_page_by_page_and_once_more_when_done(two_pages):
    assert two_pages["progress"] == [(0, 2), (1, 2), (2, 2), (2, 2)]


class Cancelled(Exception):
    pass


def test_a_progress_callback_that_raises_stops_the_reading_with_its_own_exception(private_tmp):
    def cancel(done, total):
        if done:  # told from inside OCRmyPDF, once the page is read
            raise Cancelled(f"{done}/{total}")

    page, _drawn = typed_page(ENGLISH[:3])
    with pytest.raises(Cancelled, match="1/1"):
        ocr.read(files.as_pdf(png(page), files.PNG), progress=cancel)


def test_readings_leave_no_temporary_file_behind(two_pages, turned, private_tmp):
    """Including the one cancelled above (this test runs after it)."""
    assert os.listdir(private_tmp) == []


def test_a_page_turned_a_quarter_is_turned_upright_with_its_words_in_place(turned):
    [page] = turned["reading"].pages
    assert page.page.height > page.page.width  # upright A4 again
    share, astray = found_in_place(page, turned["drawn"])
    assert share >= 0.9, f"only {share:.0%} of the drawn words found in place"
    assert astray == []


def test_text_a_pdf_held_that_its_page_does_not_show_is_not_carried_over(turned):
    assert "Pressel" in turned["reading"].text
    assert "Underneathword" not in turned["reading"].text
    assert not any("Underneathword" in w.text for w in turned["reading"].pages[0].page.words)


def test_a_language_tesseract_lacks_is_a_failure_saying_so():
    with pytest.raises(ocr.OcrFailed) as failed:
        ocr.read(files.as_pdf(png(Image.new("L", (600, 800), 255)), files.PNG), languages=("deu",))
    assert "deu" in failed.value.reason and "language data" in failed.value.reason
    assert "Traceback" not in failed.value.reason


def test_without_tesseract_the_failure_says_tesseract_is_not_installed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ocr.OcrFailed, match="Tesseract is not installed"):
        ocr.read(files.as_pdf(png(Image.new("L", (600, 800), 255)), files.PNG))


def test_a_file_that_is_not_a_pdf_is_a_failure_not_a_crash():
    with pytest.raises(ocr.OcrFailed, match="cannot be read as a scan"):
        ocr.read(b"%PDF-1.4 this is not a PDF at all")


def test_a_page_tesseract_gives_up_on_is_a_failure_saying_so():
    page, _drawn = typed_page(ENGLISH[:3])
    with pytest.raises(ocr.OcrFailed, match="Tesseract took longer than 0.01 seconds on a page"):
        ocr.read(files.as_pdf(png(page), files.PNG), page_timeout=0.01)
