"""Use cases of bodies: members and secretary, meetings, protocol points, signing, extracts.

The secretary of a body records its meetings and points, signs the protocol and makes the
extracts; after signing a point changes only by a correction (a new version with a reason).
"""

import datetime as dt
import re
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.accounts.models import Principal, Unit
from secretariat.audit.services import record
from secretariat.decisions.models import (
    Body,
    BodyPaper,
    Extract,
    Meeting,
    Point,
    PointAddressee,
    PointAttachment,
    PointVersion,
)
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, bounded, unique_or_refused
from secretariat.kernel.numbers import check_registration_number
from secretariat.kernel.principals import Role
from secretariat.kernel.usecases import use_case
from secretariat.registry import services as registry
from secretariat.registry.models import Document

KEPT_BY = "the protocol (a correction of its point)"  # where an extract's text is kept


@transaction.atomic
@use_case
def add_body(
    by: Principal,
    name: str,
    prefix: str,
    *,
    return_days: int = 7,
    registry_unit: Unit | None = None,
    motto: str = "",
    letterhead: str = "",
    salutation: str = "",
) -> Body:
    by.require_role(Role.ADMIN, "set up bodies")
    name, prefix = name.strip(), prefix.strip().upper()
    if not 1 <= len(name) <= 200 or not re.fullmatch(r"[A-Z][A-Z0-9]{0,7}", prefix):
        raise InvalidInput(
            _("a body needs a name and a registration prefix of capital Latin letters and digits, e.g. P")
        )
    if not 1 <= return_days <= 3650:
        raise InvalidInput(_("return period must be between 1 and 3650 days"))
    with unique_or_refused(
        _("a body named %(name)r or with prefix %(prefix)r exists already") % {"name": name, "prefix": prefix}
    ):
        body = Body.objects.create(
            name=name,
            prefix=prefix,
            return_days=return_days,
            registry_unit=registry_unit,
            motto=motto.strip(),
            letterhead=letterhead.strip(),
            salutation=salutation.strip(),
        )
    record(
        by,
        "body.added",
        body,
        {
            "name": name,
            "prefix": prefix,
            "return_days": return_days,
            "registry_unit": registry_unit.code if registry_unit else None,
        },
    )
    return body


# Duties on a body give need to know (members read its points, the secretary and a named
# approver its papers); those who keep the register, the accounts or the log must not hold
# them, or one could give themselves content (separation of duties, as for roles).
KEEPERS = (Role.ADMIN, Role.REGISTRAR, Role.AUDITOR)


def _may_hold_duty(by: Principal, principal: Principal, duty: str) -> None:
    if principal.pk == by.pk:
        raise Refused(_("nobody makes themselves %(duty)s") % {"duty": duty})
    if held := [r for r in KEEPERS if principal.has_role(r)]:
        raise Refused(
            _("%(username)s is %(roles)s: a keeper of the registry may not be %(duty)s")
            % {"username": principal.username, "roles": _(" and ").join(held), "duty": duty}
        )
    if not principal.is_active:
        raise Refused(_("%(username)s is deactivated") % {"username": principal.username})


@transaction.atomic
@use_case
def add_members(by: Principal, body: Body, members: Sequence[Principal]) -> Body:
    by.require_role(Role.ADMIN, "set up bodies")
    for member in members:
        _may_hold_duty(by, member, _("a member of %(body)s") % {"body": body})
    if already := [m.username for m in members if body.members.filter(pk=m.pk).exists()]:
        raise Refused(_("already members of %(body)s: %(members)s") % {"body": body, "members": ", ".join(already)})
    body.members.add(*members)
    record(by, "body.members_added", body, {"members": [m.username for m in members]})
    return body


