"""A scan's type is told from its bytes and the file is really opened before it is taken; what is not a
PDF, TIFF, JPEG or PNG, or is truncated, too big, too long, a decompression bomb or encrypted, is refused
with a message that says so. No database: these tests touch none."""

import hashlib
import io
import random
import zipfile

import img2pdf
import pikepdf
import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from secretariat.kernel.errors import InvalidInput
from secretariat.scans import files

pytestmark = pytest.mark.embedded  # no database: the PostgreSQL pass would only run it again

MB = 1024 * 1024


def image(kind: str, size=(120, 80), mode="L", dpi=(300, 300), frames=1) -> bytes:
    out = io.BytesIO()
    pages = [Image.new(mode, size, 255 - 40 * n) for n in range(frames)]
    options = {"dpi": dpi} if dpi else {}
    if frames > 1:
        options.update(save_all=True, append_images=pages[1:])
    pages[0].save(out, kind, **options)
    return out.getvalue()


def pdf(pages=1) -> bytes:
    return img2pdf.convert([image("PNG", size=(60 + n, 90)) for n in range(pages)])


def inspect(data, max_bytes=10 * MB, max_pages=50):
    return files.inspect(data, max_bytes=max_bytes, max_pages=max_pages)


@pytest.mark.parametrize(
    ("data", "content_type", "pages"),
    [
        (image("PNG"), "image/png", 1),
        (image("JPEG"), "image/jpeg", 1),
        (image("JPEG", mode="RGB"), "image/jpeg", 1),
        (image("TIFF"), "image/tiff", 1),
        (image("TIFF", frames=3), "image/tiff", 3),
        (pdf(), "application/pdf", 1),
        (pdf(4), "application/pdf", 4),
    ],
    ids=["png", "jpeg", "jpeg-rgb", "tiff", "tiff-3", "pdf", "pdf-4"],
)
def test_each_accepted_type_is_told_from_its_bytes_and_its_pages_counted(data, content_type, pages):
    scanned = inspect(data)
    assert scanned == files.ScannedFile(
        content_type=content_type, page_count=pages, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    assert scanned.content_type in files.ACCEPTED


def gif() -> bytes:
    return image("GIF", dpi=None)


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("scan.pdf", pdf())
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"This is a protocol, typed.\n" * 20,
        gif(),
        image("BMP", dpi=None),
        image("WEBP", dpi=None),
        zipped(),
        b"<html><body>%PDF-1.7</body></html>",
        b"\x00" * 400,
    ],
    ids=["text", "gif", "bmp", "webp", "zip-holding-a-pdf", "html", "zeros"],
)
def test_a_type_outside_the_four_is_refused_whatever_it_is_called(data):
    with pytest.raises(InvalidInput, match="not a PDF, TIFF, JPEG or PNG"):
        inspect(data)


def test_the_refusal_names_what_the_bytes_are():
    with pytest.raises(InvalidInput, match="image/gif"):
        inspect(gif())


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput, match="empty"):
        inspect(b"")


def test_a_file_over_the_size_limit_is_refused_and_one_at_it_is_taken():
    data = image("PNG")
    assert inspect(data, max_bytes=len(data)).size == len(data)
    with pytest.raises(InvalidInput, match="at most"):
        inspect(data, max_bytes=len(data) - 1)


@pytest.mark.parametrize(("data", "pages"), [(image("TIFF", frames=3), 3), (pdf(3), 3)], ids=["tiff", "pdf"])
def test_a_file_over_the_page_limit_is_refused(data, pages):
    assert inspect(data, max_pages=pages).page_count == pages
    with pytest.raises(InvalidInput, match=f"has {pages} pages; a scan may have at most {pages - 1}"):
        inspect(data, max_pages=pages - 1)


def photo() -> bytes:
    """A JPEG with detail in it (a flat one is too short to truncate meaningfully), the same every time."""
    picture = Image.frombytes("L", (300, 200), random.Random(14).randbytes(300 * 200))
    out = io.BytesIO()
    picture.save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        image("PNG", size=(300, 300))[:-200],
        photo()[: len(photo()) // 2],
        image("TIFF", size=(300, 300), frames=2)[:-500],
        pdf(2)[: len(pdf(2)) // 3],
    ],
    ids=["png", "jpeg", "tiff", "pdf"],
)
def test_a_truncated_file_is_refused(data):
    assert files.content_type(data) in files.ACCEPTED  # it still looks like one by its first bytes
    with pytest.raises(InvalidInput, match="truncated or damaged"):
        inspect(data)


