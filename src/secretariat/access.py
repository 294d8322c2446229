"""The access rule (rules 1-2 of docs/architecture.md), in one place, as a queryset restriction.

    restrict(queryset, principal, action) -> queryset

"Cleared for x": the principal's clearance dominates x's classification (level and every
compartment). Inactive and anonymous principals see public material only (and no audit event).

Documents. VIEW (content): released or declassified-public material to anyone; otherwise an
active principal cleared for it who needs to know it, that is who
  - holds an outstanding copy of it;
  - is on its distribution by name, or belongs to a unit or post on it (sending a cable puts
    its action and info posts there, so a post's members read the cables addressed to it);
  - is the secretary of the body whose paper it is;
  - drafted its cable, approved it, or is the approver named by the point the cable cites.
REGISTER (register metadata: number, classification, holders, dates): whoever may VIEW, plus
registrars cleared for it; registry staff thereby learn that a paper exists, never what it says.

The other models follow from that:
  - Attachment: REGISTER as its document; VIEW as its document, and cleared for the
    attachment unless the document is public.
  - Copy: as its document; for REGISTER its holder too.
  - DistributionEntry: who may REGISTER the document, whatever the action.
  - Cable: as its document. CablePart: whoever may VIEW the cable; a guidance part only to
    its drafter, its approver, the approver its point names, the secretary of its body, the
    members of its action post and archivists once its case is closed, unless the cable is public.
  - Meeting: members and the secretary of the body, and registrars.
  - Point: VIEW to members and the secretary of the body, and to the approver it names,
    cleared for it; REGISTER also to registrars cleared for it. PointAttachment: VIEW of its point, and cleared for it.
  - Control: its assignee (by name, or a member of the assignee unit or post) cleared for its
    document, and whoever may
    VIEW (for REGISTER: register) its document, unless that document is public (publication
    does not publish the obligations on it). Its task is content: selectors show it only to
    those who may VIEW the control.
  - ReleaseTemplate: whoever may VIEW its cable, and the channel's editors cleared for it;
    it is content, so registering the cable is not enough. Release: everyone.
  - CaseFile: registrars who may REGISTER every document in it.
    Archivists see closed case files whose every paper they may read, and read those papers:
    the archive's custody is their need to know.
  - Archive Item: VIEW (the text as the archive holds it, withheld spans included) to
    archivists cleared for its classification now and as originally marked (the withheld
    spans keep the marked classification); REGISTER also to anyone once it is
    published (its public text is built with the redactions blanked, never read from the
    row). Annotation: as the item's REGISTER (published with it). ArchiveUnit: archivists all;
    anyone else the units above a published item. Review and Redaction: archivists cleared
    for the item, never anyone else (a redaction's span would show what it hides); PageRedaction (a box on
    a page of its scan) the same. PublishedPage: as its item's REGISTER. Transfer: as its case file.
  - Scan and ScanPage: as what the scan is of: a paper's attachment as the attachment (VIEW: cleared for
    it); an archive item's scan as the item's reviews (it holds every word a review withholds).
  - ApiToken: its holder, and admins (to revoke it); the secret itself is never stored.
  - AuditEvent (register metadata too): an event about a document or a copy to whoever may
    REGISTER the document, about a control to whoever may see the control, about an archive
    item to the archivists who may see its reviews, about a case file to the archivists it is
    in custody of (closed, every paper readable: they pack its events into the transfer's bag).
    Auditors also see
    the events about accounts, units, compartments, bodies, channels, API tokens, repositories and
    archive units; those about papers and archive items
    they are cleared for; and those about meetings, releases and case files when cleared for
    every paper such an event may name (the points and their attachments, the release's
    cable, the case's documents). Events of any other kind are shown to nobody until a rule
    for them is written here (fail closed).

No role, not even admin or a Django superuser flag, adds to this by itself. Every selector and
service fetches through `Model.objects.restrict(principal, action)`, which asks `allowed_q`
here (installed when the project starts, by `secretariat.apps`), so a forbidden row is simply
absent (and never listed twice): missing and forbidden look the same. A model without a rule
in RULES is refused (TypeError).
"""

