"""Redaction benchmark: burning and publishing a 300 dpi A4 scan, against Pillow saving the same raster.

Makes one typed A4 page at 300 dpi (scans.synthetic: the reference case's opening lines, skew and
noise), finds three phrases' boxes, then times, warm, in the same run: the floor, Pillow writing
that raster as PNG (zlib over the same pixels, as the published file's Flate stream is); `burn`
alone; and `published_pdf` of the page (burn, the text layer through ocrmypdf's renderer, pikepdf
assembly and a fresh save); and `published_pdf` of three such pages. No database, no Django.
"""

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from timing import report, timings  # noqa: E402

from secretariat.scans.redaction import RedactionBox, boxes_for_phrase, burn, published_pdf  # noqa: E402
from secretariat.scans.synthetic import typed_page  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[1] / "src" / "secretariat" / "demo" / "reference"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    text = (REFERENCE / "politburo-1977-protocol-46-point-x.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()][:14]
    sheet = typed_page(lines, dpi=300, skew_degrees=0.5, noise=0.4, seed=46)
    boxes = [
        RedactionBox(box, reason)
        for phrase, reason in (("Andropov", "PRIVACY"), ("Vance", "SOURCES"), ("human rights", "POLICY"))
        for box in boxes_for_phrase(phrase, sheet.page)
    ]
    image, page = sheet.image, sheet.page

    def png():
        out = io.BytesIO()
        image.save(out, "PNG")
        return out

    floor = timings(png, args.runs)
    burned = timings(lambda: burn(image, boxes), args.runs)
    one = timings(lambda: published_pdf([(image, page)], [boxes]), args.runs)
    three = timings(lambda: published_pdf([(image, page)] * 3, [boxes] * 3), max(3, args.runs // 3))
    size = len(published_pdf([(image, page)], [boxes]))
    assert len(boxes) >= 3, boxes
    print(
        f"A4 at 300 dpi ({page.width}x{page.height} grey), {len(page.words)} words, {len(boxes)} boxes, {args.runs} runs"
    )
    report("floor: Pillow saves the raster as PNG", floor)
    report("burn (boxes and reason tags, new raster; far under the floor)", burned)
    report(f"published_pdf, one page ({size // 1024} KiB)", one, floor)
    report("published_pdf, three pages", three, floor)


if __name__ == "__main__":
    main()
