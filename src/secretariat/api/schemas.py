"""The shapes the API reads and writes: the presenters' JSON, typed for the OpenAPI schema."""

from typing import Annotated, Literal

from ninja import Field, Schema

# What the API takes as text, as kernel/texts.py (docs/texts.md) checks every text saved, on both engines: a
# one-line field holds no control character, tab or line break; a body (a report's text) keeps tabs and
# line breaks (CR and FF are filed as LF) and holds no other control character. Neither holds NUL, which
# PostgreSQL's text cannot hold. A lone surrogate is not valid JSON here (400).
_LINE_CHAR = r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]"
_BODY_CHAR = r"[^\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]"
ONE_LINE = rf"^{_LINE_CHAR}*$"
Text = Annotated[str, Field(pattern=ONE_LINE)]
# Text that is not blank: a character other than white space (as Python's str.strip() sees it, so the
# class lists what it strips beyond `\s`). The services strip what they are given and refuse it empty; here
# the document says so first.
LINE_FILLED = rf"^{_LINE_CHAR}*[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]{_LINE_CHAR}*$"
BODY_FILLED = rf"^{_BODY_CHAR}*[^\s\x00-\x1f\x7f-\x9f]{_BODY_CHAR}*$"
# The next three patterns are the document's alone: what to send. The services check what they are given (a
# 422 invalid-input that says what is wrong) and take a little more: a marking written "ts" or "top_secret", a
# blank's value with a line break at either end, which they strip.
# A marking as the registry writes it: a level, then any compartments, each after //.
CLASSIFICATION = r"^(UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|U|C|S|TS)(//[A-Z][A-Z0-9 -]{0,39})*$"
# An announcement's blank is named as in its text ({{day}}) and filled with one line of text, neither blank
# nor holding a brace (releases.services.FIELD_VALUE, on the value stripped), at most 200 characters.
BLANK_NAME = r"^[a-z][a-z0-9_]*$"
BLANK_VALUE = (
    r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029{}]*"
    r"[^\s\x00-\x1f\x7f-\x9f\u2028\u2029{}]"
    r"[^\x00-\x1f\x7f-\x9f\u2028\u2029{}]*$"
)  # one line as ONE_LINE (no control character, which the value's `Text` refuses too), not blank, no brace
# What a value that does not match one of these patterns is told.
PATTERN_MEANING = {
    ONE_LINE: "must be one line, without control characters",
    LINE_FILLED: "must not be blank, and be one line without control characters",
    BODY_FILLED: "must not be blank, nor hold control characters other than tabs and line breaks",
}

PROBLEM_TYPE = Literal[
    "urn:secretariat:problem:malformed-request",
    "urn:secretariat:problem:unauthenticated",
    "urn:secretariat:problem:not-found",
    "urn:secretariat:problem:refused",
    "urn:secretariat:problem:invalid-input",
    "urn:secretariat:problem:invalid-request",
    "about:blank",
]


class FieldError(Schema):
    """What is wrong with one part of the request: where (`["body", "payload", "name"]`) and what."""

    loc: list[str]
    msg: str


class Problem(Schema):
    """RFC 9457 problem details, the one shape of every error (`application/problem+json`): `detail` is
    the message meant for the person who asked; `errors`, only in an invalid-request problem, says what
    is wrong with each field."""

    type: PROBLEM_TYPE = Field(description="the kind of problem; its status and title follow from it")
    title: str
    status: int
    detail: str
    instance: str = Field(description="the path of the request that met the problem")
    errors: list[FieldError] = Field(default_factory=list, description="invalid-request only: each field's fault")


class DocumentOut(Schema):
    """A register entry: metadata only, never the title or the text."""

    number: str
    classification: str
    initial_classification: str
    kind: str
    dated: str
    page_count: int
    copies_made: int
    return_instruction: str
    registered_at: str


class AttachmentOut(Schema):
    position: int
    title: str
    classification: str
    text: str


class CablePartOut(Schema):
    label: str
    text: str
    guidance: bool


class ReadingOut(DocumentOut):
    """A document's content, as its reader may see it (an audited read)."""

    title: str
    signatory: str
    version: int
    text: str
    attachments: list[AttachmentOut]
    parts: list[CablePartOut] | None = None


class CopyOut(Schema):
    document: str
    copy_number: int = Field(alias="copy")
    of: int
    holder: str
    holder_name: str
    status: str | None
    issued_at: str
    receipt_confirmed_at: str | None
    due_at: str
    returned_at: str | None
    destroyed_at: str | None
    lost_at: str | None
    overdue: bool


