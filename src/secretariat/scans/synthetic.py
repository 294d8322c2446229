"""Typed pages made up, whose maker knows where every word stands.

A test of OCR or of redaction needs the truth of where each word is, and that truth must not come
from the OCR under test. `typed_page` lays lines out as a typewriter would (a monospace font, 10
characters to the inch at 12 pt, a little jitter and ink variation per character), adds margin notes
written by hand (a slanted font, turned along the margin) and an archive stamp (a framed block of
text), then skews the whole sheet and adds speckles and a slight blur, as a scanner would. Each
word's box in `page.words` holds all of its ink after all of that: the bounding box of the word's
rectangle once turned, grown by what the blur spreads. Same arguments, same seed: same pixels.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from .words import Box, Page, Word

MONO_FONTS = (
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
)
HAND_FONTS = (
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
)
PAPER = 255
INK = 40  # a typewriter ribbon: dark, never quite black
PENCIL = 95  # a note by hand
STAMP_INK = 110  # a rubber stamp, pale


@dataclass(frozen=True)
class MarginNote:
    """A note written by hand along a margin (`side` "left" or "right"), turned `angle` degrees
    (90: read from bottom to top), starting `from_top_mm` below the top of the sheet."""

    text: str
    side: str = "left"
    angle: float = 90.0
    from_top_mm: float = 60.0


@dataclass(frozen=True)
class Stamp:
    """An archive stamp: framed lines of text, `from_bottom_mm` above the bottom, at the right."""

    lines: tuple[str, ...]
    from_bottom_mm: float = 30.0


@dataclass(frozen=True)
class SyntheticPage:
    image: Image.Image  # mode "L", white paper
    page: Page


@cache
def font_path(kind: str = "mono") -> str:
    for candidate in MONO_FONTS if kind == "mono" else HAND_FONTS:
        if Path(candidate).exists():
            return candidate
    raise FileNotFoundError(f"no {kind} font installed: {MONO_FONTS if kind == 'mono' else HAND_FONTS}")


@cache
def _font(kind: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(kind), max(1, size_px))


def columns(*, dpi: int = 300, width_mm: float = 210, font_pt: float = 12.0) -> int:
    """How many characters a typed line holds on a sheet this wide."""
    return _geometry(dpi, width_mm, 297, font_pt)["columns"]


def _geometry(dpi: int, width_mm: float, height_mm: float, font_pt: float) -> dict:
    px = dpi / 25.4
    width, height = round(width_mm * px), round(height_mm * px)
    size = max(1, round(font_pt * dpi / 72))
    advance = _font("mono", size).getlength("M")
    left, right = round(min(25 * px, width * 0.12)), round(min(15 * px, width * 0.08))
    top, bottom = round(min(20 * px, height * 0.08)), round(min(20 * px, height * 0.08))
    return {
        "width": width,
        "height": height,
        "size": size,
        "advance": advance,
        "pitch": round(size * 1.5),
        "left": left,
        "top": top,
        "bottom": bottom,
        "columns": max(1, int((width - left - right) / advance)),
        "rows": max(1, int((height - top - bottom) / round(size * 1.5))),
    }


def wrap(lines: Sequence[str], width: int) -> list[str]:
    """The lines as a typist would type them on a sheet `width` characters wide: long lines broken at
    spaces (a word longer than the line is cut), empty lines kept."""
    out: list[str] = []
    for line in lines:
        words = line.split()
        if not words:
            out.append("")
            continue
        current = ""
        for word in words:
            while len(word) > width:
                if current:
                    out.append(current)
                    current = ""
                out.append(word[:width])
                word = word[width:]
            if not current:
                current = word
            elif len(current) + 1 + len(word) <= width:
                current += " " + word
            else:
                out.append(current)
                current = word
        if current:
            out.append(current)
    return out


def _typed_word(draw, rng, word, x, baseline, font, advance, jitter, ink) -> tuple[int, int, int, int] | None:
    """Type `word` from `x` on `baseline`, a character at a time (`advance` apart, or each as wide as
    it is when `advance` is 0: a hand); the union of the characters' ink boxes."""
    box = None
    pen = x
    for ch in word:
        dx = rng.uniform(-jitter, jitter)
        dy = rng.uniform(-jitter, jitter)
        shade = max(0, min(200, ink + rng.randint(-25, 25) + (45 if rng.random() < 0.06 else 0)))
        at = (pen + dx, baseline + dy)
        pen += advance if advance else font.getlength(ch)
        draw.text(at, ch, font=font, fill=shade, anchor="ls")
        b = draw.textbbox(at, ch, font=font, anchor="ls")
        if b[2] <= b[0] or b[3] <= b[1]:
            continue
        box = b if box is None else (min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3]))
    return box


def _turn(point: tuple[float, float], angle: float, before: tuple[float, float], after: tuple[float, float]):
    """Where `point` goes when an image is turned `angle` degrees counter-clockwise (as PIL's rotate does)
    about its centre `before`, the turned image's centre being `after`."""
    t = math.radians(angle)
    dx, dy = point[0] - before[0], point[1] - before[1]
    return (after[0] + dx * math.cos(t) + dy * math.sin(t), after[1] - dx * math.sin(t) + dy * math.cos(t))


