"""Redaction that removes: boxes found from a phrase, burnt into a new raster, and a PDF built fresh
from those rasters alone.

The ways redaction fails in scans and PDFs are a black box drawn over text still there underneath,
the original page image kept under the redacted one, the name left in the metadata, or an earlier
revision of the file. So `published_pdf` takes nothing from the original file: each page is the
burned raster (stored losslessly, so what a reader decodes is exactly what was burned) and an
invisible text layer (ocrmypdf's renderer, whose glyphless font takes Cyrillic) of the page's
words less every word a box touches; the file is written whole by pikepdf, with no document info,
no XMP, and one cross-reference section. Pure functions of images and word boxes: no database.
"""

from __future__ import annotations

import io
import tempfile
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from .words import Box, Page, Word

LABEL_FONTS = (
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


@dataclass(frozen=True)
class RedactionBox:
    """A box to burn out of a page image, and the reason it is withheld (a code such as "PRIVACY")."""

    box: Box
    reason: str


def normalise(text: str) -> str:
    """A word as a phrase matches it: Unicode NFKC, case folded, punctuation at its edges left off."""
    text = unicodedata.normalize("NFKC", text).casefold()
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] in "PS":
        end -= 1
    return text[start:end]


def default_pad(dpi: int) -> int:
    """A little more than the ink: 2 px at 100 dpi, 6 px at 300."""
    return max(2, round(dpi / 50))


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Consecutive words split where a word does not stand beside the one before it on the same line
    (its middle is above or below the previous word's box, or it starts before that word ends)."""
    lines: list[list[Word]] = []
    for word in words:
        if lines:
            last = lines[-1][-1].box
            middle = (word.box.y0 + word.box.y1) / 2
            if last.y0 <= middle <= last.y1 and word.box.x0 >= last.x1 - (last.y1 - last.y0) / 4:
                lines[-1].append(word)
                continue
        lines.append([word])
    return lines


def _union(boxes: Iterable[Box]) -> Box:
    boxes = list(boxes)
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


def boxes_for_phrase(phrase: str, page: Page, *, pad: int | None = None) -> list[Box]:
    """A box over every occurrence of `phrase` among the page's words (consecutive words, compared as
    `normalise` has them; words that are punctuation alone are passed over), one box per line an
    occurrence runs over, padded by `pad` pixels (default_pad of the page's dpi) and kept on the page."""
    wanted = [t for t in (normalise(w) for w in phrase.split()) if t]
    if not wanted:
        return []
    pad = default_pad(page.dpi) if pad is None else pad
    counted = [(n, t) for n, t in ((n, normalise(w.text)) for n, w in enumerate(page.words)) if t]
    found: list[Box] = []
    for start in range(len(counted) - len(wanted) + 1):
        if all(counted[start + k][1] == wanted[k] for k in range(len(wanted))):
            first, last = counted[start][0], counted[start + len(wanted) - 1][0]
            for line in _lines(page.words[first : last + 1]):
                found.append(_union(w.box for w in line).padded(pad, page.width, page.height))
    return found


def _box(box: Box | RedactionBox) -> Box:
    return box.box if isinstance(box, RedactionBox) else box


def withheld(page: Page, boxes: Iterable[Box | RedactionBox]) -> set[int]:
    """The indices of the page's words that any box touches: a word partly covered is withheld whole."""
    boxes = [_box(b) for b in boxes]
    return {n for n, word in enumerate(page.words) if any(word.box.overlaps(b) for b in boxes)}


@cache
def _label_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in LABEL_FONTS:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def _blank(image: Image.Image, box: Box) -> bool:
    """Nothing printed there: under one pixel in 100 darker than mid-grey (specks allowed, not letters)."""
    dark = sum(image.crop(box.as_list()).convert("L").histogram()[:128])
    return dark * 100 <= (box.x1 - box.x0) * (box.y1 - box.y0)


def _label_at(image: Image.Image, box: Box, tag: tuple[int, int], taken: Sequence[Box]) -> Box | None:
    """Where a tag `tag` wide and high goes beside `box`: the first blank place on the page, not on
    another box or tag, of: right of the box, left of it, above, below, in the right margin on its
    row, in the left margin; failing a blank one, the first of those on the page; None when the box
    leaves no room on the page at all."""
    w, h = tag
    width, height = image.size
    gap = max(2, h // 3)
    row = min(max(0, (box.y0 + box.y1 - h) // 2), max(0, height - h))
    column = min(max(0, box.x0), max(0, width - w))
    places = [
        (box.x1 + gap, row),
        (box.x0 - gap - w, row),
        (column, box.y0 - gap - h),
        (column, box.y1 + gap),
        (width - w - gap, row),
        (gap, row),
    ]
    on_page = [Box(x, y, x + w, y + h) for x, y in places if x >= 0 and y >= 0 and x + w <= width and y + h <= height]
    free = [place for place in on_page if not any(place.overlaps(other) for other in taken)]
    for place in free:
        if _blank(image, place):
            return place
    return (free or on_page or [None])[0]


def burn(image: Image.Image, boxes: Sequence[RedactionBox]) -> Image.Image:
    """A new raster (grey, or RGB for a colour scan) with every box solid black, each labelled with its
    reason code in a small tag outside the box, where the page is blank if it can be (see `_label_at`);
    the boxes are filled again last, so no tag reaches into one."""
    if "A" in image.mode or image.mode == "P" and "transparency" in image.info:
        # what is transparent is paper: lay the scan on white before its alpha is dropped
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
        image = image.convert("L") if rgba.getchannel("R") == rgba.getchannel("G") == rgba.getchannel("B") else image
    burned = image.convert("RGB" if image.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB", "HSV") else "L")
    black, white = (0, 0, 0) if burned.mode == "RGB" else 0, (255, 255, 255) if burned.mode == "RGB" else 255
    draw = ImageDraw.Draw(burned)
    taken = [red.box for red in boxes]
    for red in boxes:
        b = red.box
        draw.rectangle((b.x0, b.y0, b.x1 - 1, b.y1 - 1), fill=black)
    for red in boxes:
        # letters two thirds the height of the box (a line of text: as legible as the text beside it),
        # within bounds set by the page
        size = max(8, round(min(max(red.box.y1 - red.box.y0, 12) * 0.65, min(burned.width, burned.height) / 25)))
        font = _label_font(size)
        left, top, right, bottom = draw.textbbox((0, 0), red.reason, font=font)
        margin = max(1, size // 6)
        place = _label_at(burned, red.box, (right - left + 2 * margin, bottom - top + 2 * margin), taken)
        if place is None:
            continue
        taken.append(place)
        draw.rectangle((place.x0, place.y0, place.x1 - 1, place.y1 - 1), fill=white)
        draw.text((place.x0 + margin - left, place.y0 + margin - top), red.reason, font=font, fill=black)
    for red in boxes:
        b = red.box
        draw.rectangle((b.x0, b.y0, b.x1 - 1, b.y1 - 1), fill=black)
    return burned


def _ocr_tree(page: Page, words: Sequence[Word]):
    """The kept words as ocrmypdf's OCR element tree: a page of lines of words, boxes in pixels."""
    from ocrmypdf.hocrtransform import BoundingBox, OcrClass, OcrElement

    def bbox(b: Box) -> BoundingBox:
        return BoundingBox(b.x0, b.y0, b.x1, b.y1)

    def line(words: Sequence[Word]) -> OcrElement:
        # Text extractors find a word's end where a gap follows it: where two boxes all but touch (a
        # page scanned coarsely), the earlier word's text is made a little narrower than its box.
        height = _union(w.box for w in words).y1 - _union(w.box for w in words).y0
        gap = max(1, round(height * 0.3))
        children = []
        for n, w in enumerate(words):
            right = w.box.x1
            if n + 1 < len(words):
                right = max(w.box.x0 + 1, min(right, words[n + 1].box.x0 - gap))
            children.append(
                OcrElement(ocr_class=OcrClass.WORD, bbox=bbox(Box(w.box.x0, w.box.y0, right, w.box.y1)), text=w.text)
            )
        return OcrElement(ocr_class=OcrClass.LINE, bbox=bbox(_union(w.box for w in words)), children=children)

    lines = [line(words) for words in _lines(words)]
    return OcrElement(
        ocr_class=OcrClass.PAGE,
        bbox=BoundingBox(0, 0, page.width, page.height),
        dpi=page.dpi,
        page_number=0,
        children=lines,
    )


def _text_layers(pages: Sequence[tuple[Page, Sequence[Word]]]) -> bytes:
    """One PDF of invisible text, a page for each page, through ocrmypdf's fpdf2 renderer."""
    from ocrmypdf.font import MultiFontManager
    from ocrmypdf.font.font_provider import BuiltinFontProvider
    from ocrmypdf.fpdf_renderer import Fpdf2MultiPageRenderer

    # ocrmypdf's own fonts only (Noto Sans for Latin and Cyrillic, its glyphless font for the rest):
    # the same file on every machine, and no search of the system's fonts on every call
    fonts = MultiFontManager(font_provider=BuiltinFontProvider())
    renderer = Fpdf2MultiPageRenderer(
        [(n, _ocr_tree(page, words), page.dpi) for n, (page, words) in enumerate(pages)],
        fonts,
        invisible_text=True,
    )
    with tempfile.TemporaryDirectory(prefix="secretariat-redaction-") as tmp:
        out = Path(tmp) / "text.pdf"
        renderer.render(out)
        return out.read_bytes()


def published_pdf(pages: Sequence[tuple[Image.Image, Page]], boxes: Sequence[Sequence[RedactionBox]]) -> bytes:
    """The redacted file to publish: for each page its burned raster (Flate, lossless) under an invisible
    text layer of the words no box touches; no document info, no XMP, no image but the burned rasters,
    written whole (one cross-reference section, no /Prev)."""
    if len(pages) != len(boxes):
        raise ValueError(f"{len(pages)} pages but boxes for {len(boxes)}")
    if not pages:
        raise ValueError("no pages")
    kept = []
    for (image, page), page_boxes in zip(pages, boxes, strict=True):
        if image.size != (page.width, page.height):
            raise ValueError(f"image {image.size} is not the page's {page.width}x{page.height}")
        gone = withheld(page, page_boxes)
        kept.append((page, [w for n, w in enumerate(page.words) if n not in gone]))
    text = _text_layers(kept)

    with pikepdf.open(io.BytesIO(text)) as pdf:
        for n, ((image, page), page_boxes) in enumerate(zip(pages, boxes, strict=True)):
            burned = burn(image, page_boxes)
            raster = pikepdf.Stream(pdf, zlib.compress(burned.tobytes(), 6))
            raster.Type = pikepdf.Name.XObject
            raster.Subtype = pikepdf.Name.Image
            raster.Width, raster.Height = burned.width, burned.height
            raster.ColorSpace = pikepdf.Name.DeviceRGB if burned.mode == "RGB" else pikepdf.Name.DeviceGray
            raster.BitsPerComponent = 8
            raster.Filter = pikepdf.Name.FlateDecode
            target = pdf.pages[n]
            width_pt, height_pt = page.width * 72 / page.dpi, page.height * 72 / page.dpi
            target.MediaBox = pikepdf.Array([0, 0, width_pt, height_pt])
            for key in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Metadata", "/PieceInfo", "/Thumb"):
                if key in target.obj:
                    del target.obj[key]
            # the renderer may share one resource dictionary among pages: each page gets its own
            shared = target.obj.get("/Resources", pikepdf.Dictionary())
            resources = pikepdf.Dictionary({key: value for key, value in shared.items() if key != "/XObject"})
            resources.XObject = pikepdf.Dictionary(Scan=raster)
            target.obj.Resources = resources
            draw = f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /Scan Do Q\n".encode()
            target.contents_add(pikepdf.Stream(pdf, draw), prepend=True)
        for key in ("/Metadata", "/PieceInfo", "/Outlines", "/Names", "/OpenAction", "/AcroForm", "/StructTreeRoot"):
            if key in pdf.Root:
                del pdf.Root[key]
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        out = io.BytesIO()
        pdf.save(
            out,
            fix_metadata_version=False,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
    return out.getvalue()
