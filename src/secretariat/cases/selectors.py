"""Reads of case files, through the access rule."""

from django.db.models import QuerySet

from secretariat.cables.models import Control
from secretariat.cases.models import CaseFile
from secretariat.kernel.errors import NotFound
from secretariat.kernel.restriction import Action
from secretariat.registry.models import Copy


def case_files(principal) -> QuerySet[CaseFile]:
    """Case files the principal may see: registry staff, for cases whose every paper they may register."""
    return CaseFile.objects.restrict(principal, Action.REGISTER).select_related("opened_by", "closed_by")


def case_file(principal, number: str) -> CaseFile:
    try:
        return case_files(principal).get(number=number)
    except CaseFile.DoesNotExist:
        raise NotFound(f"no case file {number}") from None


def still_missing(case: CaseFile) -> list[str]:
    """What keeps a case open: controls not done, copies neither returned nor destroyed."""
    papers = case.documents.all()
    missing = [
        f"control {c.pk} on {c.assignee_name} for No {c.document.number} is {c.status} (due {c.due_at:%Y-%m-%d})"
        for c in Control.objects.open()
        .filter(document__in=papers)
        .select_related("document", "assignee", "assignee_unit")
    ]
    missing += [
        f"{c} is {c.status} ({c.holder.username}{', due ' + format(c.due_at, '%Y-%m-%d') if c.status == Copy.Status.ISSUED else ''})"
        for c in Copy.objects.filter(document__in=papers)
        .exclude(status__in=[Copy.Status.RETURNED, Copy.Status.DESTROYED])
        .select_related("document", "holder")
    ]
    return missing