class IssueIn(Schema):
    """To whom to issue copies (usernames); without it, everyone on the distribution without one."""

    holders: list[Text] | None = Field(None, min_length=1, json_schema_extra={"uniqueItems": True})


class ControlOut(Schema):
    id: int
    document: str
    point: str | None
    task: str | None
    assignee: str
    status: str
    overdue: bool
    opened_at: str
    opened_by: str
    due_at: str
    acknowledged_at: str | None
    done_at: str | None
    report: str | None
    escalated_at: str | None
    cancelled_reason: str | None


class CableOut(Schema):
    """A cable's register side: state, addressees, dates."""

    number: str
    classification: str
    captions: list[str]
    state: str
    precedence: str
    sender: str
    action: str
    info: list[str]
    point: str | None
    in_reply_to: str | None
    report_days: int | None
    dtg: str | None
    dated: str
    drafted_at: str | None
    drafted_by: str | None
    approved_at: str | None
    approved_by: str | None
    approval_point: str | None
    sent_at: str | None
    sent_by: str | None
    received_at: str | None
    received_by: str | None
    reported_at: str | None


class ReportIn(Schema):
    text: str = Field(pattern=BODY_FILLED, max_length=1_000_000)
    control: int | None = Field(None, description="the control the report closes; needed when several are open")
    title: Text = Field("", max_length=500, description="by default: Report on No <number>: <the task>")
    classification: Text | None = Field(
        None,
        description="e.g. SECRET or TOP SECRET//SPECIAL FILE; by default the paper's own",
        json_schema_extra={"pattern": CLASSIFICATION},
    )


class ReportOut(DocumentOut):
    references: str


class ReleaseOut(Schema):
    number: str
    channel: str
    title: str
    text: str
    values: dict[str, str]
    released_at: str


class PublishedOut(ReleaseOut):
    template: int
    cable: str
    reviewer: str


class PublishIn(Schema):
    """The announcement's blanks filled: each `{{name}}` of its text with one line of 1 to 200 characters."""

    values: dict[str, Text] = Field(
        {},
        json_schema_extra={
            "patternProperties": {BLANK_NAME: {"type": "string", "pattern": BLANK_VALUE, "maxLength": 200}},
            "additionalProperties": False,
        },
    )


class CaseDocumentOut(DocumentOut):
    added_at: str


class CaseOut(Schema):
    number: str
    title: str
    opened_at: str
    opened_by: str
    closed_at: str | None
    closed_by: str | None
    documents: list[CaseDocumentOut]


class CaseDetailOut(CaseOut):
    still_missing: list[str]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    principal: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class TokenIssuedOut(TokenOut):
    """The new token with its secret, shown this once and never again."""

    token: str


class TokenIn(Schema):
    name: str = Field(pattern=LINE_FILLED, max_length=100, description="what the token is for, to tell it apart")


class TemplateOut(Schema):
    """A prepared announcement, before release: content (an audited read when classified)."""

    id: int
    cable: str
    channel: str
    classification: str
    title: str
    text: str
    fields: list[str]
    prepared_at: str
    prepared_by: str
    released: str | None


class AccessRequestOut(Schema):
    """A request for access: asked by an administrator, in effect once a second officer approves."""

    id: int
    kind: str = Field(description="add, clearance, roles or reset")
    what: str
    username: str
    change: dict = Field(description="what is asked: clearance, compartments, roles, unit, names")
    asked: str = Field(description="what is asked, in words")
    state: str = Field(description="pending, approved or rejected")
    requested_by: str
    requested_at: str
    decided_by: str | None
    decided_at: str | None
    reason: str


class PrincipalRequestIn(Schema):
    username: str = Field(pattern=r"^[\w.@+-]+$", max_length=150)
    clearance: str = Field(
        default="UNCLASSIFIED", max_length=40, description="UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET"
    )
    compartments: list[Text] = Field(default=[], max_length=20)
    roles: list[Text] = Field(default=[], max_length=20)
    unit: Text | None = Field(default=None, max_length=60)
    first_name: Text = Field(default="", max_length=150)
    last_name: Text = Field(default="", max_length=150)
    email: Text = Field(default="", max_length=254)


class RejectIn(Schema):
    reason: str = Field(pattern=LINE_FILLED, max_length=500)


class ActivationOut(Schema):
    """The one-time code for the person, shown in this response only: hand it over in person."""

    username: str
    roles: list[str]
    activation_code: str
    expires_at: str


class PrincipalOut(Schema):
    username: str
    name: str
    clearance: str
    roles: list[str]
    unit: str | None
    active: bool


class ApprovedOut(Schema):
    request: AccessRequestOut
    principal: PrincipalOut
    activation: ActivationOut | None
