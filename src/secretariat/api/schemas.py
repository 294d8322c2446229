"""The shapes the API reads and writes: the presenters' JSON, typed for the OpenAPI schema."""

import datetime as dt
from typing import Annotated, Literal

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import AfterValidator

from secretariat.accounts.selectors import addressees_by_name, unit_by_code
from secretariat.kernel.classification import Classification
from secretariat.kernel.numbers import REGISTRATION_NUMBER
from secretariat.kernel.principals import Role

# What the API takes as text, as kernel/texts.py (docs/texts.md) checks every text saved, on both engines: a
# one-line field holds no control character, tab or line break; a body (a report's text) keeps tabs and
# line breaks (CR and FF are filed as LF) and holds no other control character. Neither holds NUL, which
# PostgreSQL's text cannot hold. A lone surrogate is not valid JSON here (400).
_LINE_CHAR = r"[^\x00-\x1f\x7f-\x9f\u2028\u2029]"
_BODY_CHAR = r"[^\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]"
ONE_LINE = rf"^{_LINE_CHAR}*$"
Text = Annotated[str, Field(pattern=ONE_LINE)]
DocumentKind = Literal["extract", "draft", "cable", "report", "announcement", "note"]
# Text that is not blank: a character other than white space (as Python's str.strip() sees it, so the
# class lists what it strips beyond `\s`). The services strip what they are given and refuse it empty; here
# the document says so first.
LINE_FILLED = rf"^{_LINE_CHAR}*[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]{_LINE_CHAR}*$"
BODY_FILLED = rf"^{_BODY_CHAR}*[^\s\x00-\x1f\x7f-\x9f]{_BODY_CHAR}*$"
# The next five patterns are the document's alone: what to send. The services check what they are given (a
# 422 invalid-input that says what is wrong) and take a little more: a marking written "ts" or "top_secret", a
# blank's value with a line break at either end, which they strip.
# A marking as the registry writes it: a level, then any compartments, each after //; a clearance is a level, a
# compartment is named by its code.
CLASSIFICATION = r"^(UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|U|C|S|TS)(//[A-Z][A-Z0-9 -]{0,39})*$"
LEVEL = r"^(UNCLASSIFIED|CONFIDENTIAL|SECRET|TOP SECRET|U|C|S|TS)$"
COMPARTMENT = r"^[A-Z][A-Z0-9 -]{0,39}$"
# An announcement's blank is named as in its text ({{day}}) and filled with one line of text, neither blank
# nor holding a brace (releases.services.FIELD_VALUE, on the value stripped), at most 200 characters.
BLANK_NAME = r"^[a-z][a-z0-9_]*$"
BLANK_VALUE = (
    r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029{}]*"
    r"[^\s\x00-\x1f\x7f-\x9f\u2028\u2029{}]"
    r"[^\x00-\x1f\x7f-\x9f\u2028\u2029{}]*$"
)  # one line as ONE_LINE (no control character, which the value's `Text` refuses too), not blank, no brace
# A body that may be empty (a document's text, an attachment's): tabs and line breaks, no other control character.
BODY = rf"^{_BODY_CHAR}*$"
# What names things in the registry, as the services check them (kernel/numbers.py, accounts, decisions): a
# registration number (P46/X, CASE-2), a point as the body writes it (X, 12, 45/III), a body's prefix (P), a
# principal's username, a unit's or post's code, and an addressee (a username, or unit:CODE).
NUMBER = REGISTRATION_NUMBER.pattern
BODY_PREFIX = r"^[A-Z][A-Z0-9]{0,7}$"
USERNAME = r"^[\w.@+-]+$"
UNIT_CODE = r"^[a-z0-9][a-z0-9-]{0,59}$"
ADDRESSEE = r"^(unit:[a-z0-9][a-z0-9-]{0,59}|[\w.@+-]{1,150})$"
# The largest number a database integer column holds (PostgreSQL's integer): a meeting's number, a page count.
INT_MAX = 2_147_483_647
# What a value that does not match one of these patterns is told.
PATTERN_MEANING = {
    ONE_LINE: "must be one line, without control characters",
    LINE_FILLED: "must not be blank, and be one line without control characters",
    BODY_FILLED: "must not be blank, nor hold control characters other than tabs and line breaks",
    BODY: "must not hold control characters other than tabs and line breaks",
    NUMBER: "must be a registration number: capital letters, digits, '.' and '-', parts joined by '/', e.g. P46/X",
    BODY_PREFIX: "must be a body's prefix: a capital Latin letter, then up to 7 capital letters or digits, e.g. P",
    USERNAME: "must be a username: letters, digits and . @ + - _",
    UNIT_CODE: "must be a unit's code: lowercase letters, digits and hyphens",
    ADDRESSEE: "must be a username, or unit:CODE for a unit or post",
}

