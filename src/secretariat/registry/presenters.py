"""How registry objects look on the command line and in JSON (shared by commands and the demo)."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from secretariat.kernel.formats import day_of, desk_day
from secretariat.kernel.labels import shown
from secretariat.registry.labels import COPY
from secretariat.registry.models import Copy, Document
from secretariat.registry.selectors import Balance


def copy_json(copy: Copy, as_of: dt.datetime) -> dict:
    return {
        "document": copy.document.number,
        "copy": copy.number,
        "of": copy.document.copies_made,
        "holder": copy.holder.username,
        "holder_name": str(copy.holder),
        "status": copy.state_at(as_of),
        "issued_at": copy.issued_at.isoformat(),
        "receipt_confirmed_at": copy.receipt_confirmed_at.isoformat() if copy.receipt_confirmed_at else None,
        "due_at": copy.due_at.isoformat(),
        "returned_at": copy.returned_at.isoformat() if copy.returned_at else None,
        "destroyed_at": copy.destroyed_at.isoformat() if copy.destroyed_at else None,
        "lost_at": copy.lost_at.isoformat() if copy.lost_at else None,
        "overdue": copy.is_overdue(as_of),
    }


def copy_line(copy: Copy, as_of: dt.datetime) -> str:
    """One copy as the register stood at `as_of`."""
    state = copy.state_at(as_of)
    ended = None
    if state is None:
        state = "not issued yet"
    elif state == Copy.Status.ISSUED:
        confirmed = copy.receipt_confirmed_at is not None and copy.receipt_confirmed_at <= as_of
        state = "OVERDUE" if copy.is_overdue(as_of) else ("held" if confirmed else "issued, unconfirmed")
    else:
        ended = {"returned": copy.returned_at, "destroyed": copy.destroyed_at, "lost": copy.lost_at}[state]
    return (
        f"  copy {copy.number:>3} of {copy.document.copies_made:<3} {str(copy.holder):<28} "
        f"issued {day_of(copy.issued_at)}  due {day_of(copy.due_at)}  {state}" + (f" {day_of(ended)}" if ended else "")
    )


def document_json(document: Document) -> dict:
    return {
        "number": document.number,
        "classification": str(document.classification),
        "initial_classification": str(document.initial_classification),
        "kind": document.kind,
        "dated": document.dated.isoformat(),
        "page_count": document.page_count,
        "copies_made": document.copies_made,
        "return_instruction": document.return_instruction(),
        "registered_at": document.registered_at.isoformat(),
    }


def reading_json(reading) -> dict:
    """A document's content as its reader got it (a registry.selectors.Reading)."""
    document = reading.document
    return {
        **document_json(document),
        "title": document.title,
        "signatory": document.signatory,
        "version": reading.version.number,
        "text": reading.version.text,
        "attachments": [
            {"position": a.position, "title": a.title, "classification": str(a.classification), "text": a.text}
            for a in reading.attachments
        ],
    }


def copies_at(copies, as_of: dt.datetime) -> list[Copy]:
    """The copies that had been issued by `as_of`."""
    return [c for c in copies if c.state_at(as_of) is not None]


def balance_line(b: Balance) -> str:
    return (
        f"No {b.number:<14} issued {b.issued:>3} = returned {b.returned:>3} + destroyed {b.destroyed:>3} "
        f"+ lost {b.lost:>3} + outstanding {b.outstanding:>3}   overdue {b.overdue:>3}"
        + ("" if b.balanced else "   UNBALANCED")
    )


def addressee_name(entry) -> str:
    """A distribution entry or a point's addressee as the command line names it: 'gromyko' or 'unit:washington'."""
    return entry.principal.username if entry.principal_id else f"unit:{entry.unit.code}"


@dataclass(frozen=True)
class CopyRow:
    """A copy as the register stood at an instant, and what the registry may still do with it."""

    copy: Copy
    state: str
    overdue: bool
    outstanding: bool
    awaiting_witness: bool


def copy_row(copy: Copy, as_of: dt.datetime) -> CopyRow:
    """A copy as a desk shows it at an instant: its state in words, and what may be done with it."""
    state = copy.state_at(as_of)
    outstanding = state == Copy.Status.ISSUED
    awaiting = outstanding and copy.destruction_recorded_at is not None and copy.destruction_recorded_at <= as_of
    overdue = copy.is_overdue(as_of)
    if state is None:
        label = _("not issued yet")
    elif awaiting:
        label = _("destruction recorded (%(certificate)s), awaiting a witness") % {
            "certificate": copy.destruction_certificate
        }
    elif outstanding:
        confirmed = copy.receipt_confirmed_at is not None and copy.receipt_confirmed_at <= as_of
        label = (
            _("overdue")
            if overdue
            else (_("held, receipt confirmed") if confirmed else _("issued, receipt not confirmed"))
        )
    else:
        ended = {"returned": copy.returned_at, "destroyed": copy.destroyed_at, "lost": copy.lost_at}[state]
        label = f"{shown(COPY, state)} {desk_day(ended)}"
    return CopyRow(copy, label, overdue, outstanding, awaiting)


def passage_json(found) -> dict:
    """A paper staff search found: its register metadata and the passage its words stand in (matches marked)."""
    return {
        **document_json(found.document),
        "passage": [{"text": text, "match": hit} for text, hit in found.parts],
    }


def passage_line(found) -> str:
    """A paper found, on one line for the command line: number, marking, the passage with matches in *stars*."""
    passage = "".join(f"*{text}*" if hit else text for text, hit in found.parts)
    return f"No {found.document.number:<14} {str(found.document.classification):<24} {passage}"
