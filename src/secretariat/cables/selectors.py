"""Reads of cables and controls, through the access rule; reading a cable's parts is audited."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BooleanField, Case, Q, QuerySet, When
from django.utils.translation import gettext as _

from secretariat.accounts.models import Principal
from secretariat.audit.services import record
from secretariat.cables.models import Cable, CablePart, Control
from secretariat.kernel.errors import NotFound
from secretariat.kernel.lists import words_match
from secretariat.kernel.restriction import Action, allowed
from secretariat.registry.models import DistributionEntry, Document
from secretariat.registry.selectors import Reading, is_classified, no_document, read_document


def cables(principal, action: Action = Action.VIEW) -> QuerySet[Cable]:
    """Cables the principal may read (VIEW) or see in the register (REGISTER)."""
    return (
        Cable.objects.all()
        .restrict(principal, action)
        .select_related("document", "sender", "action_post", "point__meeting__body")
        .order_by("document__registered_at", "id")
    )


def cables_for_post(principal) -> QuerySet[Cable]:
    """The cables addressed to the principal's post (action or info), newest first."""
    if principal.unit_id is None:
        return Cable.objects.none()
    return (
        cables(principal)
        .filter(document__distribution__unit_id=principal.unit_id, in_reply_to__isnull=True)
        .order_by("-sent_at")
    )


def cable_entry(principal, number: str) -> Cable:
    """A cable's register side (state, addressees, dates); NotFound when missing or not allowed."""
    try:
        return cables(principal, Action.REGISTER).get(document__number=number)
    except Cable.DoesNotExist:
        raise no_document(number) from None


@dataclass(frozen=True)
class CableReading:
    """A cable as the reader may see it: guidance only for the action post and the originators."""

    reading: Reading
    cable: Cable
    parts: list[CablePart]


@transaction.atomic
def read_cable(principal, number: str) -> CableReading:
    """The cable's content (an audited read, as any classified read)."""
    reading = read_document(principal, number)
    try:
        cable = cables(principal).get(document=reading.document)
    except Cable.DoesNotExist:
        raise no_document(number) from None
    parts = list(cable.parts.all().restrict(principal, Action.VIEW).order_by("position"))
    return CableReading(reading, cable, parts)


def controls(principal) -> QuerySet[Control]:
    """Controls the principal may see: those on them, their unit or post, and those on papers
    they may register; `task_readable` says whether they may also read the task (content)."""
    return (
        Control.objects.all()
        .restrict(principal, Action.REGISTER)
        .annotate(
            task_readable=Case(
                When(allowed(Control, principal, Action.VIEW), then=True), default=False, output_field=BooleanField()
            )
        )
        .select_related("document", "assignee", "assignee_unit", "opened_by", "report")
    )


@transaction.atomic
def read_controls(principal, rows) -> list[Control]:
    """A list of controls as the desk shows it: each task the principal may read and that is
    on a classified paper is a read of classified content, so an audit event (rule 4)."""
    rows = list(rows)
    for control in rows:
        if control.task_readable and is_classified(control.document):
            record(principal, "control.read", control, {"document": control.document.number})
    return rows


def controls_on(principal: Principal) -> QuerySet[Control]:
    """The open controls the principal (or their unit or post) must answer: the in-tray's list."""
    mine = controls(principal).open().filter(assignee=principal)
    if principal.unit_id is not None:
        mine = mine | controls(principal).open().filter(assignee_unit_id=principal.unit_id)
    return mine.order_by("due_at")


def overdue_controls(principal, as_of: dt.datetime) -> QuerySet[Control]:
    """The desk list of controls past due, oldest first."""
    return controls(principal).overdue(as_of).order_by("due_at")


def overdue_controls_on(principal: Principal, as_of: dt.datetime) -> QuerySet[Control]:
    """The controls the principal (or their unit or post) must answer that are past due, oldest first."""
    return controls_on(principal).overdue(as_of).order_by("due_at")


def control(principal, control_id: int) -> Control:
    found = controls(principal).filter(pk=control_id).first()
    if found is None:
        raise NotFound(_("no control %(control)s") % {"control": control_id})
    return found


def awaiting_approval(principal):
    """Drafts the principal is named to approve: by the point they carry out, else as its body's secretary."""
    named = Q(point__approver=principal) | Q(point__approver__isnull=True, point__meeting__body__secretary=principal)
    return cables(principal).filter(named, state=Cable.State.DRAFTED)


def extracts_to_instruct(principal) -> QuerySet[Document]:
    """The extracts of decisions of the bodies the principal is secretary of, not yet filed in a
    closed case: the papers on which they may put a control (`services.instruct`)."""
    return (
        Document.objects.filter(
            kind=Document.Kind.EXTRACT, extract__point__meeting__body__secretary=principal, filed_at__isnull=True
        )
        .restrict(principal, Action.VIEW)
        .order_by("-registered_at", "-id")
    )


def extract_to_instruct(principal, number: str) -> Document:
    found = extracts_to_instruct(principal).filter(number=number).first()
    if found is None:
        raise no_document(number)
    return found


def assignees(principal, document: Document) -> list[tuple[str, str]]:
    """Who a control on `document` (an extract found through `extract_to_instruct`) may be put on:
    its distribution as `principal` may see it, as (name the services take, name shown): 'gromyko'
    or 'unit:mfa'."""
    entries = (
        DistributionEntry.objects.filter(document=document)
        .restrict(principal, Action.REGISTER)
        .select_related("principal", "unit")
        .order_by("position")
    )
    return [
        (e.principal.username, str(e.principal)) if e.principal_id else (f"unit:{e.unit.code}", e.unit.name)
        for e in entries
    ]


# The controls list's states: the statuses, and "overdue" (open or acknowledged, and past due).
CONTROL_STATES = (*Control.Status.values, "overdue")


def opened_by(principal, *, text: str = "", state: str = "", as_of: dt.datetime | None = None) -> QuerySet[Control]:
    """The controls the principal opened, newest first; `text` matches the paper's number and who must answer,
    `state` a status or "overdue" at `as_of`."""
    rows = controls(principal).filter(opened_by=principal)
    rows = words_match(
        rows, text, "document__number", "assignee__username", "assignee__first_name", "assignee__last_name",
        "assignee_unit__code", "assignee_unit__name",
    )  # fmt: skip
    if state == "overdue":
        rows = rows.overdue(as_of)
    elif state:
        rows = rows.filter(status=state)
    return rows.order_by("-opened_at", "-id")


# The cable list's states are the cable's own.
CABLE_STATES = Cable.State.values


def drafted_or_to_approve(principal, *, text: str = "", state: str = "") -> QuerySet[Cable]:
    """The cables the principal drafted or must approve (not the posts' reports), newest first; `text` matches the
    number and the post it goes to (metadata: no subject)."""
    awaiting = awaiting_approval(principal).values("pk")
    rows = cables(principal).filter(Q(drafted_by=principal) | Q(pk__in=awaiting), in_reply_to__isnull=True)
    rows = words_match(rows, text, "document__number", "action_post__code", "action_post__name")
    if state:
        rows = rows.filter(state=state)
    return rows.select_related("action_post").order_by("-drafted_at", "-pk")
