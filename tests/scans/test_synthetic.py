"""The generator of typed pages knows where every word stands: every drop of ink of a word lies in
its box, every box holds ink, the words are the words typed, and a seed gives the same pixels.
No database: these tests ask for no `db` fixture."""

from pathlib import Path

import pytest
from PIL import ImageDraw

from secretariat.scans.synthetic import MarginNote, Stamp, columns, transcript_pages, typed_page, typed_pages, wrap

pytestmark = pytest.mark.embedded  # no database: the PostgreSQL pass would only run it again

LINES = [
    "Выписка из протокола № 46 заседания",
    "Politburo of the CC CPSU, February 18, 1977",
    "",
    "тов. Брежневу, Andropov",
]


def _outside_words(synthetic):
    """The page with every word's box painted white: what ink is left is outside every box."""
    image = synthetic.image.copy()
    draw = ImageDraw.Draw(image)
    for word in synthetic.page.words:
        b = word.box
        draw.rectangle((b.x0, b.y0, b.x1 - 1, b.y1 - 1), fill=255)
    return image


@pytest.mark.parametrize("skew", [0.0, 1.3, -3.0])
def test_every_ink_pixel_of_a_word_lies_in_its_box_and_every_box_holds_ink(skew):
    page = typed_page(
        LINES, dpi=100, width_mm=120, height_mm=80, skew_degrees=skew, seed=4, margin_notes=["пометка на полях"]
    )
    assert page.image.mode == "L"
    assert page.image.size == (page.page.width, page.page.height) == (round(120 / 25.4 * 100), round(80 / 25.4 * 100))
    assert _outside_words(page).getextrema() == (255, 255)
    for word in page.page.words:
        assert page.image.crop(word.box.as_list()).getextrema()[0] < 160, word
    typed = [w for line in LINES for w in line.split()]
    assert [w.text for w in page.page.words] == typed + ["пометка", "на", "полях"]


def test_noise_blurs_and_speckles_but_the_words_ink_stays_in_the_boxes():
    clean = typed_page(LINES, dpi=100, width_mm=120, height_mm=80, skew_degrees=0.8, seed=2)
    noisy = typed_page(LINES, dpi=100, width_mm=120, height_mm=80, skew_degrees=0.8, seed=2, noise=1.0)
    assert [w.text for w in noisy.page.words] == [w.text for w in clean.page.words]
    assert _outside_words(noisy).getextrema()[0] < 200  # speckles outside the words
    # blur spreads a word's ink; its box grows by what the blur spreads, so it still holds it all
    for n, word in enumerate(noisy.page.words):
        assert word.box.x0 <= clean.page.words[n].box.x0 and word.box.x1 >= clean.page.words[n].box.x1
    for word in clean.page.words:
        b = word.box
        pad = 3
        ring = noisy.image.crop((max(0, b.x0 - pad), max(0, b.y0 - pad), b.x1 + pad, b.y1 + pad))
        assert ring.getextrema()[0] < 200


def test_a_seed_gives_the_same_pixels_and_another_seed_others():
    a = typed_page(LINES, dpi=72, width_mm=100, height_mm=60, skew_degrees=0.5, noise=0.5, seed=11)
    b = typed_page(LINES, dpi=72, width_mm=100, height_mm=60, skew_degrees=0.5, noise=0.5, seed=11)
    c = typed_page(LINES, dpi=72, width_mm=100, height_mm=60, skew_degrees=0.5, noise=0.5, seed=12)
    assert a.image.tobytes() == b.image.tobytes() and a.page == b.page
    assert a.image.tobytes() != c.image.tobytes()


