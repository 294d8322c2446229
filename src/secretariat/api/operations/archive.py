"""The archive desk's operations over HTTP: repositories and units, transfer of closed case files, fixity,
declassification (instructions, events, reviews with redactions), the reading room (publish, withdraw), the
import of transcriptions, and an item as the archive holds it.

An item is named in the path by its public identifier (tskhsd-89-25-44: its repository, units and number
joined by '-', which no part holds), the archive's reference TsKhSD/89/25/44 with '-' for '/'.
"""

import datetime as dt
import re
from typing import Annotated, Literal

from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from secretariat.api.problems import problems
from secretariat.api.schemas import BODY_FILLED, CLASSIFICATION, LINE_FILLED, Paging, Text
from secretariat.archive import presenters, selectors, services
from secretariat.archive.models import Redaction
from secretariat.archive.scan_pages import DrawnBox
from secretariat.archive.services import Span
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound
from secretariat.kernel.restriction import Action

router = Router(tags=["archive"])

# What archive.services takes: a repository's code (letters and digits), a unit's or an item's identifier (up to
# 30 letters, digits and '.', no '-'), and a unit as repository/fond[/opis[/delo]].
REPOSITORY = r"[A-Za-z][A-Za-z0-9]{0,29}"
IDENTIFIER = r"[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё.]{0,29}"
UNIT = rf"^{REPOSITORY}(/{IDENTIFIER}){{1,3}}$"
SERIES_OR_FILE = rf"^{REPOSITORY}(/{IDENTIFIER}){{2,3}}$"
PUBLIC_IDENTIFIER = re.compile(rf"{REPOSITORY}(-{IDENTIFIER}){{2,4}}")
NOTE = r"^[^\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]*$"  # a body, blank or not
REASONS = Literal[tuple(Redaction.Reason.values)]
LEVELS_BELOW_TOP = Literal["CONFIDENTIAL", "SECRET"]  # a downgrade: never to UNCLASSIFIED, always below the item's
PHRASE = Query(..., pattern=LINE_FILLED, max_length=1_000, description="the phrase to withhold, as written")
REASON = Query(..., description="why it is withheld")


def _reference(identifier: str) -> str:
    """TsKhSD/89/25/44 for tskhsd-89-25-44; a malformed identifier names no item."""
    if not PUBLIC_IDENTIFIER.fullmatch(identifier):
        raise NotFound(f"no archive item {identifier!r}")
    return identifier.replace("-", "/")


def _unit(value: str) -> dict[str, str]:
    parts = value.split("/")
    return dict(zip(["repository", "fond", "opis", "delo"], parts + [""] * (4 - len(parts)), strict=True))


# Shapes.


class RepositoryIn(Schema):
    code: str = Field(pattern=rf"^{REPOSITORY}$", description="how citations name it, e.g. TsKhSD")
    name: str = Field(pattern=LINE_FILLED, max_length=300)
    country_code: str = Field("RU", pattern=r"^[A-Z]{2}$", description="ISO 3166-1, e.g. RU")
    agency_code: Text = Field("", max_length=30, description="ISIL, if the archive has one")


class RepositoryOut(Schema):
    code: str
    name: str
    country_code: str
    agency_code: str


class ArchiveUnitIn(Schema):
    unit: str = Field(pattern=UNIT, description="repository/fond[/opis[/delo]], e.g. TsKhSD/89/25")
    title: str = Field(pattern=LINE_FILLED, max_length=500)


class ArchiveUnitOut(Schema):
    unit: str
    title: str


class TransferIn(Schema):
    case: str = Field(pattern=LINE_FILLED, max_length=100, description="the closed case file's number, e.g. CASE-1")
    unit: str = Field(pattern=SERIES_OR_FILE, description="repository/fond/opis[/delo], e.g. TsKhSD/89/25")
    first_item: int | None = Field(
        None, ge=1, le=999_999, description="number the items from here; else after the last"
    )
    review_after_years: int = Field(services.REVIEW_AFTER_YEARS, ge=0, le=100)


class ItemScanOut(Schema):
    """The item's scan: GET /scans/{id} shows its pages (the archivists')."""

    id: int
    state: Literal["queued", "reading", "read", "failed"]
    page_count: int
    pages_read: int
    error: str