@transaction.atomic
@use_case
def appoint_secretary(by: Principal, body: Body, secretary: Principal) -> Body:
    """The secretary records the body's protocols and reads its papers by that duty."""
    by.require_role(Role.ADMIN, "set up bodies")
    if not secretary.has_role(Role.SECRETARY):
        raise Refused(_("%(username)s does not hold the secretary role") % {"username": secretary.username})
    _may_hold_duty(by, secretary, _("the secretary of %(body)s") % {"body": body})
    body.secretary = secretary
    body.save(update_fields=["secretary"])
    record(by, "body.secretary_appointed", body, {"secretary": secretary.username})
    return body


def enter_body_paper(by: Principal, body: Body, **fields) -> Document:
    """Enter a paper of `body` in the register, inside the caller's transaction: its copies go
    back to the body's registry unit within the body's return period unless the paper says
    otherwise, and the body's secretary needs to know it (the access rule)."""
    if fields.get("return_days") is None:
        fields["return_days"] = body.return_days
    if fields.get("return_to") is None:
        fields["return_to"] = body.registry_unit
    document = registry.enter_in_register(by, **fields, recorded={"body": body.prefix})
    BodyPaper.objects.create(document=document, body=body)
    return document


def file_with_body(document: Document, body: Body) -> None:
    """Count a paper registered without a body among the body's (a cable approved under one of
    its decisions), inside the caller's transaction and under its audit event."""
    BodyPaper.objects.get_or_create(document=document, defaults={"body": body})


@transaction.atomic
@use_case
def register_body_paper(by: Principal, body: Body, **fields) -> Document:
    """The registrar registers a paper of a body by hand (`enter_in_register` says what it takes)."""
    by.require_role(Role.REGISTRAR, "keep the register")
    return enter_body_paper(by, body, **fields)


def _require_secretary(by: Principal, body: Body) -> None:
    by.require_role(Role.SECRETARY, "record protocols")
    if not Body.objects.filter(pk=body.pk, secretary=by).exists():  # as it stands now, not as the caller read it
        raise Refused(_("%(username)s is not the secretary of %(body)s") % {"username": by.username, "body": body})


@transaction.atomic
@use_case
def record_meeting(by: Principal, body: Body, number: int, held_on: dt.date) -> Meeting:
    _require_secretary(by, body)
    if number < 1:
        raise InvalidInput(_("meetings are numbered from 1"))
    with unique_or_refused(_("protocol No %(number)s of %(body)s exists already") % {"number": number, "body": body}):
        meeting = Meeting.objects.create(
            body=body, number=number, held_on=held_on, recorded_at=clock.now(), recorded_by=by
        )
    record(by, "meeting.recorded", meeting, {"body": body.prefix, "number": number, "held_on": held_on.isoformat()})
    return meeting


def _meeting_for_change(by: Principal, body: Body, number: int, *, unsigned: bool = True) -> Meeting:
    _require_secretary(by, body)
    try:
        meeting = Meeting.objects.select_for_update().get(body=body, number=number)
    except Meeting.DoesNotExist:
        raise NotFound(_("no protocol No %(number)s of %(body)s") % {"number": number, "body": body}) from None
    if unsigned and meeting.is_signed:
        raise Refused(
            _("protocol No %(number)s of %(body)s is signed: correct a point instead, giving a reason")
            % {"number": meeting.number, "body": body}
        )
    return meeting


def _point_for_change(meeting: Meeting, identifier: str) -> Point:
    """A point of a meeting its secretary is changing, locked for the transaction."""
    try:
        return Point.objects.select_for_update().get(meeting=meeting, identifier=identifier.strip().upper())
    except Point.DoesNotExist:
        raise NotFound(
            _("no point %(point)s in protocol No %(number)s of %(body)s")
            % {"point": identifier, "number": meeting.number, "body": meeting.body}
        ) from None


def _check_identifier(identifier: str) -> str:
    identifier = identifier.strip().upper()
    try:
        check_registration_number(identifier)
        if len(identifier) > Point._meta.get_field("identifier").max_length:
            raise ValueError(identifier)
    except ValueError:
        raise InvalidInput(
            _("malformed point identifier %(identifier)r: as the body writes it, e.g. X, 12 or 45/III")
            % {"identifier": identifier}
        ) from None
    return identifier