def test_the_stamp_and_the_margin_note_are_words_of_the_page():
    page = typed_page(
        ["Secret"],
        dpi=100,
        width_mm=150,
        height_mm=120,
        margin_notes=[
            MarginNote("Вернуть через 7 дней", side="left"),
            MarginNote("Ginzburg?", side="right", angle=-90),
        ],
        stamp=Stamp(("ЦХСД ф.89 оп.25 д.44", "Копия 31.03.94")),
    )
    texts = [w.text for w in page.page.words]
    assert texts == [
        "Secret",
        "Вернуть",
        "через",
        "7",
        "дней",
        "Ginzburg?",
        "ЦХСД",
        "ф.89",
        "оп.25",
        "д.44",
        "Копия",
        "31.03.94",
    ]
    note = [w.box for w in page.page.words[1:5]]
    assert all(b.y1 - b.y0 > b.x1 - b.x0 for b in note if b.y1 - b.y0 > 15)  # turned along the margin
    assert max(b.x1 for b in note) < page.page.width * 0.15
    assert page.page.words[5].box.x0 > page.page.width * 0.85
    stamp = [w.box for w in page.page.words[6:]]
    assert min(b.y0 for b in stamp) > page.page.height * 0.5 and min(b.x0 for b in stamp) > page.page.width * 0.4
    for word in page.page.words:
        assert page.image.crop(word.box.as_list()).getextrema()[0] < 180, word


def test_long_lines_wrap_at_spaces_and_a_long_text_runs_over_sheets():
    assert columns(dpi=300) == 66  # pica: ten characters to the inch, 12 pt, on A4 less its margins
    text = ["слово " * 40 + "end", "", "x" * 10]
    wrapped = wrap(text, 20)
    assert all(len(line) <= 20 for line in wrapped) and "" in wrapped
    assert " ".join(wrapped).split() == " ".join(text).split()
    assert wrap(["a" * 25], 10) == ["a" * 10, "a" * 10, "a" * 5]
    many = [f"line {n} строка" for n in range(60)]
    with pytest.raises(ValueError):
        typed_page(many, dpi=50, width_mm=100, height_mm=80)
    sheets = typed_pages(many, dpi=50, width_mm=100, height_mm=80, stamp="ЦХСД", margin_notes=["note"])
    assert len(sheets) > 1
    assert [w.text for s in sheets for w in s.page.words if w.text not in ("ЦХСД", "note")] == " ".join(many).split()
    assert "note" in [w.text for w in sheets[0].page.words] and "ЦХСД" in [w.text for w in sheets[-1].page.words]


def test_the_reference_transcript_typed_back_has_its_margin_note_and_its_stamp():
    reference = Path(__file__).resolve().parents[2] / "src/secretariat/demo/reference"
    text = (reference / "politburo-1977-protocol-46-point-x.txt").read_text(encoding="utf-8")
    sheets = transcript_pages(text, dpi=72, skew_degrees=0.4, noise=0.3, seed=1977)
    assert len(sheets) >= 3
    words = [w.text for s in sheets for w in s.page.words]
    assert "Pressel" in words and "<u>SECOND.</u>" not in words and "SECOND." in words
    assert "[Along" not in words and "[On" not in words
    first, last = sheets[0].page.words, sheets[-1].page.words
    note = [w for w in first if w.box.x1 < first[0].box.x0]  # left of the typed text: the margin note
    assert [
        w.text for w in note
    ] == "Must be returned within 7 days to the CC CPSU (General Department, 1st sector)".split()
    stamp = (
        "TsKhSD(Central Archive of Contemporary Documents) Fond 89 Opis list 25 Document 44 Pages 7 Copy No. 03.31.94"
    )
    assert [w.text for w in last] == stamp.split()  # "on following page": a sheet of its own
    assert "Wire" in [w.text for w in sheets[-2].page.words]
    mine = transcript_pages(text, dpi=50, stamp=Stamp(("ЦХСД ф.89 оп.25 д.44",)))
    assert [w.text for w in mine[-1].page.words] == ["ЦХСД", "ф.89", "оп.25", "д.44"]
    for sheet in sheets:
        for word in sheet.page.words:
            assert sheet.image.crop(word.box.as_list()).getextrema()[0] < 200, word