class ItemOut(Schema):
    """An item's register side: where it lies, how it was marked, where its review stands."""

    reference: str
    identifier: str
    title: str
    number: str
    date: str | None
    creator: str
    sheets: str
    sheet_count: int | None
    marked: str
    marked_caveats: list[str]
    classification: str
    instruction: str
    review_on: str | None
    event: str
    event_occurred_on: str | None
    exemption: str
    declassified_at: str | None
    published_at: str | None
    source: str
    scan: ItemScanOut | None


class TransferOut(Schema):
    case: str
    unit: str
    bag: str
    payload_oxum: str
    tagmanifest_sha512: str
    received_at: str
    items: list[ItemOut]


class FixityIn(Schema):
    case: str | None = Field(None, pattern=LINE_FILLED, max_length=100, description="one case's bag; else every bag")


class FixityOut(Schema):
    case: str
    bag: str
    ok: bool
    problems: list[str]


class ByDate(Schema):
    kind: Literal["date"]
    review_on: dt.date


class AfterEvent(Schema):
    kind: Literal["event"]
    event: str = Field(pattern=LINE_FILLED, max_length=300, description="e.g. the end of the negotiations")


class Exempt(Schema):
    kind: Literal["exemption"]
    exemption: str = Field(pattern=LINE_FILLED, max_length=300, description="why it is exempt")
    review_on: dt.date = Field(description="when to look again")


class InstructionIn(Schema):
    instruction: Annotated[ByDate | AfterEvent | Exempt, Field(discriminator="kind")]


class EventIn(Schema):
    occurred_on: dt.date = Field(description="when the event happened (not after today)")


class SpanIn(Schema):
    """Characters [start, end) of the item's text, or of its annotation at that position, to withhold."""

    start: int = Field(ge=0)
    end: int = Field(ge=1)
    reason: REASONS
    annotation: int | None = Field(None, ge=1)


class Keep(Schema):
    outcome: Literal["keep"]
    next_review_on: dt.date = Field(description="after today")
    note: str = Field("", pattern=NOTE, max_length=2_000)


class Downgrade(Schema):
    outcome: Literal["downgrade"]
    level: LEVELS_BELOW_TOP
    next_review_on: dt.date = Field(description="after today")
    note: str = Field("", pattern=NOTE, max_length=2_000)


class Declassify(Schema):
    outcome: Literal["declassify"]
    note: str = Field("", pattern=NOTE, max_length=2_000)


class BoxIn(Schema):
    """A box to withhold on a page of the item's scan, in the page image's pixels (origin top left)."""

    page: int = Field(ge=1)
    x0: int = Field(ge=0)
    y0: int = Field(ge=0)
    x1: int = Field(ge=1)
    y1: int = Field(ge=1)
    reason: REASONS


class Redact(Schema):
    """Spans of the text (each also boxed wherever OCR found its phrase on the item's scan) and boxes drawn on
    the scan's pages; at least one of either."""

    outcome: Literal["redact"]
    redactions: list[SpanIn] = Field([], max_length=1_000)
    boxes: list[BoxIn] = Field([], max_length=1_000)
    note: str = Field("", pattern=NOTE, max_length=2_000)


class ReviewIn(Schema):
    decision: Annotated[Keep | Downgrade | Declassify | Redact, Field(discriminator="outcome")]


class RedactionOut(Schema):
    start: int
    end: int
    reason: str


class ReviewOut(Schema):
    item: str
    due_on: str
    decided_at: str | None
    reviewer: str | None
    outcome: str | None
    level_before: str
    level_after: str | None
    redactions: list[RedactionOut]
    note: str


class SpanOut(Schema):
    start: int
    end: int
    reason: str
    annotation: int | None


class WithdrawIn(Schema):
    reason: str = Field(pattern=LINE_FILLED, max_length=500)


class TranscriptionIn(Schema):
    text: str = Field(
        pattern=BODY_FILLED,
        max_length=services.MAX_TRANSCRIPTION_BYTES // 4,
        description="the transcribed paper, UTF-8 (at most 1 MiB)",
    )
    source: str = Field("api", pattern=LINE_FILLED, max_length=200, description="where it came from (a file name)")
    unit: str | None = Field(
        None, pattern=UNIT, description="repository/fond[/opis[/delo]]; by default its archival reference"
    )
    identifier: str | None = Field(None, pattern=rf"^{IDENTIFIER}$", description="its number in the unit")
    classification: Text | None = Field(
        None,
        description="its marking, where the text's cannot be read (UNCLASSIFIED if it never was classified)",
        json_schema_extra={"pattern": CLASSIFICATION},
    )


