"""Where each word stands on a page image: what OCR found, what a test page's generator put there,
what a redaction box covers. One shape for all three, so a box drawn from a phrase, the proof that
it covers the phrase, and the text layer of the published PDF speak of the same words."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, order=True)
class Box:
    """A rectangle in the page image's pixels, origin at the top left; x1 and y1 are exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int

    def __post_init__(self) -> None:
        if not (0 <= self.x0 < self.x1 and 0 <= self.y0 < self.y1):
            raise ValueError(f"not a box: {self.x0},{self.y0},{self.x1},{self.y1}")

    def overlaps(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def padded(self, by: int, width: int, height: int) -> Box:
        """Grown by `by` pixels on every side, kept inside a page of `width` x `height`."""
        return Box(max(0, self.x0 - by), max(0, self.y0 - by), min(width, self.x1 + by), min(height, self.y1 + by))

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]


@dataclass(frozen=True)
class Word:
    text: str
    box: Box

    def as_list(self) -> list:
        return [self.text, *self.box.as_list()]

    @classmethod
    def from_list(cls, row: list) -> Word:
        text, x0, y0, x1, y1 = row
        return cls(str(text), Box(int(x0), int(y0), int(x1), int(y1)))


@dataclass(frozen=True)
class Page:
    """A page image's size, its resolution and its words in reading order."""

    width: int
    height: int
    dpi: int
    words: tuple[Word, ...]

    def words_json(self) -> list[list]:
        return [word.as_list() for word in self.words]


def hocr(page: Page, *, language: str = "ru") -> str:
    """The page as hOCR 1.2 (one line per word, as its box gives): what OCR engines and
    ocrmypdf's HocrTransform read."""
    words = "\n".join(
        f"<span class='ocrx_word' id='word_{n}' title='bbox {w.box.x0} {w.box.y0} {w.box.x1} {w.box.y1}'>"
        f"{escape(w.text)}</span>"
        for n, w in enumerate(page.words, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{language}" lang="{language}">\n'
        "<head><meta http-equiv='Content-Type' content='text/html;charset=utf-8'/>"
        "<meta name='ocr-system' content='secretariat'/>"
        "<meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word'/></head>\n"
        f"<body><div class='ocr_page' id='page_1' title='bbox 0 0 {page.width} {page.height}; ppageno 0; "
        f"scan_res {page.dpi} {page.dpi}'>\n{words}\n</div></body></html>\n"
    )