@transaction.atomic
@use_case
def record_point(
    by: Principal,
    body: Body,
    meeting_number: int,
    identifier: str,
    *,
    title: str,
    decision: str,
    classification: Classification,
    addressees: Sequence[Principal | Unit] = (),
    approver: Principal | None = None,
) -> Point:
    """A point of an unsigned protocol: its title, decision, classification and addressees."""
    meeting = _meeting_for_change(by, body, meeting_number)
    identifier = _check_identifier(identifier)
    registry.may_classify(by, classification)
    title, decision = _title(title), bounded(decision, _("the decision"), 100_000)
    if again := [a for i, a in enumerate(addressees) if a in addressees[:i]]:
        # Its extract could never be made: a distribution names each addressee once.
        raise InvalidInput(
            _("an addressee is named twice: %(addressee)s")
            % {"addressee": getattr(again[0], "username", None) or again[0].code}
        )
    for addressee in addressees:
        if isinstance(addressee, Principal) and not addressee.classification.dominates(classification):
            raise Refused(
                _("%(username)s is not cleared for %(classification)s")
                % {"username": addressee.username, "classification": classification}
            )
    if approver is not None:
        _may_hold_duty(by, approver, _("the approver of a decision"))
        if not approver.classification.dominates(classification):
            raise Refused(
                _("%(username)s is not cleared for %(classification)s")
                % {"username": approver.username, "classification": classification}
            )
    with unique_or_refused(
        _("point %(point)s of protocol No %(number)s of %(body)s exists already")
        % {"point": identifier, "number": meeting.number, "body": body}
    ):
        point = Point.objects.create(
            meeting=meeting,
            position=meeting.points.count() + 1,
            identifier=identifier,
            level=classification.level,
            approver=approver,
        )
    point.compartments.set(registry.compartments_of(classification))
    PointVersion.objects.create(
        point=point, number=1, title=title, decision=decision, created_at=clock.now(), created_by=by
    )
    for position, addressee in enumerate(addressees, start=1):
        if isinstance(addressee, Principal):
            PointAddressee.objects.create(point=point, position=position, principal=addressee)
        else:
            PointAddressee.objects.create(point=point, position=position, unit=addressee)
    record(
        by,
        "point.recorded",
        meeting,
        {
            "point": identifier,
            "classification": classification.as_json(),
            "addressees": [getattr(a, "username", None) or a.code for a in addressees],
            "approver": approver.username if approver else None,
        },
    )
    return point


@transaction.atomic
@use_case
def attach_to_point(
    by: Principal,
    body: Body,
    meeting_number: int,
    identifier: str,
    *,
    title: str,
    text: str,
    classification: Classification,
    page_count: int = 1,
) -> PointAttachment:
    """A paper the point carries (a draft), with its own classification, below the point's."""
    meeting = _meeting_for_change(by, body, meeting_number)
    point = _point_for_change(meeting, identifier)
    registry.may_classify(by, classification)
    if not point.classification.dominates(classification):
        raise Refused(
            _("point %(point)s is %(marked)s; an attachment marked %(classification)s would be above it")
            % {"point": point.identifier, "marked": point.classification, "classification": classification}
        )
    title, text = bounded(title, _("the attachment's title"), 500), bounded(text, _("the attachment's text"), 1_000_000)
    if page_count < 1:
        raise InvalidInput(_("page count must be at least 1"))
    attachment = PointAttachment.objects.create(
        point=point,
        position=point.attachments.count() + 1,
        title=title,
        text=text,
        level=classification.level,
        page_count=page_count,
    )
    attachment.compartments.set(registry.compartments_of(classification))
    record(
        by,
        "point.attachment_added",
        meeting,
        {"point": point.identifier, "position": attachment.position, "classification": classification.as_json()},
    )
    return attachment