Line = Annotated[str, Field(pattern=LINE_FILLED)]  # not blank, one line
Number = Annotated[str, Field(pattern=NUMBER, max_length=60, examples=["P46/X"])]
Username = Annotated[str, Field(pattern=USERNAME, max_length=150, examples=["gromyko"])]
UnitCode = Annotated[str, Field(pattern=UNIT_CODE, max_length=60, examples=["cc-gd-1"])]
AddresseeName = Annotated[str, Field(pattern=ADDRESSEE, max_length=150, examples=["gromyko", "unit:washington"])]


def _marking(value: str) -> Classification:
    return Classification.parse(value)  # a ValueError is the field's fault: 422 invalid-request


# A marking, taken as a Classification: the document shows CLASSIFICATION, what to send; the parser takes a little
# more ("ts", "top_secret"), and an unknown compartment is the registry's to say (422 invalid-input).
Marking = Annotated[
    str,
    Field(
        pattern=ONE_LINE,
        max_length=1000,
        json_schema_extra={"pattern": CLASSIFICATION},
        examples=["TOP SECRET", "SECRET//SPECIAL FILE"],
    ),
    AfterValidator(_marking),
]
PageCount = Annotated[int, Field(ge=1, le=INT_MAX, description="how many pages (sheets)")]


class Paging(Schema):
    """Every list is paged: `limit` rows (1 to 500, by default 50) from `offset` (0 first), in an order that
    does not change between requests (the list's own, then the rows' ids). The answer stays a JSON list: a
    page shorter than `limit` is the last."""

    limit: int = Field(50, ge=1, le=500, description="at most this many rows (1 to 500)")
    offset: int = Field(0, ge=0, le=INT_MAX, description="skip this many rows first")

    def of(self, rows):
        """This page of `rows` (a queryset, ordered to the last tie by its primary key, or a list)."""
        if isinstance(rows, QuerySet):
            order = list(rows.query.order_by or rows.model._meta.ordering)
            if not order or order[-1].lstrip("-") not in ("pk", "id"):
                rows = rows.order_by(*order, "pk")
        return rows[self.offset : self.offset + self.limit]


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


class PassagePartOut(Schema):
    text: str
    match: bool = Field(description="one of the words searched for, in the form the paper has it")


class FoundOut(DocumentOut):
    """A paper staff search found: its register entry and the passage its words stand in."""

    passage: list[PassagePartOut]


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
    username: str = Field(pattern=USERNAME, max_length=150)
    clearance: Text = Field(
        default="UNCLASSIFIED",
        max_length=40,
        description="UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET",
        json_schema_extra={"pattern": LEVEL},
    )
    compartments: list[Annotated[Text, Field(json_schema_extra={"pattern": COMPARTMENT})]] = Field(
        default=[], max_length=20, description="codes of compartments that exist, e.g. SPECIAL FILE"
    )
    roles: list[Literal[tuple(Role.values)]] = Field(default=[], max_length=20)
    unit: UnitCode | None = Field(default=None, description="the code of a unit or post that exists")
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


# The registry's operations (api/operations/registry.py)