class AnnotationOut(Schema):
    kind: str
    text: str


class ItemReadingOut(ItemOut):
    """An item as the archive holds it (withheld spans included): an archivist's audited read."""

    text: str
    annotations: list[AnnotationOut]
    reviews: list[ReviewOut]


# Description and transfer.


@router.post(
    "/archive/repositories", response={201: RepositoryOut, **problems(409, 422)}, operation_id="add_repository"
)
def add_repository(request, payload: RepositoryIn):
    """Add a repository (an archive that holds fonds; an archivist)."""
    found = services.add_repository(
        request.auth, payload.code, payload.name, country_code=payload.country_code, agency_code=payload.agency_code
    )
    return Status(201, {f: getattr(found, f) for f in ("code", "name", "country_code", "agency_code")})


@router.post("/archive/units", response={200: ArchiveUnitOut, **problems(404, 409, 422)}, operation_id="describe_unit")
def describe_unit(request, payload: ArchiveUnitIn):
    """Title a fonds, series (opis) or file (delo), describing the levels above it where needed (an archivist)."""
    unit = services.describe_unit(request.auth, **_unit(payload.unit), title=payload.title)
    return {"unit": selectors.unit_reference(unit), "title": unit.title}


@router.post("/archive/transfers", response={201: TransferOut, **problems(404, 409, 422)}, operation_id="transfer_case")
def transfer_case(request, payload: TransferIn):
    """Receive a closed case file into a series or file, one item per paper, packed as a BagIt bag (an archivist)."""
    where = _unit(payload.unit)
    transfer = services.transfer_case(
        request.auth,
        payload.case,
        repository=where["repository"],
        fond=where["fond"],
        opis=where["opis"],
        delo=where["delo"],
        first_item=payload.first_item,
        review_after_years=payload.review_after_years,
    )
    items = selectors.items(request.auth).filter(transfer=transfer).order_by("id")
    return Status(201, presenters.transfer_json(transfer, list(items)))


@router.post("/archive/fixity", response={200: list[FixityOut], **problems(404, 409)}, operation_id="check_fixity")
def check_fixity(request, payload: FixityIn | None = None):
    """Check the bags' SHA-512 manifests (every bag, or one case's); each check is audited (an archivist)."""
    results = services.check_fixity(request.auth, payload.case if payload is not None else None)
    return [
        {"case": r.transfer.case.number, "bag": r.transfer.bag, "ok": r.ok, "problems": r.problems} for r in results
    ]


# Items.


@router.get("/archive/items", response=list[ItemOut], operation_id="list_items")
def list_items(request, paging: Query[Paging]):
    """The items you may see: an archivist's, and anyone's once published (their register side)."""
    return [presenters.item_json(i) for i in paging.of(selectors.items(request.auth).order_by("unit_id", "id"))]


@router.get("/archive/items/{identifier}", response={200: ItemReadingOut, **problems(404)}, operation_id="read_item")
def read_item(request, identifier: str):
    """An item as the archive holds it, withheld spans included, with its reviews: an archivist's audited read."""
    reading = selectors.read_item(request.auth, _reference(identifier))
    return presenters.item_json(reading.item) | {
        "text": reading.item.text,
        "annotations": [{"kind": a.kind, "text": a.text} for a in reading.annotations],
        "reviews": [presenters.review_json(r) for r in reading.reviews],
    }


@router.post("/archive/items", response={201: ItemOut, **problems(404, 409, 422)}, operation_id="import_transcription")
def import_transcription(request, payload: TranscriptionIn):
    """Import a transcribed paper as an item where its archival reference says (or `unit`), keeping its marking."""
    item = services.import_transcription(
        request.auth,
        payload.text,
        source=payload.source,
        identifier=payload.identifier,
        classification=_classification(payload.classification) if payload.classification else None,
        **({k: v or None for k, v in _unit(payload.unit).items()} if payload.unit else {}),
    )
    return Status(201, presenters.item_json(item))


