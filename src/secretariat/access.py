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
from secretariat.registry.models import Attachment, Copy, DistributionEntry, Document

# Object types of events that carry no paper's metadata; "" is an event about the log itself.
AUDITED_ADMINISTRATION = ["", "accounts.principal", "accounts.unit", "accounts.compartment", "decisions.body"]


class Action(enum.StrEnum):
    VIEW = "view"
    REGISTER = "register"


def _is_active(principal) -> bool:
    return principal is not None and principal.is_authenticated and principal.is_active


def clearance_q(principal, prefix: str = "", through=Document.compartments.through) -> Q:
    """Rows whose classification the principal's clearance dominates."""
    foreign = "document_id" if through is Document.compartments.through else "attachment_id"
    unheld = through.objects.exclude(compartment__in=Compartment.objects.filter(holders=principal))
    return Q(**{f"{prefix}level__lte": principal.clearance}) & ~Q(**{f"{prefix}pk__in": unheld.values(foreign)})


def need_to_know_q(principal, prefix: str = "") -> Q:
    held = Copy.objects.filter(holder=principal, status=Copy.Status.ISSUED).values("document_id")
    addressed = Q(principal=principal)
    if principal.unit_id is not None:
        addressed |= Q(unit_id=principal.unit_id)
    listed = DistributionEntry.objects.filter(addressed).values("document_id")
    return Q(**{f"{prefix}pk__in": held}) | Q(**{f"{prefix}pk__in": listed})


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


def _keys(queryset: QuerySet) -> QuerySet:
    """Primary keys as text, to match AuditEvent.object_id."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def audit_event_q(principal) -> Q:
    if not _is_active(principal):
        return Q(pk__in=[])
    about_document, about_copy = Q(object_type="registry.document"), Q(object_type="registry.copy")
    visible = (
        about_document & Q(object_id__in=_keys(Document.objects.filter(document_q(principal, Action.REGISTER))))
    ) | (about_copy & Q(object_id__in=_keys(Copy.objects.filter(document_q(principal, Action.REGISTER, "document__")))))
    if principal.has_role(Role.AUDITOR):
        visible |= (
            Q(object_type__in=AUDITED_ADMINISTRATION)
            | (about_document & Q(object_id__in=_keys(Document.objects.filter(clearance_q(principal)))))
            | (about_copy & Q(object_id__in=_keys(Copy.objects.filter(clearance_q(principal, "document__")))))
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
            q &= clearance_q(principal, through=Attachment.compartments.through) | Q(document__is_public=True)
        return queryset.filter(q)
    if model is Copy:
        q = document_q(principal, action, "document__")
        if action is Action.REGISTER and _is_active(principal):
            q |= Q(holder=principal)
        return queryset.filter(q)
    if model is DistributionEntry:
        return queryset.filter(document_q(principal, Action.REGISTER, "document__"))
    if model is AuditEvent:
        return queryset.filter(audit_event_q(principal))
    raise TypeError(f"no access rule for {model._meta.label}: refusing to list it")
