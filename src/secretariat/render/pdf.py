"""A document as a PDF, through Typst: the layout of page.py, dressed with a copy's markings;
and a closed case file as one PDF/A-2b for the archive.

Every page carries the classification banner at the top and bottom, the registration number,
"Copy No. k of N", the holder and the due date, the return instruction along the left-hand
margin, "Page x of y" and the copy's trace mark. The data goes to the template as one JSON
input, never into its markup, so a title with Typst syntax in it prints as written. The same
copy gives the same bytes: the PDF's date is the copy's issue time (else the text's), and
only the fonts built into Typst are used.

The case file's PDF/A (ISO 19005-2, level b: fonts embedded, no external dependencies, XMP
metadata) is what the archive keeps beside the texts in a transfer's bag; Typst checks the
conformance itself and refuses to write a file that breaks it.
"""

import functools
import json
from pathlib import Path

import typst

from secretariat.cables.selectors import CableReading
from secretariat.cases.models import CaseFile
from secretariat.kernel.classification import UNCLASSIFIED, Classification, Level
from secretariat.kernel.formats import day
from secretariat.registry.models import Copy
from secretariat.registry.selectors import Reading
from secretariat.render.page import Page, marking, page
from secretariat.render.trace import mark

TEMPLATES = Path(__file__).parent / "templates" / "render"
TEMPLATE = TEMPLATES / "copy.typ"
CASE_TEMPLATE = TEMPLATES / "case.typ"
PDF_A = "a-2b"

# The conventional banner colours (as in document.html); black on orange reads better than white.
COLOURS = {
    Level.UNCLASSIFIED: ("#007a33", "#ffffff"),
    Level.CONFIDENTIAL: ("#0033a0", "#ffffff"),
    Level.SECRET: ("#c8102e", "#ffffff"),
    Level.TOP_SECRET: ("#ff8c00", "#000000"),
}
# Marking lines are printed on white, where the banner's orange is too pale.
MARKING_COLOURS = {**{level: colours[0] for level, colours in COLOURS.items()}, Level.TOP_SECRET: "#b35f00"}


def render_pdf(reading: Reading | CableReading, copy: Copy | None = None) -> bytes:
    """The paper as `reading` lets its reader see it, marked as their copy if one is given."""
    layout = page(reading, copy)
    version = (reading.reading if isinstance(reading, CableReading) else reading).version
    created = copy.issued_at if copy is not None else version.created_at
    return typst.compile(
        str(TEMPLATE),
        sys_inputs={"data": json.dumps(_inputs(layout, copy))},
        ignore_system_fonts=True,
        timestamp=int(created.timestamp()),
    )


def render_case_pdf(case: CaseFile, readings: list[Reading | CableReading]) -> bytes:
    """A closed case's papers, as their reader sees them, in one PDF/A: a cover listing them
    (number, title, marking, pages), then each paper under its own banner. Same case, same bytes."""
    layouts = [page(reading) for reading in readings]
    highest = functools.reduce(Classification.join, (layout.classification for layout in layouts), UNCLASSIFIED)
    colour, ink = COLOURS[highest.level]
    cover = {
        "banner": str(highest),
        "colour": colour,
        "ink": ink,
        "number": f"Case {case.number}",
        "copy": None,
        "margin": "",
        "mark": "",
        "title": f"Case file {case.number}: {case.title}",
        "subtitle": f"Opened {day(case.opened_at)}, closed {day(case.closed_at)}; {len(layouts)} papers",
        "papers": [
            {
                "number": f"No {layout.number}",
                "title": layout.title,
                "marking": marking(layout.classification),
                "pages": reading_pages(reading),
            }
            for layout, reading in zip(layouts, readings, strict=True)
        ],
        "notes": [
            "The papers follow in the order of the case file, each as registered, with the attachments it carries.",
        ],
    }
    return typst.compile(
        str(CASE_TEMPLATE),
        sys_inputs={"data": json.dumps({"cover": cover, "documents": [_inputs(layout, None) for layout in layouts]})},
        ignore_system_fonts=True,
        timestamp=int(case.closed_at.timestamp()),
        pdf_standards=PDF_A,
    )


def reading_pages(reading: Reading | CableReading) -> int:
    """The pages the register records for a paper and the attachments the reader sees."""
    plain = reading.reading if isinstance(reading, CableReading) else reading
    return plain.document.page_count + sum(attachment.page_count for attachment in plain.attachments)


def _inputs(layout: Page, copy: Copy | None) -> dict:
    """What the template shows, as plain JSON values."""
    colour, ink = COLOURS[layout.classification.level]
    margins = [line.text for portion in layout.portions for line in portion.lines if line.role == "margin"]
    if not margins and copy is not None:
        margins = [copy.document.return_instruction()]
    return {
        "banner": layout.banner,
        "colour": colour,
        "ink": ink,
        "number": f"No {layout.number}",
        "copy": _copy(copy),
        "margin": " ".join(margins),
        "mark": mark(copy) if copy is not None else "",
        "portions": [
            {
                "attachment": portion.attachment,
                "lines": [
                    {"role": line.role, "text": line.text, "colour": _marking_colour(line.marks)}
                    for line in portion.lines
                    if line.role != "margin"
                ],
            }
            for portion in layout.portions
        ],
    }


def _copy(copy: Copy | None) -> dict | None:
    if copy is None:
        return None
    return {
        "number": f"Copy No. {copy.number} of {copy.document.copies_made}",
        "holder": f"Holder: {copy.holder}",
        "due": f"Due back {day(copy.due_at)}",
    }


def _marking_colour(marks: Classification | None) -> str:
    return MARKING_COLOURS[marks.level] if marks is not None else "#000000"