@router.post(
    "/archive/items/{identifier}/instruction",
    response={200: ItemOut, **problems(404, 409, 422)},
    operation_id="set_instruction",
)
def set_instruction(request, identifier: str, payload: InstructionIn):
    """Say when a classified item is reviewed: on a date, after an event, or exempt until a date (an archivist)."""
    how = payload.instruction
    item = services.set_instruction(
        request.auth,
        _reference(identifier),
        kind=how.kind,
        review_on=getattr(how, "review_on", None),
        event=getattr(how, "event", ""),
        exemption=getattr(how, "exemption", ""),
    )
    return presenters.item_json(item)


@router.post(
    "/archive/items/{identifier}/event",
    response={200: ItemOut, **problems(404, 409, 422)},
    operation_id="record_event",
)
def record_event(request, identifier: str, payload: EventIn):
    """Record that the event an item waits for has happened: its review comes due (an archivist)."""
    return presenters.item_json(services.record_event(request.auth, _reference(identifier), payload.occurred_on))


@router.get(
    "/archive/items/{identifier}/phrase-redactions",
    response={200: list[SpanOut], **problems(404)},
    operation_id="phrase_redactions",
)
def phrase_redactions(
    request,
    identifier: str,
    paging: Query[Paging],
    phrase: str = PHRASE,
    reason: REASONS = REASON,
):
    """Every place a phrase stands in an item's text and annotations, as spans to withhold in a review (an
    archivist cleared for the item), in the text's order."""
    item = selectors.item(request.auth, _reference(identifier), Action.VIEW)
    return [vars(span) for span in paging.of(services.phrase_redactions(item, phrase, reason))]


@router.post(
    "/archive/items/{identifier}/review",
    response={200: ReviewOut, **problems(404, 409, 422)},
    operation_id="decide_review",
)
def decide_review(request, identifier: str, payload: ReviewIn):
    """Decide an item's pending review: keep, downgrade, declassify, or declassify with redactions (an archivist
    cleared for it)."""
    decision = payload.decision
    review = services.decide_review(
        request.auth,
        _reference(identifier),
        decision.outcome,
        level=getattr(decision, "level", None),
        redactions=[Span(s.start, s.end, s.reason, s.annotation) for s in getattr(decision, "redactions", [])],
        boxes=[DrawnBox(b.page, b.x0, b.y0, b.x1, b.y1, b.reason) for b in getattr(decision, "boxes", [])],
        note=decision.note,
        next_review_on=getattr(decision, "next_review_on", None),
    )
    return presenters.review_json(review)


@router.post(
    "/archive/items/{identifier}/scan",
    response={200: ItemOut, **problems(404, 409, 422)},
    operation_id="add_item_scan",
)
def add_item_scan(request, identifier: str, file: File[UploadedFile] = None):
    """The paper as scanned (PDF, TIFF, JPEG or PNG, every page; multipart/form-data), beside an unpublished item's
    text: kept as it came, read by OCR on the worker; its pages are what a review boxes and publishing burns (an
    archivist cleared for the item)."""
    name = (file.name if file is not None else "") or "scan"
    data = file.read() if file is not None else b""
    return presenters.item_json(services.add_item_scan(request.auth, _reference(identifier), name=name, data=data))


@router.get("/archive/reviews", response=list[ReviewOut], operation_id="review_queue")
def review_queue(request, paging: Query[Paging]):
    """The reviews due and not decided, oldest first: the archivists' queue."""
    return [presenters.review_json(r) for r in paging.of(selectors.review_queue(request.auth))]


# The reading room.


@router.post(
    "/archive/items/{identifier}/publish", response={200: ItemOut, **problems(404, 409)}, operation_id="publish"
)
def publish(request, identifier: str):
    """Put a declassified item in the reading room, its redactions blanked (an archivist)."""
    return presenters.item_json(services.publish(request.auth, _reference(identifier)))


@router.post(
    "/archive/items/{identifier}/withdraw",
    response={200: ItemOut, **problems(404, 409, 422)},
    operation_id="withdraw",
)
def withdraw(request, identifier: str, payload: WithdrawIn):
    """Take an item out of the reading room; a review is due at once (an archivist)."""
    return presenters.item_json(services.withdraw(request.auth, _reference(identifier), payload.reason))


def _classification(value: str) -> Classification:
    try:
        return Classification.parse(value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
