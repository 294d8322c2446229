"""The decisions desk's operations over HTTP: bodies (members, secretary, their papers), meetings and their
protocols' points (recorded, with the papers they carry, signed, corrected), and the extract of a point.

A body is named in the path by its prefix (`/bodies/P/...`); a meeting by its number, a point as the body
writes it (`/bodies/P/meetings/46/points/X/...`). Each write calls one service of decisions/services.py; each
read one selector of decisions/selectors.py, through the access rule (reading classified points is audited).
"""

from ninja import Query, Router, Status

from secretariat.accounts.selectors import addressees_by_name, unit_by_code
from secretariat.api.problems import problems
from secretariat.api.schemas import (
    BodyIn,
    BodyOut,
    CorrectionIn,
    DocumentOut,
    ExtractIn,
    ExtractOut,
    MeetingIn,
    MeetingOut,
    MembersIn,
    Paging,
    PointAttachmentAddedOut,
    PointAttachmentIn,
    PointIn,
    PointOut,
    PointVersionOut,
    ProtocolOut,
    RegisterIn,
    SecretaryIn,
)
from secretariat.decisions import presenters, selectors, services
from secretariat.decisions.models import Body
from secretariat.kernel.errors import InvalidInput, NotFound
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action
from secretariat.registry import presenters as registry_presenters

router = Router(tags=["decisions"])


def _body(prefix: str) -> Body:
    """The body the path names (its prefix, or its name); 404 for none."""
    try:
        return selectors.body_by_name(prefix)
    except InvalidInput:
        raise NotFound(f"no body {prefix}") from None


# Bodies


@router.post("/bodies", response={201: BodyOut, **problems(409, 422)}, operation_id="add_body", tags=["bodies"])
def add_body(request, payload: BodyIn):
    """Set up a body that meets and decides (an administrator)."""
    body = services.add_body(
        request.auth,
        payload.name,
        payload.prefix,
        return_days=payload.return_days,
        registry_unit=unit_by_code(payload.registry_unit) if payload.registry_unit else None,
        motto=payload.motto,
        letterhead=payload.letterhead,
        salutation=payload.salutation,
    )
    return Status(201, presenters.body_json(body))


@router.get(
    "/bodies/{slug:prefix}", response={200: BodyOut, **problems(404)}, operation_id="show_body", tags=["bodies"]
)
def show_body(request, prefix: str):
    """A body: its secretary, members and return period."""
    return presenters.body_json(_body(prefix))


@router.post(
    "/bodies/{slug:prefix}/members",
    response={200: BodyOut, **problems(404, 409, 422)},
    operation_id="add_members",
    tags=["bodies"],
)
def add_members(request, prefix: str, payload: MembersIn):
    """Add members to a body (an administrator); a keeper of the registry may not be one."""
    members = [principal_by_username(u) for u in payload.members]
    return presenters.body_json(services.add_members(request.auth, _body(prefix), members))


@router.post(
    "/bodies/{slug:prefix}/secretary",
    response={200: BodyOut, **problems(404, 409, 422)},
    operation_id="appoint_secretary",
    tags=["bodies"],
)
def appoint_secretary(request, prefix: str, payload: SecretaryIn):
    """Appoint the body's secretary (an administrator): one who holds the secretary role."""
    secretary = principal_by_username(payload.secretary)
    return presenters.body_json(services.appoint_secretary(request.auth, _body(prefix), secretary))


@router.post(
    "/bodies/{slug:prefix}/papers",
    response={201: DocumentOut, **problems(404, 409, 422)},
    operation_id="register_body_paper",
    tags=["bodies"],
)
def register_body_paper(request, prefix: str, payload: RegisterIn):
    """Register a paper of the body (registrar): its copies go back within the body's return period, to its
    registry unit, unless the paper says otherwise; its secretary needs to know it."""
    document = services.register_body_paper(request.auth, _body(prefix), **payload.registration())
    return Status(201, registry_presenters.document_json(document))


# Meetings and their protocols


@router.get(
    "/bodies/{slug:prefix}/meetings",
    response={200: list[MeetingOut], **problems(404)},
    operation_id="list_meetings",
    tags=["meetings"],
)
def list_meetings(request, prefix: str, paging: Query[Paging]):
    """The body's meetings you may see, by number."""
    rows = selectors.meetings(request.auth, _body(prefix)).select_related("recorded_by", "signed_by")
    return [presenters.meeting_json(m) for m in paging.of(rows.order_by("number"))]


