"""The one read behind a rendering: the document (or cable) as the reader may see it, and their copy.

A copy is rendered only by its holder: the rendering carries the holder's name and copy
number as a trace mark, so nobody else may print it, not even another reader of the same
paper. Someone else's copy looks exactly like a copy that does not exist. A copy that has
been returned may still be rendered by its holder, as long as they may read the paper; the
rendering then says it was returned. Registry staff see copies in the register but cannot
read content, so they can render nothing classified.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.cables.selectors import CableReading, cables, read_cable
from secretariat.cases.models import CaseFile
from secretariat.cases.selectors import case_file
from secretariat.kernel.errors import NotFound, Refused
from secretariat.registry.models import Copy
from secretariat.registry.selectors import Reading, copies, read_document


@dataclass(frozen=True)
class Rendering:
    """What render_text and render_html take: the reading, and the reader's copy if one was named."""

    reading: Reading | CableReading
    copy: Copy | None = None


def no_copy(number: str, copy_number: int) -> NotFound:
    """The one answer for a copy that is missing or not the reader's own."""
    return NotFound(f"no copy {copy_number} of No {number} held by you")


@transaction.atomic
def read_for_rendering(principal, number: str, copy_number: int | None = None) -> Rendering:
    """Read a document through the audited selectors (a cable through read_cable, so guidance
    reaches only its recipients), with the reader's own copy; NotFound as for any read.

    One transaction: a refused copy rolls the read, and its audit event, back.
    """
    if cables(principal).filter(document__number=number).exists():
        reading = read_cable(principal, number)
    else:
        reading = read_document(principal, number)
    if copy_number is None:
        return Rendering(reading)
    copy = copies(principal, number).filter(number=copy_number, holder=principal).first()
    if copy is None:
        raise no_copy(number, copy_number)
    return Rendering(reading, copy)


@transaction.atomic
def read_case_for_rendering(principal, number: str) -> tuple[CaseFile, list[Reading | CableReading]]:
    """A closed case file and its papers, each read as `read_for_rendering` reads it (audited);
    NotFound unless the principal may see the case and read every paper in it (archivists)."""
    case = case_file(principal, number)
    if not case.is_closed:
        raise Refused(_("case %(number)s is open: the archive receives closed case files whole") % {"number": number})
    readings = [read_for_rendering(principal, entry.document.number).reading for entry in case.entries.all()]
    return case, readings