@transaction.atomic
@use_case
def sign_protocol(by: Principal, body: Body, meeting_number: int) -> Meeting:
    meeting = _meeting_for_change(by, body, meeting_number)
    if not meeting.points.exists():
        raise Refused(
            _("protocol No %(number)s of %(body)s has no points to sign") % {"number": meeting.number, "body": body}
        )
    meeting.signed_at = clock.now()
    meeting.signed_by = by
    meeting.save(update_fields=["signed_at", "signed_by"])
    record(by, "protocol.signed", meeting, {"points": list(meeting.points.values_list("identifier", flat=True))})
    return meeting


@transaction.atomic
@use_case
def correct_point(
    by: Principal, body: Body, meeting_number: int, identifier: str, *, title: str, decision: str, reason: str
) -> PointVersion:
    """A signed protocol never changes; a correction is the point's next version, with a reason."""
    meeting = _meeting_for_change(by, body, meeting_number, unsigned=False)
    point = _point_for_change(meeting, identifier)
    reason = bounded(reason, _("the reason for a correction"), 300)
    title, decision = _title(title), bounded(decision, _("the decision"), 100_000)
    last = point.current()
    version = PointVersion.objects.create(
        point=point,
        number=last.number + 1,
        title=title,
        decision=decision,
        reason=reason,
        created_at=clock.now(),
        created_by=by,
    )
    record(
        by, "point.corrected", meeting, {"point": point.identifier, "version": version.number, "reason": version.reason}
    )
    return version


def _title(title: str) -> str:
    """A point's title: its extract carries it as the document's title, so the same bound."""
    return bounded(title, _("the title"), Document._meta.get_field("title").max_length)


def extract_number(point: Point) -> str:
    """ "P46/X": the body's prefix, the meeting's number, the point as the body writes it."""
    return f"{point.meeting.body.prefix}{point.meeting.number}/{point.identifier}"


@transaction.atomic
@use_case
def make_extract(
    by: Principal,
    body: Body,
    meeting_number: int,
    identifier: str,
    *,
    classification: Classification | None = None,
    signatory: str = "",
    page_count: int = 1,
) -> Document:
    """Register the extract of one point of a signed protocol, addressed as the decision says.

    It is classified at least as high as the point and every paper it carries (by default
    exactly that); the registry then issues its numbered copies with the body's return period.
    """
    meeting = _meeting_for_change(by, body, meeting_number, unsigned=False)
    if not meeting.is_signed:
        raise Refused(
            _("protocol No %(number)s of %(body)s is not signed yet: sign it before making extracts")
            % {"number": meeting.number, "body": body}
        )
    point = _point_for_change(meeting, identifier)
    attachments = list(point.attachments.prefetch_related("compartments"))
    carried = point.classification
    for attachment in attachments:
        carried = carried.join(attachment.classification)
    classification = classification or carried
    if not classification.dominates(carried):
        raise Refused(
            _("the extract carries %(carried)s; it cannot be marked %(classification)s")
            % {"carried": carried, "classification": classification}
        )
    addressees = [a.addressee for a in point.addressees.select_related("principal", "unit")]
    if not addressees:
        raise Refused(
            _("the decision of point %(point)s of protocol No %(number)s names nobody to send it to")
            % {"point": point.identifier, "number": meeting.number}
        )
    version = point.current()
    document = enter_body_paper(
        by,
        body,
        number=extract_number(point),
        title=version.title,
        kind=Document.Kind.EXTRACT,
        classification=classification,
        text=version.decision,
        dated=meeting.held_on,
        page_count=page_count,
        signatory=signatory or f"SECRETARY OF THE {body.name.upper()}",
        distribution=addressees,
        kept_by=KEPT_BY,
    )
    for attachment in attachments:
        registry.attach(
            by,
            document,
            title=attachment.title,
            classification=attachment.classification,
            text=attachment.text,
            page_count=attachment.page_count,
        )
    Extract.objects.create(document=document, point=point, point_version=version)
    record(
        by, "extract.made", document, {"meeting": meeting.number, "point": point.identifier, "version": version.number}
    )
    return document
