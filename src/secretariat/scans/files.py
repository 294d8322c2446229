"""A scan as it arrives: its type told from its bytes (never from its name), the file really opened
(so a truncated or corrupt file, a decompression bomb or an encrypted PDF is refused before anything
is kept), its pages counted; and the one shape OCR reads, a PDF.

The limits are the caller's settings, passed in: this module reads no settings and keeps nothing.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

import filetype
import img2pdf
import pikepdf
import pypdfium2 as pdfium
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from secretariat.kernel.errors import InvalidInput

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"

# The types a scan may come as, and the name Pillow gives each image type.
ACCEPTED: dict[str, str] = {PDF: "PDF", TIFF: "TIFF", JPEG: "JPEG", PNG: "PNG"}


@dataclass(frozen=True)
class ScannedFile:
    content_type: str
    page_count: int
    size: int
    sha256: str


def content_type(data: bytes) -> str | None:
    """The type the bytes say they are (their magic numbers), or None when they say nothing known."""
    kind = filetype.guess(data)
    return kind.mime if kind is not None else None


def inspect(data: bytes, *, max_bytes: int, max_pages: int) -> ScannedFile:
    """What the file is, or InvalidInput saying why it cannot be taken as a scan."""
    size = len(data)
    if size == 0:
        raise InvalidInput(_("The file is empty."))
    if size > max_bytes:
        raise InvalidInput(
            _("The file is %(size)s bytes; a scan may be at most %(max)s bytes.")
            % {"size": number_format(size, force_grouping=True), "max": number_format(max_bytes, force_grouping=True)}
        )
    kind = content_type(data)
    if kind not in ACCEPTED:
        raise InvalidInput(
            _("The file is not a PDF, TIFF, JPEG or PNG (its contents say: %(kind)s).")
            % {"kind": kind or _("unknown type")}
        )
    pages = _pdf_pages(data, max_pages) if kind == PDF else _image_pages(data, kind, max_pages)
    return ScannedFile(content_type=kind, page_count=pages, size=size, sha256=hashlib.sha256(data).hexdigest())


def _too_many(pages: int, max_pages: int) -> None:
    if pages > max_pages:
        raise InvalidInput(
            _("The file has %(pages)s pages; a scan may have at most %(max)s.") % {"pages": pages, "max": max_pages}
        )


def _pdf_pages(data: bytes, max_pages: int) -> int:
    """Encryption is asked of qpdf (pikepdf): pdfium's last error is process-wide and may be a stale one, and a
    PDF encrypted with an empty user password opens in pdfium as if it were not (OCR would refuse it). Then
    pdfium opens it and counts its pages, as the page images will be drawn by it."""
    damaged = _("The PDF cannot be read: it is truncated or damaged.")
    try:
        with pikepdf.open(io.BytesIO(data)) as document:
            encrypted = document.is_encrypted
    except pikepdf.PasswordError:
        encrypted = True
    except Exception:  # noqa: BLE001 - qpdf's many ways of saying a file is not a PDF it can repair
        raise InvalidInput(damaged) from None
    if encrypted:
        raise InvalidInput(_("The PDF is encrypted; send it without a password."))
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise InvalidInput(damaged) from None
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages == 0:
        raise InvalidInput(_("The PDF has no pages."))
    _too_many(pages, max_pages)
    return pages


def _image_pages(data: bytes, kind: str, max_pages: int) -> int:
    """Every frame opened and decoded (a truncated image fails here, not later in OCR), once the count of frames
    is known to be within the limit."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[ACCEPTED[kind]]) as image:
                frames = getattr(image, "n_frames", 1)
                _too_many(frames, max_pages)
                for frame in range(frames):
                    image.seek(frame)
                    _not_a_bomb(image.size)
                    image.load()
                return frames
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidInput(
                _("The image is too large to open safely (more than %(pixels)s pixels a page).")
                % {"pixels": number_format(Image.MAX_IMAGE_PIXELS or 0, force_grouping=True)}
            ) from None
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
            struct.error,
            TypeError,
            KeyError,
            IndexError,
            ZeroDivisionError,
            MemoryError,
        ):  # what Pillow's decoders raise on damaged files
            raise InvalidInput(
                _("The %(type)s image cannot be read: it is truncated or damaged.") % {"type": ACCEPTED[kind]}
            ) from None


def _not_a_bomb(size: tuple[int, int]) -> None:
    """Pillow checks the first frame of a file when it opens it; each further frame of a TIFF here."""
    width, height = size
    if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
        raise Image.DecompressionBombError(f"{width}x{height}")


# The same scan wrapped twice gives the same bytes (no date, no random file ID: img2pdf's own writer, not
# pikepdf's), so that OCR's cache (ocr.read's `cache`) knows it again.
SAME_BYTES = {"nodate": True, "engine": img2pdf.Engine.internal}


def as_pdf(data: bytes, content_type: str) -> bytes:
    """The scan as a PDF for OCR: a PDF as it is; an image (each page of a TIFF) wrapped losslessly at its own
    resolution by img2pdf, or, when img2pdf cannot take it as it is (an alpha channel, an odd mode), each page
    converted by Pillow to RGB or greyscale PNG first, keeping its resolution."""
    if content_type == PDF:
        return data
    if content_type not in ACCEPTED:
        raise InvalidInput(_("The file is not a PDF, TIFF, JPEG or PNG."))
    try:
        return img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid, **SAME_BYTES)
    except Exception:  # noqa: BLE001 - img2pdf raises many kinds for what it will not wrap; Pillow tries next
        pass
    pages = []
    with Image.open(io.BytesIO(data), formats=[ACCEPTED[content_type]]) as image:
        for frame in range(getattr(image, "n_frames", 1)):
            image.seek(frame)
            dpi = image.info.get("dpi")
            page = _flattened(image)
            out = io.BytesIO()
            page.save(out, "PNG", **({"dpi": tuple(round(float(d)) for d in dpi)} if dpi else {}))
            pages.append(out.getvalue())
    return img2pdf.convert(pages, **SAME_BYTES)


def _flattened(image: Image.Image) -> Image.Image:
    """On white, in a mode a PDF holds: greyscale stays greyscale, anything else becomes RGB."""
    if image.mode in ("1", "L", "RGB"):
        return image.copy()
    if image.mode in ("LA", "RGBA", "PA", "P") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L" if image.mode in ("LA",) else "RGB")
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        return image.convert("L")
    return image.convert("RGB")