class RegisterIn(Schema):
    """A paper entered in the register by hand (`secretariat document register`): its number, or the next of
    `series`; its title and text; its marking; who it goes to."""

    number: Number | None = Field(None, description="e.g. P46/X; omitted: the next of `series`")
    series: str = Field(
        "R", pattern=NUMBER, max_length=20, description="the prefix of the numbers the registry allocates: R-1, R-2…"
    )
    title: Line = Field(max_length=500)
    classification: Marking
    kind: DocumentKind = "note"
    text: str = Field("", pattern=BODY, max_length=1_000_000, description="the body text (version 1)")
    dated: dt.date = Field(description="the paper's date")
    page_count: PageCount = 1
    author_unit: UnitCode | None = Field(None, description="the code of the unit that wrote it")
    signatory: Text = Field("", max_length=200, description="who signed it, as the paper says")
    return_days: int | None = Field(None, ge=1, le=3650, description="days a copy may be out (default 7)")
    return_to: UnitCode | None = Field(None, description="the code of the unit copies go back to")
    distribution: list[AddresseeName] = Field(
        [], max_length=500, json_schema_extra={"uniqueItems": True}, description="usernames, or unit:CODE"
    )

    def registration(self) -> dict:
        """The fields as `register_document` (and a body's `register_body_paper`) take them: units and
        addressees looked up by name (an unknown one: 422 invalid-input)."""
        return {
            "number": self.number,
            "series": self.series,
            "title": self.title,
            "classification": self.classification,
            "kind": self.kind,
            "text": self.text,
            "dated": self.dated,
            "page_count": self.page_count,
            "author_unit": unit_by_code(self.author_unit) if self.author_unit else None,
            "signatory": self.signatory,
            "return_days": self.return_days,
            "return_to": unit_by_code(self.return_to) if self.return_to else None,
            "distribution": addressees_by_name(self.distribution),
        }


class AddresseesIn(Schema):
    addressees: list[AddresseeName] = Field(
        min_length=1, max_length=500, json_schema_extra={"uniqueItems": True}, description="usernames, or unit:CODE"
    )


class DistributionEntryOut(Schema):
    document: str
    position: int
    addressee: str = Field(description="a username, or unit:CODE")


class DestructionIn(Schema):
    certificate: Line = Field(max_length=300, description="the destruction certificate or record number")


class LossIn(Schema):
    circumstances: str = Field(pattern=BODY_FILLED, max_length=20_000, description="how the copy was lost")


class IncidentOut(Schema):
    """A loss reported: the incident and the copy, lost from now on."""

    id: int
    kind: str
    reported_at: str
    reported_by: str
    circumstances: str
    copy_of: CopyOut = Field(alias="copy")


class VersionIn(Schema):
    text: str = Field(pattern=BODY, max_length=1_000_000, description="the new text, whole")
    note: Text = Field("", max_length=300, description="what changed")


class VersionOut(Schema):
    document: str
    version: int
    note: str
    created_at: str
    created_by: str


class AttachmentIn(Schema):
    """An attachment's fields (multipart/form-data, beside its optional `file`)."""

    title: Line = Field(max_length=500)
    classification: Marking
    text: str = Field("", pattern=BODY, max_length=1_000_000, description="its text, if it has one")
    page_count: PageCount = 1


class AttachmentAddedOut(Schema):
    document: str
    position: int
    title: str
    classification: str
    page_count: int
    file: str | None = Field(description="the stored file's name, if a file was sent")
    size: int | None = Field(description="the stored file's size in bytes")


# The decisions desk's operations (api/operations/decisions.py)


class BodyIn(Schema):
    name: Line = Field(max_length=200)
    prefix: str = Field(pattern=BODY_PREFIX, max_length=8, description="registration prefix of its extracts: P46/X")
    return_days: int = Field(7, ge=1, le=3650, description="days its papers may be out")
    registry_unit: UnitCode | None = Field(None, description="the code of the unit its papers go back to")
    motto: Text = Field("", max_length=200, description="the line above the letterhead")
    letterhead: Text = Field("", max_length=300)
    salutation: Text = Field("", max_length=40, description="how its papers address people, e.g. comrades")


class BodyOut(Schema):
    name: str
    prefix: str
    return_days: int
    registry_unit: str | None
    secretary: str | None
    members: list[str]
    motto: str
    letterhead: str
    salutation: str


class MembersIn(Schema):
    members: list[Username] = Field(min_length=1, max_length=500, json_schema_extra={"uniqueItems": True})


class SecretaryIn(Schema):
    secretary: Username


class MeetingIn(Schema):
    number: int = Field(ge=1, le=INT_MAX, description="the meeting's (protocol's) number")
    held_on: dt.date = Field(description="the day it was held")


class MeetingOut(Schema):
    body: str
    prefix: str
    number: int
    held_on: str
    recorded_at: str
    recorded_by: str
    signed_at: str | None
    signed_by: str | None


class PointIn(Schema):
    identifier: str = Field(
        pattern=NUMBER, max_length=20, description="the point as the body writes it, e.g. X, 12 or 45/III"
    )
    title: Line = Field(max_length=500)
    decision: str = Field(pattern=BODY_FILLED, max_length=100_000)
    classification: Marking
    addressees: list[AddresseeName] = Field(
        [], max_length=500, json_schema_extra={"uniqueItems": True}, description="who the decision goes to"
    )
    approver: Username | None = Field(None, description="who approves its drafts (default: the secretary)")


