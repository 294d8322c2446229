"""The access rule (DESIGN rules 1-2), in one place, as a queryset restriction.

    restrict(queryset, principal, action) -> queryset

VIEW (content): released or declassified-public material to anyone; otherwise only to an
active principal whose clearance dominates the classification (level and every compartment)
AND who needs to know: holds an outstanding copy, or is on the distribution (by name, or by
being in an addressed unit or post).

REGISTER (register metadata: number, classification, holders, dates): whoever may VIEW, plus
registry staff (the registrar role) whose clearance dominates the classification; registry
staff thereby learn that a paper exists, never what it says.

The audit log is register metadata too: an event about a document or a copy is visible to
an active principal who may REGISTER that document; auditors also see the events about accounts, units,
compartments and bodies, and those about papers their clearance dominates. Events of any
other kind are shown to nobody until a rule for them is written here (fail closed).

No role, not even admin or a Django superuser flag, adds to this by itself. Views, the API,
the CLI and every selector fetch through `restrict`, so a forbidden row is simply absent:
missing and forbidden look the same.
"""

import enum

from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast

from secretariat.accounts.models import Compartment, Role
from secretariat.audit.models import AuditEvent
from secretariat.cables.models import Cable, CablePart, Control
from secretariat.decisions.models import Meeting, Point, PointAttachment
from secretariat.registry.models import Attachment, CaseFile, Copy, DistributionEntry, Document
from secretariat.releases.models import Release, ReleaseTemplate

# Object types of events that carry no paper's content: accounts, organisation and the log itself ("").
AUDITED_ADMINISTRATION = [
    "",
    "accounts.principal",
    "accounts.unit",
    "accounts.compartment",
    "decisions.body",
    "decisions.meeting",
    "releases.channel",
    "releases.release",
    "registry.casefile",
]


class Action(enum.StrEnum):
    VIEW = "view"
    REGISTER = "register"


def _is_active(principal) -> bool:
    return principal is not None and principal.is_authenticated and principal.is_active


def clearance_q(principal, prefix: str = "", model: type[Model] = Document) -> Q:
    """Rows of `model` (reached through `prefix`) whose classification the principal's clearance dominates."""
    through = model.compartments.through
    unheld = through.objects.exclude(compartment__in=Compartment.objects.filter(holders=principal))
    return Q(**{f"{prefix}level__lte": principal.clearance}) & ~Q(
        **{f"{prefix}pk__in": unheld.values(f"{model._meta.model_name}_id")}
    )


def need_to_know_q(principal, prefix: str = "") -> Q:
    """Documents the principal needs to know: an outstanding copy, the distribution (by name,
    unit or post), the originator or named approver of a cable, or the secretary of the body whose paper it is."""
    held = Copy.objects.filter(holder=principal, status=Copy.Status.ISSUED).values("document_id")
    addressed = Q(principal=principal)
    if principal.unit_id is not None:
        addressed |= Q(unit_id=principal.unit_id)
    listed = DistributionEntry.objects.filter(addressed).values("document_id")
    originated = Cable.objects.filter(
        Q(drafted_by=principal) | Q(approved_by=principal) | Q(point__approver=principal)
    ).values("document_id")
    return (
        Q(**{f"{prefix}pk__in": held})
        | Q(**{f"{prefix}pk__in": listed})
        | Q(**{f"{prefix}pk__in": originated})
        | Q(**{f"{prefix}body__secretary": principal})
    )


def document_q(principal, action: Action, prefix: str = "") -> Q:
    public = Q(**{f"{prefix}is_public": True})
    if not _is_active(principal):
        return public
    cleared = clearance_q(principal, prefix)
    readable = public | (cleared & need_to_know_q(principal, prefix))
    if action is Action.VIEW:
        return readable
    if action is Action.REGISTER:
        if principal.has_role(Role.REGISTRAR):
            return readable | cleared
        return readable
    raise ValueError(f"unknown action {action!r}")


def meeting_q(principal, prefix: str = "") -> Q:
    """Meetings of the bodies the principal belongs to or is secretary of; registrars see all."""
    if not _is_active(principal):
        return Q(pk__in=[])
    if principal.has_role(Role.REGISTRAR):
        return Q()
    return Q(**{f"{prefix}body__members": principal}) | Q(**{f"{prefix}body__secretary": principal})


def point_q(principal, action: Action, prefix: str = "") -> Q:
    """A protocol's points: members and the secretary of the body, if cleared; registrars
    see the register side (identifier, classification) of those within their clearance."""
    if not _is_active(principal):
        return Q(pk__in=[])
    cleared = clearance_q(principal, prefix, Point)
    body = f"{prefix}meeting__body__"
    readable = cleared & (Q(**{f"{body}members": principal}) | Q(**{f"{body}secretary": principal}))
    if action is Action.REGISTER and principal.has_role(Role.REGISTRAR):
        return cleared
    return readable