def test_a_pdf_with_a_damaged_body_is_refused():
    data = bytearray(pdf())
    data[10:-10] = b"\xff" * (len(data) - 20)
    with pytest.raises(InvalidInput, match="truncated or damaged"):
        inspect(bytes(data))


@pytest.fixture
def small_bomb_limit(monkeypatch):
    """Pillow's decompression-bomb limit lowered, so that a bomb can be a small image."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)


@pytest.mark.parametrize("size", [(40, 40), (100, 100)], ids=["over-the-warning", "over-the-error"])
def test_a_decompression_bomb_is_refused(small_bomb_limit, size):
    with pytest.raises(InvalidInput, match="too large to open safely"):
        inspect(image("PNG", size=size))


def test_a_tiff_whose_later_page_is_a_bomb_is_refused(small_bomb_limit):
    out = io.BytesIO()
    Image.new("L", (20, 20), 255).save(out, "TIFF", save_all=True, append_images=[Image.new("L", (100, 100), 0)])
    with pytest.raises(InvalidInput, match="too large to open safely"):
        inspect(out.getvalue())


@pytest.mark.parametrize("user_password", ["", "secret"], ids=["empty-user-password", "user-password"])
def test_an_encrypted_pdf_is_refused(user_password):
    with pikepdf.open(io.BytesIO(pdf())) as document:
        out = io.BytesIO()
        document.save(out, encryption=pikepdf.Encryption(owner="owner", user=user_password))
    with pytest.raises(InvalidInput, match="encrypted"):
        inspect(out.getvalue())


def test_a_pdf_without_pages_is_refused():
    out = io.BytesIO()
    pikepdf.new().save(out)
    with pytest.raises(InvalidInput, match="no pages|cannot be read"):
        inspect(out.getvalue())


MAGIC = [b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"II*\x00", b"MM\x00*"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAGIC), st.binary(max_size=2048))
def test_random_bytes_are_refused_or_correctly_typed_never_a_crash(magic, tail):
    data = magic + tail
    try:
        scanned = inspect(data)
    except InvalidInput as refused:
        assert refused.message
        return
    assert scanned.content_type == files.content_type(data)
    assert scanned.content_type in files.ACCEPTED
    assert scanned.page_count >= 1


ORIGINALS = [image("PNG"), image("TIFF", frames=2), pdf(2), photo()]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_damage_to_a_real_scan_is_refused_or_still_a_scan(data):
    original = data.draw(st.sampled_from(ORIGINALS))
    at = data.draw(st.integers(0, len(original) - 1))
    cut = data.draw(st.booleans())
    damaged = original[:at] if cut else original[:at] + bytes([original[at] ^ 0xFF]) + original[at + 1 :]
    try:
        scanned = inspect(damaged)
    except InvalidInput:
        return
    assert scanned.content_type in files.ACCEPTED
    # whatever was taken, the PDF made of it opens
    assert len(pdfium.PdfDocument(files.as_pdf(damaged, scanned.content_type))) == scanned.page_count


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(data)
    return [document[n].get_size() for n in range(len(document))]


def test_an_image_becomes_a_pdf_page_of_its_own_size_at_its_own_resolution():
    data = image("PNG", size=(600, 900), dpi=(300, 300))
    converted = files.as_pdf(data, "image/png")
    assert [tuple(round(x) for x in size) for size in pdf_pages(converted)] == [(144, 216)]  # 2 x 3 inches
    with pikepdf.open(io.BytesIO(converted)) as document:
        [(_name, raw)] = document.pages[0].get_images().items()
        assert (raw.Width, raw.Height) == (600, 900)  # not resampled


def test_every_page_of_a_tiff_becomes_a_pdf_page():
    data = image("TIFF", size=(300, 300), dpi=(150, 150), frames=3)
    assert [tuple(round(x) for x in size) for size in pdf_pages(files.as_pdf(data, "image/tiff"))] == [(144, 144)] * 3


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "I;16"])
def test_an_image_img2pdf_will_not_wrap_as_it_is_becomes_a_pdf_all_the_same(mode):
    picture = Image.new(mode, (200, 100))
    out = io.BytesIO()
    picture.save(out, "PNG", dpi=(200, 200))
    converted = files.as_pdf(out.getvalue(), "image/png")
    assert [tuple(round(x) for x in size) for size in pdf_pages(converted)] == [(72, 36)]


def test_a_pdf_is_left_as_it_is():
    data = pdf(2)
    assert files.as_pdf(data, "application/pdf") is data


def test_as_pdf_refuses_a_type_outside_the_four():
    with pytest.raises(InvalidInput):
        files.as_pdf(gif(), "image/gif")