class PointAttachmentOut(Schema):
    position: int
    title: str
    classification: str
    page_count: int
    text: str


class PointOut(Schema):
    """A point; its title, decision and attachments only for those who may read them."""

    reference: str = Field(description="BODY/MEETING/POINT, e.g. P/46/X")
    identifier: str
    position: int
    classification: str
    version: int
    addressees: list[str]
    approver: str | None
    title: str | None = None
    decision: str | None = None
    correction_reason: str | None = None
    attachments: list[PointAttachmentOut] | None = None


class ProtocolOut(MeetingOut):
    """A protocol and the points you may read (or, with `register=true`, see in the register: no content)."""

    points: list[PointOut]


class PointAttachmentIn(Schema):
    title: Line = Field(max_length=500)
    text: str = Field(pattern=BODY_FILLED, max_length=1_000_000)
    classification: Marking
    page_count: PageCount = 1


class PointAttachmentAddedOut(PointAttachmentOut):
    point: str = Field(description="BODY/MEETING/POINT, e.g. P/46/X")


class CorrectionIn(Schema):
    title: Line = Field(max_length=500)
    decision: str = Field(pattern=BODY_FILLED, max_length=100_000)
    reason: Line = Field(max_length=300)


class PointVersionOut(Schema):
    reference: str
    version: int
    title: str
    decision: str
    reason: str | None
    created_at: str
    created_by: str


class ExtractIn(Schema):
    classification: Marking | None = Field(None, description="default: the point's, joined with its attachments'")
    signatory: Text = Field("", max_length=200, description="default: SECRETARY OF THE <BODY>")
    page_count: PageCount = 1


class ExtractOut(DocumentOut):
    point: str
    point_version: int
    signatory: str
    distribution: list[str]


# The cases desk's operations (api/operations/cases.py)


class CaseIn(Schema):
    title: Line = Field(max_length=500)
    documents: list[Number] = Field(
        [], max_length=500, json_schema_extra={"uniqueItems": True}, description="registration numbers"
    )
    number: Number | None = Field(None, description="a number of your own; omitted: the next CASE-n")


class CaseDocumentsIn(Schema):
    documents: list[Number] = Field(
        min_length=1, max_length=500, json_schema_extra={"uniqueItems": True}, description="registration numbers"
    )


class ImportIn(Schema):
    """A batch to import (multipart/form-data, beside its `files`): transcriptions (.txt files, or one ZIP of
    them; archivist), register entries (one CSV; registrar) or a finding aid (one EAD 2002 .xml; archivist)."""

    kind: Literal["transcriptions", "register", "ead"]
    into: str = Field(
        "",
        pattern=ONE_LINE,
        max_length=200,
        description="transcriptions: repository/fond[/opis[/delo]] for them all; a finding aid: the repository "
        "(TsKhSD) or unit (TsKhSD/89) its top description goes into",
    )
    classification: Marking | None = Field(
        None, description="transcriptions: where a file's marking cannot be read; a finding aid: its items' marking"
    )


class ImportRefusalOut(Schema):
    key: str
    reason: str


class ImportOut(Schema):
    id: int
    kind: str
    state: Literal["queued", "running", "finished", "failed"]
    source: str
    queued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    total: int | None
    processed: int
    imported: int
    skipped: int
    refused: list[ImportRefusalOut]
    error: str
    resumable: bool


class ScanIn(Schema):
    """A scan's fields (multipart/form-data, beside its `file`)."""

    title: Text = Field("", max_length=500, description="the attachment's title; the file's name if empty")
    classification: Marking | None = Field(None, description="the attachment's marking; the paper's if not given")


class ScanPageOut(Schema):
    number: int
    width: int
    height: int
    dpi: int
    words: int
    image: str
    thumbnail: str


class ScanOut(Schema):
    id: int
    name: str
    document: str | None
    attachment: int | None
    content_type: str
    size: int
    sha256: str
    page_count: int
    state: Literal["queued", "reading", "read", "failed"]
    pages_read: int
    error: str
    uploaded_at: dt.datetime
    read_at: dt.datetime | None
    rereadable: bool
    pages: list[ScanPageOut]
    text: str | None = None