def cable_part_q(principal) -> Q:
    """Parts of cables the principal may read; guidance only for the action post and the originators."""
    q = document_q(principal, Action.VIEW, "cable__document__")
    if not _is_active(principal):
        return q & Q(guidance=False)
    for_recipient = Q(cable__drafted_by=principal) | Q(cable__approved_by=principal)
    if principal.unit_id is not None:
        for_recipient |= Q(cable__action_post_id=principal.unit_id)
    return q & (Q(guidance=False) | for_recipient)


def control_q(principal) -> Q:
    """Controls on the principal (or their unit or post), and those on papers they may register."""
    if not _is_active(principal):
        return Q(pk__in=[])
    mine = Q(assignee=principal)
    if principal.unit_id is not None:
        mine |= Q(assignee_unit_id=principal.unit_id)
    return mine | document_q(principal, Action.REGISTER, "document__") & ~Q(document__is_public=True)


def release_template_q(principal, action: Action) -> Q:
    """Editors of the channel read what they are to release; so does whoever may read the cable."""
    if not _is_active(principal):
        return Q(pk__in=[])
    return (clearance_q(principal, model=ReleaseTemplate) & Q(channel__editors=principal)) | Q(
        cable__in=Document.objects.filter(document_q(principal, action))
    )


def case_file_q(principal) -> Q:
    """Registry staff see case files whose every paper they may register."""
    if not _is_active(principal) or not principal.has_role(Role.REGISTRAR):
        return Q(pk__in=[])
    hidden = Document.objects.exclude(document_q(principal, Action.REGISTER))
    return ~Q(pk__in=CaseFile.objects.filter(documents__in=hidden).values("pk"))


def _keys(queryset: QuerySet) -> QuerySet:
    """Primary keys as text, to match AuditEvent.object_id."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def audit_event_q(principal) -> Q:
    if not _is_active(principal):
        return Q(pk__in=[])
    about_document, about_copy = Q(object_type="registry.document"), Q(object_type="registry.copy")
    about_control = Q(object_type="cables.control")
    visible = (
        (about_document & Q(object_id__in=_keys(Document.objects.filter(document_q(principal, Action.REGISTER)))))
        | (
            about_copy
            & Q(object_id__in=_keys(Copy.objects.filter(document_q(principal, Action.REGISTER, "document__"))))
        )
        | (about_control & Q(object_id__in=_keys(Control.objects.filter(control_q(principal)))))
    )
    if principal.has_role(Role.AUDITOR):
        visible |= (
            Q(object_type__in=AUDITED_ADMINISTRATION)
            | (about_document & Q(object_id__in=_keys(Document.objects.filter(clearance_q(principal)))))
            | (about_copy & Q(object_id__in=_keys(Copy.objects.filter(clearance_q(principal, "document__")))))
            | (about_control & Q(object_id__in=_keys(Control.objects.filter(clearance_q(principal, "document__")))))
        )
    return visible


def restrict(queryset: QuerySet, principal, action: Action) -> QuerySet:
    """Narrow `queryset` to the rows `principal` may see for `action`. Fails closed on unknown models."""
    action = Action(action)
    model: type[Model] = queryset.model
    if model is Document:
        return queryset.filter(document_q(principal, action))
    if model is Attachment:
        q = document_q(principal, action, "document__")
        if action is Action.VIEW and _is_active(principal):
            q &= clearance_q(principal, model=Attachment) | Q(document__is_public=True)
        return queryset.filter(q)
    if model is Copy:
        q = document_q(principal, action, "document__")
        if action is Action.REGISTER and _is_active(principal):
            q |= Q(holder=principal)
        return queryset.filter(q)
    if model is DistributionEntry:
        return queryset.filter(document_q(principal, Action.REGISTER, "document__"))
    if model is Meeting:
        return queryset.filter(meeting_q(principal))
    if model is Point:
        return queryset.filter(point_q(principal, action))
    if model is PointAttachment:
        q = point_q(principal, Action.VIEW, "point__")
        if _is_active(principal):
            q &= clearance_q(principal, model=PointAttachment)
        return queryset.filter(q)
    if model is Cable:
        return queryset.filter(document_q(principal, action, "document__"))
    if model is CablePart:
        return queryset.filter(cable_part_q(principal))
    if model is Control:
        return queryset.filter(control_q(principal))
    if model is ReleaseTemplate:
        return queryset.filter(release_template_q(principal, action))
    if model is Release:
        return queryset
    if model is CaseFile:
        return queryset.filter(case_file_q(principal))
    if model is AuditEvent:
        return queryset.filter(audit_event_q(principal))
    raise TypeError(f"no access rule for {model._meta.label}: refusing to list it")
