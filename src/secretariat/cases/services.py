"""Case files: open one for a matter, add its papers, close it when nothing is missing.

Each function is one transaction that also appends its audit event; a refusal changes nothing.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.accounts.models import Principal
from secretariat.audit.services import record
from secretariat.cases import selectors
from secretariat.cases.models import CaseEntry, CaseFile
from secretariat.kernel import clock
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, unique_or_refused
from secretariat.kernel.numbers import check_registration_number
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.kernel.usecases import use_case
from secretariat.registry import services as registry
from secretariat.registry.models import Document
from secretariat.registry.selectors import no_document


def _documents_for_case(by: Principal, numbers: Sequence[str]) -> list[Document]:
    found = {d.number: d for d in Document.objects.filter(number__in=numbers).restrict(by, Action.REGISTER)}
    if missing := [n for n in numbers if n not in found]:
        raise no_document(missing[0])
    if len(set(numbers)) != len(numbers):
        raise InvalidInput(_("a document is named twice"))
    return [found[n] for n in numbers]


def _case_for_change(by: Principal, number: str) -> CaseFile:
    by.require_role(Role.REGISTRAR, "keep case files")
    case = CaseFile.objects.select_for_update(of=("self",)).restrict(by, Action.REGISTER).filter(number=number).first()
    if case is None:
        raise NotFound(_("no case file %(number)s") % {"number": number})
    if case.is_closed:
        raise Refused(_("case %(number)s is closed") % {"number": case.number})
    return case


def _enter(case: CaseFile, documents: Sequence[Document]) -> None:
    present = set(case.entries.values_list("document_id", flat=True))
    if again := [d.number for d in documents if d.pk in present]:
        raise Refused(
            _("already in case %(case)s: %(numbers)s")
            % {"case": case.number, "numbers": ", ".join(_("No %(number)s") % {"number": n} for n in again)}
        )
    position = case.entries.count()
    now = clock.now()
    CaseEntry.objects.bulk_create(
        CaseEntry(case=case, document=d, position=position + i, added_at=now) for i, d in enumerate(documents, start=1)
    )


@transaction.atomic
@use_case
def open_case(by: Principal, title: str, documents: Sequence[str] = (), *, number: str | None = None) -> CaseFile:
    """A case file gathering the papers of one matter (point, extract, cable, report, release)."""
    by.require_role(Role.REGISTRAR, "keep case files")
    if not title.strip():
        raise InvalidInput(_("a case file needs a title"))
    papers = _documents_for_case(by, list(documents))
    if number is None:
        number = registry.allocate_number("CASE", CaseFile)
    else:
        try:
            check_registration_number(number)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    with unique_or_refused(_("case file %(number)s exists already") % {"number": number}):
        case = CaseFile.objects.create(number=number, title=title.strip(), opened_at=clock.now(), opened_by=by)
    _enter(case, papers)
    record(by, "case.opened", case, {"number": number, "documents": [d.number for d in papers]})
    return case


@transaction.atomic
@use_case
def add_to_case(by: Principal, number: str, documents: Sequence[str]) -> CaseFile:
    case = _case_for_change(by, number)
    papers = _documents_for_case(by, list(documents))
    if not papers:
        raise InvalidInput(_("name at least one document"))
    _enter(case, papers)
    record(by, "case.documents_added", case, {"documents": [d.number for d in papers]})
    return case


@transaction.atomic
@use_case
def close_case(by: Principal, number: str) -> CaseFile:
    """Close a case when every control in it is done and every copy back or destroyed;
    otherwise refuse, saying what is still missing."""
    case = _case_for_change(by, number)
    if not case.entries.exists():
        raise Refused(_("case %(number)s holds no papers") % {"number": case.number})
    if missing := selectors.still_missing(case):
        raise Refused(
            _("case %(number)s cannot close: %(missing)s") % {"number": case.number, "missing": "; ".join(missing)}
        )
    case.closed_at = clock.now()
    case.closed_by = by
    case.save(update_fields=["closed_at", "closed_by"])
    registry.file_papers(case.documents.all())
    record(
        by,
        "case.closed",
        case,
        {"documents": list(case.entries.order_by("position").values_list("document__number", flat=True))},
    )
    return case