def _turned_box(box, angle, before, after) -> tuple[float, float, float, float]:
    corners = [_turn((x, y), angle, before, after) for x in (box[0], box[2]) for y in (box[1], box[3])]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _rotate(image: Image.Image, boxes: list, angle: float, *, expand: bool) -> tuple[Image.Image, list]:
    """Turn a layer and its word boxes together; a box becomes the bounding box of its turned corners."""
    if not angle:
        return image, boxes
    turned = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=expand, fillcolor=PAPER)
    before = (image.width / 2, image.height / 2)
    after = (turned.width / 2, turned.height / 2)
    return turned, [(text, _turned_box(box, angle, before, after)) for text, box in boxes]


def _layer(words_lines, font, advance, pitch, jitter, ink, rng) -> tuple[Image.Image, list]:
    """A small white layer holding `words_lines` typed in `font`, with its word boxes."""
    widest = max((len(line) * advance or font.getlength(line) for line in words_lines), default=1)
    width = int(widest + 4 * jitter + font.size)
    height = int(pitch * len(words_lines) + font.size)
    layer = Image.new("L", (max(1, width), max(1, height)), PAPER)
    draw = ImageDraw.Draw(layer)
    boxes = []
    for row, line in enumerate(words_lines):
        baseline = font.size + row * pitch
        col = 0
        for word in line.split(" "):
            if word:
                x = font.size / 2 + (col * advance if advance else font.getlength(line[:col]))
                box = _typed_word(draw, rng, word, x, baseline, font, advance, jitter, ink)
                if box:
                    boxes.append((word, box))
            col += len(word) + 1
    return layer, boxes