from collections.abc import Callable

from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast

from secretariat.accounts.models import ApiToken, Compartment
from secretariat.archive.models import (
    Annotation,
    ArchiveUnit,
    Item,
    PageRedaction,
    PublishedPage,
    Redaction,
    Review,
    Transfer,
)
from secretariat.audit.models import AuditEvent
from secretariat.cables.models import Cable, CablePart, Control
from secretariat.cases.models import CaseEntry, CaseFile
from secretariat.decisions.models import Body, BodyPaper, Meeting, Point, PointAttachment
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.registry.models import Attachment, Copy, DistributionEntry, Document
from secretariat.releases.models import Channel, Release, ReleaseTemplate
from secretariat.scans.models import Scan, ScanPage

# Object types of events that name no paper: accounts, organisation and the log itself ("").
AUDITED_ADMINISTRATION = [
    "",
    "accounts.principal",
    "accounts.unit",
    "accounts.compartment",
    "accounts.accessrequest",
    "audit.witnessedhead",
    "decisions.body",
    "releases.channel",
    *ApiToken.AUDIT_TYPES,
    "archive.repository",
    "archive.archiveunit",
]


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
    unit or post), the originator or named approver of a cable, the secretary of the body whose paper it is, or
    an archivist, for the papers of closed case files (the archive's custody: appraisal and transfer)."""
    held = Copy.objects.filter(holder=principal, status=Copy.Status.ISSUED).values("document_id")
    addressed = Q(principal=principal)
    if principal.unit_id is not None:
        addressed |= Q(unit_id=principal.unit_id)
    listed = DistributionEntry.objects.filter(addressed).values("document_id")
    originated = Cable.objects.filter(
        Q(drafted_by=principal) | Q(approved_by=principal) | Q(point__approver=principal)
    ).values("document_id")
    q = (
        Q(**{f"{prefix}pk__in": held})
        | Q(**{f"{prefix}pk__in": listed})
        | Q(**{f"{prefix}pk__in": originated})
        | Q(**{f"{prefix}pk__in": _papers_of_bodies_kept_by(principal)})
    )
    if principal.has_role(Role.ARCHIVIST):
        closed = CaseEntry.objects.filter(case__closed_at__isnull=False).values("document_id")
        q |= Q(**{f"{prefix}pk__in": closed})
    return q


def _papers_of_bodies_kept_by(principal) -> QuerySet:
    """The documents that are papers of a body the principal is the secretary of (a subquery)."""
    return BodyPaper.objects.filter(body__secretary=principal).values("document_id")


def document_q(principal, action: Action, prefix: str = "") -> Q:
    public = Q(**{f"{prefix}is_public": True})
    if not _is_active(principal):
        return public
    cleared = clearance_q(principal, prefix)
    if action is Action.REGISTER and principal.has_role(Role.REGISTRAR):
        # readable | cleared, said without the need to know, which adds nothing to what clearance alone allows
        return public | cleared
    readable = public | (cleared & need_to_know_q(principal, prefix))
    if action in (Action.VIEW, Action.REGISTER):
        return readable
    raise ValueError(f"unknown action {action!r}")


def _bodies_of(principal) -> QuerySet:
    """The bodies the principal is a member or the secretary of (a subquery: no row twice)."""
    return Body.objects.filter(Q(members=principal) | Q(secretary=principal)).values("pk")


def meeting_q(principal, prefix: str = "") -> Q:
    """Meetings of the bodies the principal belongs to or is secretary of; registrars see all."""
    if not _is_active(principal):
        return Q(pk__in=[])
    if principal.has_role(Role.REGISTRAR):
        return Q()
    return Q(**{f"{prefix}body__in": _bodies_of(principal)})


def point_q(principal, action: Action, prefix: str = "") -> Q:
    """A protocol's points: members and the secretary of the body, and the approver a point
    names, if cleared; registrars see the register side (identifier, classification) of
    those within their clearance."""
    if not _is_active(principal):
        return Q(pk__in=[])
    cleared = clearance_q(principal, prefix, Point)
    readable = cleared & (
        Q(**{f"{prefix}meeting__body__in": _bodies_of(principal)}) | Q(**{f"{prefix}approver": principal})
    )
    if action is Action.REGISTER and principal.has_role(Role.REGISTRAR):
        return cleared
    return readable


def cable_part_q(principal) -> Q:
    """Parts of cables the principal may read; guidance only for the action post, the
    originators and whoever is to approve it (the point's named approver, else the body's
    secretary: they approve the whole text), and archivists once its case is closed, unless the
    cable is public (published whole)."""
    readable = document_q(principal, Action.VIEW, "cable__document__")
    for_anyone = Q(guidance=False) | Q(cable__document__is_public=True)
    if not _is_active(principal):
        return readable & for_anyone
    for_recipient = (
        Q(cable__drafted_by=principal)
        | Q(cable__approved_by=principal)
        | Q(cable__point__approver=principal)
        | Q(cable__document__in=_papers_of_bodies_kept_by(principal))
    )
    if principal.unit_id is not None:
        for_recipient |= Q(cable__action_post_id=principal.unit_id)
    if principal.has_role(Role.ARCHIVIST):  # the archive keeps the whole cable
        for_recipient |= Q(
            cable__document__in=CaseEntry.objects.filter(case__closed_at__isnull=False).values("document_id")
        )
    return readable & (for_anyone | for_recipient)


def control_q(principal, action: Action) -> Q:
    """Controls on the principal (or their unit or post), and those on unpublished papers they
    may read (VIEW: the task too) or register (REGISTER: who, what paper, when due, not the task)."""
    if not _is_active(principal):
        return Q(pk__in=[])
    mine = Q(assignee=principal)
    if principal.unit_id is not None:
        mine |= Q(assignee_unit_id=principal.unit_id)
    mine &= clearance_q(principal, "document__")  # an uncleared member of the assignee post sees nothing of it
    return mine | (document_q(principal, action, "document__") & ~Q(document__is_public=True))


def release_template_q(principal) -> Q:
    """Whoever may read the cable reads the announcement it carries; so do the channel's
    editors cleared for it. A template is content, so registering the cable is not enough."""
    readers = Q(cable__in=Document.objects.filter(document_q(principal, Action.VIEW)))
    if not _is_active(principal):
        return readers
    editing = Channel.objects.filter(editors=principal).values("pk")
    return readers | (clearance_q(principal, model=ReleaseTemplate) & Q(channel__in=editing))


def case_file_q(principal, prefix: str = "") -> Q:
    """Registry staff see case files whose every paper they may register; archivists, closed
    case files whose every paper they may read (to transfer them whole)."""
    if not _is_active(principal):
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if principal.has_role(Role.REGISTRAR):
        hidden = Document.objects.exclude(document_q(principal, Action.REGISTER))
        q |= ~Q(**{f"{prefix}pk__in": CaseFile.objects.filter(documents__in=hidden).values("pk")})
    if principal.has_role(Role.ARCHIVIST):
        q |= _in_custody_q(principal, prefix)
    return q


def _in_custody_q(principal, prefix: str = "") -> Q:
    """Closed case files whose every paper the principal may read: what an archivist receives."""
    unreadable = Document.objects.exclude(document_q(principal, Action.VIEW))
    return Q(**{f"{prefix}closed_at__isnull": False}) & ~Q(
        **{f"{prefix}pk__in": CaseFile.objects.filter(documents__in=unreadable).values("pk")}
    )


def item_q(principal, action: Action, prefix: str = "") -> Q:
    """Archive items. VIEW is the item as the archive holds it, withheld spans included: only
    archivists cleared for it. REGISTER (the row: reference, title, dates, marking) is also
    public once the item is published; its public text is built by archive.selectors, with
    every redaction blanked, never read from the row."""
    archival = archival_work_q(principal, prefix)
    if action is Action.VIEW:
        return archival
    return Q(**{f"{prefix}published_at__isnull": False}) | archival


def archive_unit_q(principal) -> Q:
    """Archivists see every unit of description; anyone else the units above a published item."""
    if _is_active(principal) and principal.has_role(Role.ARCHIVIST):
        return Q()
    published = Item.objects.filter(published_at__isnull=False)
    return (
        Q(pk__in=published.values("unit_id"))
        | Q(pk__in=published.values("unit__parent_id"))
        | Q(pk__in=published.values("unit__parent__parent_id"))
    )


def item_clearance_q(principal, prefix: str = "") -> Q:
    """Items whose classification now AND as originally marked the principal is cleared for: what
    a review withheld is still at the marked classification after the item is declassified."""
    unheld = Item.marked_compartments.through.objects.exclude(
        compartment__in=Compartment.objects.filter(holders=principal)
    )
    return (
        clearance_q(principal, prefix, Item)
        & Q(**{f"{prefix}marked_level__lte": principal.clearance})
        & ~Q(**{f"{prefix}pk__in": unheld.values("item_id")})
    )


def archival_work_q(principal, prefix: str) -> Q:
    """Reviews and redactions are the archivists' work: only archivists cleared for the item, as
    marked and now, see them, even after publication (a redaction's span shows what it hides)."""
    if not _is_active(principal) or not principal.has_role(Role.ARCHIVIST):
        return Q(pk__in=[])
    return item_clearance_q(principal, prefix)


def api_token_q(principal) -> Q:
    """A bearer token is a key, not a paper: its holder sees it, and an admin (to revoke it)."""
    if not _is_active(principal):
        return Q(pk__in=[])
    return Q() if principal.has_role(Role.ADMIN) else Q(principal=principal)


def _keys(queryset: QuerySet) -> QuerySet:
    """Primary keys as text, to match AuditEvent.object_id."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def _naming_cleared_papers_q(principal) -> Q:
    """Events about meetings, releases and case files name papers (a point's identifier,
    classification and addressees; a cable's number; a case's documents): an auditor sees
    them only when cleared for every paper that may be named."""
    points = Point.objects.exclude(clearance_q(principal, model=Point)).values("meeting_id")
    annexes = PointAttachment.objects.exclude(clearance_q(principal, model=PointAttachment)).values("point__meeting_id")
    meetings = Meeting.objects.exclude(pk__in=points).exclude(pk__in=annexes)
    releases = Release.objects.filter(clearance_q(principal, "template__cable__"))
    above = CaseFile.objects.filter(documents__in=Document.objects.exclude(clearance_q(principal))).values("pk")
    cases = CaseFile.objects.exclude(pk__in=above)
    return (
        (Q(object_type="decisions.meeting") & Q(object_id__in=_keys(meetings)))
        | (Q(object_type="releases.release") & Q(object_id__in=_keys(releases)))
        | (Q(object_type__in=CaseFile.AUDIT_TYPES) & Q(object_id__in=_keys(cases)))
    )


def audit_event_q(principal) -> Q:
    if not _is_active(principal):
        return Q(pk__in=[])
    about_document, about_copy = Q(object_type="registry.document"), Q(object_type="registry.copy")
    about_control = Q(object_type="cables.control")
    about_item = Q(object_type="archive.item")
    visible = (
        (about_document & Q(object_id__in=_keys(Document.objects.filter(document_q(principal, Action.REGISTER)))))
        | (
            about_copy
            & Q(object_id__in=_keys(Copy.objects.filter(document_q(principal, Action.REGISTER, "document__"))))
        )
        | (about_control & Q(object_id__in=_keys(Control.objects.filter(control_q(principal, Action.REGISTER)))))
        | (about_item & Q(object_id__in=_keys(Item.objects.filter(archival_work_q(principal, "")))))
    )
    if principal.has_role(Role.ARCHIVIST):  # a case's provenance travels with it into the archive
        cases = CaseFile.objects.filter(_in_custody_q(principal))
        visible |= Q(object_type__in=CaseFile.AUDIT_TYPES) & Q(object_id__in=_keys(cases))
    if principal.has_role(Role.AUDITOR):
        visible |= (
            Q(object_type__in=AUDITED_ADMINISTRATION)
            | _naming_cleared_papers_q(principal)
            | (about_document & Q(object_id__in=_keys(Document.objects.filter(clearance_q(principal)))))
            | (about_copy & Q(object_id__in=_keys(Copy.objects.filter(clearance_q(principal, "document__")))))
            | (about_control & Q(object_id__in=_keys(Control.objects.filter(clearance_q(principal, "document__")))))
            | (about_item & Q(object_id__in=_keys(Item.objects.filter(item_clearance_q(principal)))))
        )
    return visible


def _attachment_q(principal, action: Action) -> Q:
    q = document_q(principal, action, "document__")
    if action is Action.VIEW and _is_active(principal):
        q &= clearance_q(principal, model=Attachment) | Q(document__is_public=True)
    return q


def scan_q(principal, action: Action, prefix: str = "") -> Q:
    """A scan is read as what it is a scan of: a paper's attachment as the attachment is; an archive item's
    scan, which holds every word a review withholds, as the item's archival work is (archivists cleared for it
    as marked and now). Readers of a published item see its published pages, never the scan."""
    attachments = Attachment.objects.filter(_attachment_q(principal, action)).values("pk")
    items = Item.objects.filter(archival_work_q(principal, "")).values("pk")
    return Q(**{f"{prefix}attachment__in": attachments}) | Q(**{f"{prefix}archive_item__in": items})


def _copy_q(principal, action: Action) -> Q:
    q = document_q(principal, action, "document__")
    if action is Action.REGISTER and _is_active(principal):
        q |= Q(holder=principal)
    return q


def _point_attachment_q(principal, action: Action) -> Q:
    q = point_q(principal, Action.VIEW, "point__")
    if _is_active(principal):
        q &= clearance_q(principal, model=PointAttachment)
    return q


# The rule of each model, as (principal, action) -> Q. A model missing here has no rule and is
# refused: nothing is listed by default.
RULES: dict[type[Model], Callable[[object, Action], Q]] = {
    Document: document_q,
    Attachment: _attachment_q,
    Copy: _copy_q,
    DistributionEntry: lambda principal, action: document_q(principal, Action.REGISTER, "document__"),
    Meeting: lambda principal, action: meeting_q(principal),
    Point: point_q,
    PointAttachment: _point_attachment_q,
    Cable: lambda principal, action: document_q(principal, action, "document__"),
    CablePart: lambda principal, action: cable_part_q(principal),
    Control: control_q,
    ReleaseTemplate: lambda principal, action: release_template_q(principal),
    Release: lambda principal, action: Q(),  # what went out is public
    CaseFile: lambda principal, action: case_file_q(principal),
    Item: item_q,
    # Annotations are published with their item, as they are.
    Annotation: lambda principal, action: item_q(principal, Action.REGISTER, "item__"),
    ArchiveUnit: lambda principal, action: archive_unit_q(principal),
    Review: lambda principal, action: archival_work_q(principal, "item__"),
    Redaction: lambda principal, action: archival_work_q(principal, "review__item__"),
    PageRedaction: lambda principal, action: archival_work_q(principal, "review__item__"),
    PublishedPage: lambda principal, action: item_q(principal, Action.REGISTER, "item__"),
    Scan: scan_q,
    ScanPage: lambda principal, action: scan_q(principal, action, "scan__"),
    Transfer: lambda principal, action: case_file_q(principal, "case__"),
    ApiToken: lambda principal, action: api_token_q(principal),
    AuditEvent: lambda principal, action: audit_event_q(principal),
}


def allowed_q(model: type[Model], principal, action: Action) -> Q:
    """The rows of `model` that `principal` may see for `action`. Fails closed on unknown models."""
    try:
        rule = RULES[model]
    except KeyError:
        raise TypeError(f"no access rule for {model._meta.label}: refusing to list it") from None
    return rule(principal, Action(action))


def restrict(queryset: QuerySet, principal, action: Action) -> QuerySet:
    """Narrow `queryset` to the rows `principal` may see for `action` (what `.restrict()` does)."""
    return queryset.filter(allowed_q(queryset.model, principal, action))
