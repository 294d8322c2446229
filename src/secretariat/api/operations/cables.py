"""The cables desk's operations over HTTP: draft, approve and send a cable; open and cancel controls.

(Acknowledging a cable and filing a report are in api/api.py.) Each handler calls one service; the names
the request gives (a post's code, a point's reference, a person) are looked up as the command line does.
"""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime

from secretariat.accounts.selectors import addressees_by_name, unit_by_code
from secretariat.api.problems import problems
from secretariat.api.schemas import BODY_FILLED, CLASSIFICATION, LINE_FILLED, CableOut, ControlOut, Text
from secretariat.cables import presenters, selectors, services
from secretariat.cables.models import Cable
from secretariat.cables.services import Part
from secretariat.decisions.selectors import body_by_name, point_by_reference
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput

router = Router(tags=["cables"])

# A part's label, a handling caption: letters (Latin, Cyrillic), digits, spaces, '.' and '-', which the desk
# writes in capitals (their capitals are as long as they are).
CAPTION = r"^[0-9A-Za-zА-Яа-яЁё .-]*$"
# The decision a cable carries out: the body's name or prefix, the meeting's number, the point (P/46/X).
POINT_REFERENCE = r"^[^/\x00-\x1f\x7f-\x9f\u2028\u2029]*[^\s/\x00-\x1f\x7f-\x9f\u2028\u2029][^/\x00-\x1f\x7f-\x9f\u2028\u2029]*/[0-9]{1,9}/[0-9A-Za-z]{1,20}$"  # noqa: E501
# Who carries a control out: a username, or unit:CODE for a unit or post.
ADDRESSEE = r"^(unit:)?[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]{1,150}$"


class PartIn(Schema):
    """A numbered part of the cable ("FIRST"; an empty label continues the part before), and the guidance
    that follows it, for the action post and the originators alone."""

    label: str = Field("", max_length=40, pattern=CAPTION)
    text: str = Field(pattern=BODY_FILLED, max_length=1_000_000)
    guidance: str | None = Field(None, pattern=BODY_FILLED, max_length=1_000_000)


class ReportRequirementIn(Schema):
    requirement: str = Field(pattern=LINE_FILLED, max_length=300, description='e.g. "Wire when you have done it."')
    days: int | None = Field(None, ge=1, le=3650, description="days the post has to report; by default 7")


class DraftCableIn(Schema):
    subject: str = Field(pattern=LINE_FILLED, max_length=500)
    classification: Text = Field(
        description="e.g. SECRET or TOP SECRET//SPECIAL FILE", json_schema_extra={"pattern": CLASSIFICATION}
    )
    to: str = Field(pattern=LINE_FILLED, max_length=60, description="the code of the action post")
    info: list[Annotated[str, Field(pattern=LINE_FILLED, max_length=60)]] = Field(
        [], max_length=50, description="codes of info posts", json_schema_extra={"uniqueItems": True}
    )
    parts: list[PartIn] = Field(min_length=1, max_length=100, description="the cable's parts in order")
    addressee_line: Text = Field("", max_length=200, description='e.g. "TO THE SOVIET AMBASSADOR"')
    handling: list[Annotated[str, Field(pattern=CAPTION, max_length=40)]] = Field([], max_length=10)
    references: list[Annotated[Text, Field(max_length=200)]] = Field([], max_length=20)
    point: str | None = Field(None, pattern=POINT_REFERENCE, description="the decision it carries out: P/46/X")
    precedence: Literal[tuple(Cable.Precedence.values)] = Cable.Precedence.ROUTINE
    report: ReportRequirementIn | None = Field(None, description="what the post reports, and within how long")
    dated: dt.date | None = Field(None, description="by default today")


class ApproveIn(Schema):
    point: str = Field(pattern=POINT_REFERENCE, description="the decision it carries out: P/46/X")


class InstructIn(Schema):
    assignee: str = Field(pattern=ADDRESSEE, description="a username, or unit:CODE, on the extract's distribution")
    task: str = Field(pattern=BODY_FILLED, max_length=2_000)
    due_at: AwareDatetime = Field(description="when the report is due (in the future), with its UTC offset")


class CancelIn(Schema):
    reason: str = Field(pattern=LINE_FILLED, max_length=300)


def _classification(value: str) -> Classification:
    try:
        return Classification.parse(value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _parts(parts: list[PartIn]) -> list[Part]:
    """The parts in order, each part's guidance right after it."""
    return [
        each
        for p in parts
        for each in [Part(p.label, p.text), *([Part("", p.guidance, guidance=True)] if p.guidance else [])]
    ]


def _point(by, reference: str):
    body, meeting, identifier = reference.rsplit("/", 2)
    return point_by_reference(by, body_by_name(body), int(meeting), identifier)


@router.post(
    "/cables/drafts",
    response={201: CableOut, **problems(404, 409, 422)},
    operation_id="draft_cable",
)
def draft_cable(request, payload: DraftCableIn):
    """Draft a cable from your unit to a post; nobody outside the drafting side reads it until it is sent."""
    by = request.auth
    document = services.draft_cable(
        by,
        subject=payload.subject,
        classification=_classification(payload.classification),
        action_post=unit_by_code(payload.to),
        parts=_parts(payload.parts),
        dated=payload.dated,
        info_posts=[unit_by_code(code) for code in payload.info],
        addressee_line=payload.addressee_line,
        handling=payload.handling,
        precedence=payload.precedence,
        references=payload.references,
        point=_point(by, payload.point) if payload.point else None,
        report_requirement=payload.report.requirement if payload.report else "",
        report_days=payload.report.days if payload.report else None,
    )
    return Status(201, presenters.cable_json(document.cable))


@router.post(
    "/cables/{regno:number}/approve",
    response={200: CableOut, **problems(404, 409, 422)},
    operation_id="approve_cable",
)
def approve_cable(request, number: str, payload: ApproveIn):
    """Approve a draft under the decision it carries out (whoever the decision names, else the body's secretary)."""
    return presenters.cable_json(services.approve_cable(request.auth, number, _point(request.auth, payload.point)))


@router.post(
    "/cables/{regno:number}/send",
    response={200: CableOut, **problems(404, 409)},
    operation_id="send_cable",
)
def send_cable(request, number: str):
    """Send an approved cable (its sending unit): the posts are addressed and its report requirement opens a control."""
    return presenters.cable_json(services.send_cable(request.auth, number))


@router.post(
    "/extracts/{regno:number}/controls",
    response={201: ControlOut, **problems(404, 409, 422)},
    operation_id="instruct",
    tags=["controls"],
)
def instruct(request, number: str, payload: InstructIn):
    """Open a control from a decision, on its extract (the body's secretary), on someone on its distribution."""
    by = request.auth
    (assignee,) = addressees_by_name([payload.assignee])
    control = services.instruct(by, number, assignee=assignee, task=payload.task, due_at=payload.due_at)
    return Status(201, _control_json(by, control.pk))


@router.post(
    "/controls/{int:control_id}/cancel",
    response={200: ControlOut, **problems(404, 409, 422)},
    operation_id="cancel_control",
    tags=["controls"],
)
def cancel_control(request, control_id: int, payload: CancelIn):
    """Cancel a control you opened, saying why."""
    control = services.cancel_control(request.auth, control_id, payload.reason)
    return _control_json(request.auth, control.pk)


def _control_json(by, control_id: int) -> dict:
    """The control as the desk lists it: its task only for who may read it (an audited read when classified)."""
    (control,) = selectors.read_controls(by, [selectors.control(by, control_id)])
    return presenters.control_json(control, clock.now())
