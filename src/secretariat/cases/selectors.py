"""Reads of case files, through the access rule."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from secretariat.cables.models import Control
from secretariat.cases.models import CaseFile
from secretariat.kernel.errors import NotFound
from secretariat.kernel.formats import desk_day
from secretariat.kernel.lists import words_match
from secretariat.kernel.restriction import Action
from secretariat.registry.models import Copy, Document


def case_files(principal) -> QuerySet[CaseFile]:
    """Case files the principal may see: registry staff, for cases whose every paper they may register."""
    return CaseFile.objects.restrict(principal, Action.REGISTER).select_related("opened_by", "closed_by")


def case_file(principal, number: str) -> CaseFile:
    try:
        return case_files(principal).get(number=number)
    except CaseFile.DoesNotExist:
        raise NotFound(_("no case file %(number)s") % {"number": number}) from None


def case_list(principal, state: str = "") -> QuerySet[CaseFile]:
    """The desk's list of case files, newest first: all, or only the "open" or the "closed" ones."""
    cases = case_files(principal).order_by("-opened_at", "-id")
    if state == "open":
        return cases.filter(closed_at__isnull=True)
    if state == "closed":
        return cases.filter(closed_at__isnull=False)
    return cases


def case_papers(case: CaseFile):
    """A case's papers in the order they were added (the case was found through `case_file`)."""
    return case.entries.select_related("document").prefetch_related("document__compartments").order_by("position")


def papers_to_add(principal, case: CaseFile | None = None) -> QuerySet[Document]:
    """The papers the principal may register, not yet in `case`: the choices for adding one."""
    papers = Document.objects.restrict(principal, Action.REGISTER).prefetch_related("compartments").order_by("number")
    return papers.exclude(pk__in=case.entries.values("document_id")) if case is not None else papers


def still_missing(case: CaseFile) -> list[str]:
    """What keeps a case open: controls not done, copies neither returned nor destroyed."""
    papers = case.documents.all()
    missing = [
        (
            _("control %(control)s on %(assignee)s for No %(number)s is acknowledged (due %(due)s)")
            if c.status == Control.Status.ACKNOWLEDGED
            else _("control %(control)s on %(assignee)s for No %(number)s is open (due %(due)s)")
        )
        % {
            "control": c.pk,
            "assignee": c.assignee or c.assignee_unit,
            "number": c.document.number,
            "due": desk_day(c.due_at),
        }
        for c in Control.objects.open()
        .filter(document__in=papers)
        .select_related("document", "assignee", "assignee_unit")
    ]
    missing += [
        (
            _("copy %(copy)s of No %(number)s is issued (%(holder)s, due %(due)s)")
            if c.status == Copy.Status.ISSUED
            else _("copy %(copy)s of No %(number)s is lost (%(holder)s)")
        )
        % {
            "copy": c.number,
            "number": c.document.number,
            "holder": c.holder,
            "due": desk_day(c.due_at) if c.status == Copy.Status.ISSUED else "",
        }
        for c in Copy.objects.filter(document__in=papers)
        .exclude(status__in=[Copy.Status.RETURNED, Copy.Status.DESTROYED])
        .select_related("document", "holder")
    ]
    return missing


def papers_suggested(principal, text: str, case: CaseFile | None = None, limit: int = 10) -> list[tuple[str, str]]:
    """A paper picker's suggestions: up to `limit` papers to add (`papers_to_add`) whose number or title has every
    word typed, as (number, 'No P46/X: About the instructions…'). The register shows the same."""
    found = words_match(papers_to_add(principal, case), text, "number", "title")[:limit]
    return [(d.number, f"No {d.number}: {d.title}") for d in found]