def typed_page(
    lines: Sequence[str],
    *,
    dpi: int = 300,
    width_mm: float = 210,
    height_mm: float = 297,
    skew_degrees: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
    margin_notes: Sequence[str | MarginNote] = (),
    stamp: str | Sequence[str] | Stamp | None = None,
    font_pt: float = 12.0,
) -> SyntheticPage:
    """One typed sheet. `lines` are wrapped to the sheet's width (see `columns`); lines past the last row
    raise ValueError (`typed_pages` spreads them over sheets). `noise` (0..1) is speckles and blur."""
    g = _geometry(dpi, width_mm, height_mm, font_pt)
    typed = wrap(lines, g["columns"])
    if len(typed) > g["rows"]:
        raise ValueError(f"{len(typed)} typed lines do not fit on one sheet of {g['rows']} rows; use typed_pages")
    rng = random.Random(seed)
    width, height, advance, pitch = g["width"], g["height"], g["advance"], g["pitch"]
    jitter = max(0.0, dpi / 300 * 1.2)
    paper = Image.new("L", (width, height), PAPER)
    draw = ImageDraw.Draw(paper)
    font = _font("mono", g["size"])
    boxes: list[tuple[str, tuple[float, float, float, float]]] = []
    for row, line in enumerate(typed):
        baseline = g["top"] + g["size"] + row * pitch
        col = 0
        for word in line.split(" "):
            if word:
                x = g["left"] + col * advance
                box = _typed_word(draw, rng, word, x, baseline, font, advance, jitter, INK)
                if box:
                    boxes.append((word, box))
            col += len(word) + 1

    hand = _font("hand", round(g["size"] * 1.1))
    for note in margin_notes:
        note = note if isinstance(note, MarginNote) else MarginNote(str(note))
        layer, layer_boxes = _layer([note.text], hand, 0, pitch, jitter * 1.5, PENCIL, rng)
        layer, layer_boxes = _rotate(layer, layer_boxes, note.angle, expand=True)
        x = max(0, round(g["left"] * 0.25)) if note.side == "left" else max(0, width - layer.width - g["left"] // 8)
        y = max(0, min(round(note.from_top_mm * dpi / 25.4), height - layer.height))
        _paste(paper, layer, (x, y), layer_boxes, boxes)

    if stamp is not None:
        if isinstance(stamp, str):
            stamp = Stamp(tuple(stamp.splitlines()))
        elif not isinstance(stamp, Stamp):
            stamp = Stamp(tuple(stamp))
        small = _font("mono", round(g["size"] * 0.8))
        layer, layer_boxes = _layer(
            list(stamp.lines), small, small.getlength("M"), round(small.size * 1.4), 0, STAMP_INK, rng
        )
        framed = Image.new("L", (layer.width + small.size * 2, layer.height + small.size), PAPER)
        framed.paste(layer, (small.size, small.size // 2))
        frame = ImageDraw.Draw(framed)
        line = max(1, round(dpi / 100))
        frame.rectangle((0, 0, framed.width - 1, framed.height - 1), outline=STAMP_INK, width=line)
        frame.rectangle(
            (2 * line, 2 * line, framed.width - 1 - 2 * line, framed.height - 1 - 2 * line),
            outline=STAMP_INK,
            width=line,
        )
        shifted = [
            (t, (b[0] + small.size, b[1] + small.size // 2, b[2] + small.size, b[3] + small.size // 2))
            for t, b in layer_boxes
        ]
        x = max(0, width - framed.width - g["left"])
        y = max(0, height - framed.height - round(stamp.from_bottom_mm * dpi / 25.4))
        _paste(paper, framed, (x, y), shifted, boxes)

    paper, boxes = _rotate(paper, boxes, skew_degrees, expand=False)
    spread = 1 if skew_degrees else 0
    if noise > 0:
        nrng = random.Random(seed * 7919 + 1)
        draw = ImageDraw.Draw(paper)
        dot = max(1.0, 2 * dpi / 300)
        for _ in range(int(noise * width * height / 4000)):
            cx, cy, r = nrng.uniform(0, width), nrng.uniform(0, height), nrng.uniform(0.3, dot)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=nrng.randint(60, 200))
        radius = 0.7 * noise * dpi / 300
        if radius >= 0.05:
            paper = paper.filter(ImageFilter.GaussianBlur(radius))
            spread += math.ceil(3 * radius)
    words = []
    for text, (x0, y0, x1, y1) in boxes:
        x0, y0 = max(0, math.floor(x0) - spread), max(0, math.floor(y0) - spread)
        x1, y1 = min(width, math.ceil(x1) + spread), min(height, math.ceil(y1) + spread)
        if x0 < x1 and y0 < y1:
            words.append(Word(text, Box(x0, y0, x1, y1)))
    return SyntheticPage(paper, Page(width=width, height=height, dpi=dpi, words=tuple(words)))


def _paste(paper: Image.Image, layer: Image.Image, at: tuple[int, int], layer_boxes: list, boxes: list) -> None:
    """Lay `layer` on the paper as ink does (the darker wins), its word boxes moved with it; words
    that fall off the paper are left out."""
    x, y = at
    region = (x, y, min(paper.width, x + layer.width), min(paper.height, y + layer.height))
    if region[2] <= region[0] or region[3] <= region[1]:
        return
    under = paper.crop(region)
    over = layer.crop((0, 0, region[2] - x, region[3] - y))

    paper.paste(ImageChops.darker(under, over), region[:2])
    for text, b in layer_boxes:
        moved = (b[0] + x, b[1] + y, b[2] + x, b[3] + y)
        if moved[2] <= region[2] and moved[3] <= region[3]:
            boxes.append((text, moved))


def typed_pages(lines: Sequence[str], **options) -> list[SyntheticPage]:
    """`lines` typed over as many sheets as they need (same options as `typed_page`); the margin notes
    go on the first sheet, the stamp on the last, each sheet's seed is `seed` + its index."""
    dpi, width_mm = options.get("dpi", 300), options.get("width_mm", 210)
    g = _geometry(dpi, width_mm, options.get("height_mm", 297), options.get("font_pt", 12.0))
    typed = wrap(lines, g["columns"]) or [""]
    sheets = [typed[i : i + g["rows"]] for i in range(0, len(typed), g["rows"])]
    seed, notes, stamp = options.pop("seed", 0), options.pop("margin_notes", ()), options.pop("stamp", None)
    return [
        typed_page(
            sheet,
            seed=seed + n,
            margin_notes=notes if n == 0 else (),
            stamp=stamp if n == len(sheets) - 1 else None,
            **options,
        )
        for n, sheet in enumerate(sheets)
    ]


EDITORIAL = re.compile(r"^\[(?P<where>[^\]]*)\]\s*(?P<text>.*)$")


def transcript_pages(text: str, *, stamp_width: int = 28, **options) -> list[SyntheticPage]:
    """A transcription typed back onto paper, as `typed_pages` does, reading its editors' notes: a line
    "[Along left-hand margin] …" (any note naming a margin) becomes a note by hand in that margin, a
    line "[… stamp] …" the archive stamp (its text broken into lines of `stamp_width` characters; a
    `stamp=` option stands in its place), on a sheet of its own when the note says "following page";
    markup such as <u>…</u> is left out. Other bracketed notes stay typed, as the transcript has them."""
    lines, notes, stamp, own_sheet = [], [], None, False
    for line in text.splitlines():
        line = re.sub(r"</?[a-z]+>", "", line)
        match = EDITORIAL.match(line.strip())
        where = match["where"].casefold() if match else ""
        if match and "margin" in where:
            notes.append(MarginNote(match["text"], side="right" if "right" in where else "left"))
        elif match and "stamp" in where:
            stamp, own_sheet = Stamp(tuple(wrap([match["text"]], stamp_width))), "following page" in where
        else:
            lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    stamp = options.pop("stamp", stamp)
    if not own_sheet or stamp is None:
        return typed_pages(lines, margin_notes=tuple(notes), stamp=stamp, **options)
    sheets = typed_pages(lines, margin_notes=tuple(notes), **options)
    seed = options.pop("seed", 0) + len(sheets)
    options.pop("margin_notes", None)
    return [*sheets, typed_page([], stamp=stamp, seed=seed, **options)]