@router.post(
    "/bodies/{slug:prefix}/meetings",
    response={201: MeetingOut, **problems(404, 409, 422)},
    operation_id="record_meeting",
    tags=["meetings"],
)
def record_meeting(request, prefix: str, payload: MeetingIn):
    """Record a meeting of the body (its secretary); its protocol's points follow."""
    meeting = services.record_meeting(request.auth, _body(prefix), payload.number, payload.held_on)
    return Status(201, presenters.meeting_json(meeting))


@router.get(
    "/bodies/{slug:prefix}/meetings/{int:meeting}",
    response={200: ProtocolOut, **problems(404)},
    operation_id="read_protocol",
    tags=["meetings"],
)
def read_protocol(request, prefix: str, meeting: int, in_register: bool = Query(False, alias="register")):
    """A protocol and the points you may read, their decisions and papers (an audited read when classified);
    with `register=true`, the points you may see in the register, without titles, decisions or papers."""
    body = _body(prefix)
    if in_register:
        found = selectors.meeting(request.auth, body, meeting)
        shown = [(p, []) for p in selectors.points(request.auth, found, Action.REGISTER)]
    else:
        reading = selectors.read_protocol(request.auth, body, meeting)
        found, shown = reading.meeting, reading.points
    points = [presenters.point_json(p, a, content=not in_register) for p, a in shown]
    return {**presenters.meeting_json(found), "points": points}


@router.post(
    "/bodies/{slug:prefix}/meetings/{int:meeting}/sign",
    response={200: MeetingOut, **problems(404, 409)},
    operation_id="sign_protocol",
    tags=["meetings"],
)
def sign_protocol(request, prefix: str, meeting: int):
    """Sign the protocol (the body's secretary): its points change only by correction from now on."""
    return presenters.meeting_json(services.sign_protocol(request.auth, _body(prefix), meeting))


# Points


@router.post(
    "/bodies/{slug:prefix}/meetings/{int:meeting}/points",
    response={201: PointOut, **problems(404, 409, 422)},
    operation_id="record_point",
    tags=["meetings"],
)
def record_point(request, prefix: str, meeting: int, payload: PointIn):
    """Record a point of an unsigned protocol (the body's secretary): its title, decision, marking, and who
    the decision goes to."""
    point = services.record_point(
        request.auth,
        _body(prefix),
        meeting,
        payload.identifier,
        title=payload.title,
        decision=payload.decision,
        classification=payload.classification,
        addressees=addressees_by_name(payload.addressees),
        approver=principal_by_username(payload.approver) if payload.approver else None,
    )
    return Status(201, presenters.point_json(point))


@router.post(
    "/bodies/{slug:prefix}/meetings/{int:meeting}/points/{regno:point}/attachments",
    response={201: PointAttachmentAddedOut, **problems(404, 409, 422)},
    operation_id="attach_to_point",
    tags=["meetings"],
)
def attach_to_point(request, prefix: str, meeting: int, point: str, payload: PointAttachmentIn):
    """Attach a paper (a draft) to a point of an unsigned protocol (the body's secretary), marked at most as
    the point is."""
    attachment = services.attach_to_point(
        request.auth,
        _body(prefix),
        meeting,
        point,
        title=payload.title,
        text=payload.text,
        classification=payload.classification,
        page_count=payload.page_count,
    )
    return Status(
        201, {"point": presenters.point_reference(attachment.point), **presenters.attachment_json(attachment)}
    )


@router.post(
    "/bodies/{slug:prefix}/meetings/{int:meeting}/points/{regno:point}/corrections",
    response={201: PointVersionOut, **problems(404, 409, 422)},
    operation_id="correct_point",
    tags=["meetings"],
)
def correct_point(request, prefix: str, meeting: int, point: str, payload: CorrectionIn):
    """Correct a point of a signed protocol (the body's secretary): its next version, with the reason."""
    version = services.correct_point(
        request.auth,
        _body(prefix),
        meeting,
        point,
        title=payload.title,
        decision=payload.decision,
        reason=payload.reason,
    )
    return Status(201, presenters.version_json(version.point, version))


@router.post(
    "/bodies/{slug:prefix}/meetings/{int:meeting}/points/{regno:point}/extract",
    response={201: ExtractOut, **problems(404, 409, 422)},
    operation_id="make_extract",
    tags=["meetings"],
)
def make_extract(request, prefix: str, meeting: int, point: str, payload: ExtractIn | None = None):
    """Register the extract of a point of a signed protocol (the body's secretary), addressed as the decision
    says; marked by default as the point and the papers it carries."""
    payload = payload or ExtractIn()
    document = services.make_extract(
        request.auth,
        _body(prefix),
        meeting,
        point,
        classification=payload.classification,
        signatory=payload.signatory,
        page_count=payload.page_count,
    )
    return Status(201, presenters.extract_json(document))
