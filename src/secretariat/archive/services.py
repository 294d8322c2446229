"""Archive use cases: describe, transfer a closed case, check fixity, declassify, publish, import.

Each function is one transaction that also appends its audit event(s); a refusal raises a
ServiceError before anything is written. A transfer's bag is written beside the transaction
and removed again if the transaction fails, so the database and the bags agree.
"""

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from secretariat.accounts.models import Principal
from secretariat.accounts.selectors import compartments_by_code
from secretariat.archive import bags, ead2002, scan_pages, selectors, summaries
from secretariat.archive.models import Annotation, ArchiveUnit, Item, Redaction, Repository, Review, Transfer
from secretariat.archive.scan_pages import DrawnBox
from secretariat.archive.transcription import parse
from secretariat.audit.models import AuditEvent
from secretariat.audit.selectors import tree_size
from secretariat.audit.services import record, sign_checkpoint_as_system, tree_root
from secretariat.cables.models import Control
from secretariat.cases.models import CaseFile
from secretariat.decisions.selectors import body_of
from secretariat.kernel import batches, clock, texts
from secretariat.kernel.classification import UNCLASSIFIED, Classification, Level
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, bounded, unique_or_refused
from secretariat.kernel.formats import day
from secretariat.kernel.leases import leased
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.kernel.usecases import use_case
from secretariat.registry.models import Copy, Document
from secretariat.registry.services import compartments_of, may_classify
from secretariat.render.page import page
from secretariat.render.pdf import reading_pages, render_case_pdf
from secretariat.render.selectors import read_case_for_rendering
from secretariat.scans import services as scans
from secretariat.search import services as search
from secretariat.search.models import Entry

REVIEW_AFTER_YEARS = 30  # the usual closure period of state papers
# The daily sweep of a large archive may take minutes; a node that died holding its lease holds it this long at most.
SWEEP_LEASE = dt.timedelta(hours=1)
# No "-": public identifiers join the parts with it (tskhsd-89-25-44), so it must not stand inside one.
IDENTIFIER = re.compile(r"^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё.]{0,29}$")


def _archivist(by: Principal) -> None:
    by.require_role(Role.ARCHIVIST, "keep the archive")


def _identifier(value: str, what: str) -> str:
    value = str(value).strip()
    if not IDENTIFIER.match(value):
        raise InvalidInput(
            gettext("malformed %(what)s %(value)r: up to 30 letters, digits and '.', e.g. 89, 25a or R5446")
            % {"what": what, "value": value}
        )
    return value


# Description.


@transaction.atomic
@use_case
def add_repository(
    by: Principal, code: str, name: str, *, country_code: str = "RU", agency_code: str = ""
) -> Repository:
    """An archive that holds fonds; its code is how citations name it ("TsKhSD")."""
    _archivist(by)
    code = bounded(code, gettext("repository code"), 30)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", code):
        raise InvalidInput(
            gettext("malformed repository code %(code)r: letters and digits, e.g. TsKhSD") % {"code": code}
        )
    if Repository.objects.filter(code__iexact=code).exists():
        raise Refused(
            gettext("there is already a repository %(code)s (codes are told apart regardless of case)") % {"code": code}
        )
    if not re.fullmatch(r"[A-Z]{2}", country_code):
        raise InvalidInput(
            gettext("malformed country code %(code)r: two capital letters (ISO 3166-1), e.g. RU")
            % {"code": country_code}
        )
    with unique_or_refused(gettext("there is already a repository %(code)s") % {"code": code}):
        repository = Repository.objects.create(
            code=code,
            name=bounded(name, gettext("repository name"), 300),
            country_code=country_code,
            agency_code=bounded(agency_code, gettext("agency code"), 30, required=False),
        )
    record(by, "archive.repository_added", repository, {"code": code, "name": repository.name})
    return repository


def _unit(by: Principal, repository: Repository, fond: str, opis: str = "", delo: str = "") -> ArchiveUnit:
    """The unit fond/opis[/delo], described (created) where it is not yet."""
    if delo and not opis:
        raise InvalidInput(gettext("a file (delo) lies in a series (opis): give the opis too"))
    unit = None
    for level, identifier in (
        (ArchiveUnit.Level.FONDS, fond),
        (ArchiveUnit.Level.SERIES, opis),
        (ArchiveUnit.Level.FILE, delo),
    ):
        if not identifier:
            break
        identifier = _identifier(identifier, level.label)
        found = ArchiveUnit.objects.filter(repository=repository, parent=unit, identifier__iexact=identifier).first()
        if found is not None and found.level != level:
            raise Refused(
                gettext("%(unit)s is a %(found)s, not a %(level)s")
                % {"unit": found, "found": found.level, "level": level}
            )
        if found is None:
            found = ArchiveUnit.objects.create(repository=repository, parent=unit, level=level, identifier=identifier)
            record(by, "archive.unit_described", found, {"repository": repository.code, "unit": str(found)})
        unit = found
    if unit is None:
        raise InvalidInput(gettext("give at least the fond"))
    return unit


@transaction.atomic
@use_case
def describe_unit(
    by: Principal, repository: str, fond: str, opis: str = "", delo: str = "", *, title: str
) -> ArchiveUnit:
    """Give a fonds, series or file its title (describing the levels above it where needed)."""
    _archivist(by)
    unit = _unit(by, selectors.repository(repository), fond, opis, delo)
    unit.title = bounded(title, gettext("title"), 500)
    unit.save(update_fields=["title"])
    summaries.refresh(unit)
    record(by, "archive.unit_titled", unit, {"unit": str(unit), "title": unit.title})
    return unit


# Transfer.


def _slug(number: str) -> str:
    """A registration number as a directory name: P46/X → P46_X ('_' is never in a number)."""
    return number.replace("/", "_")


def _next_identifier(unit: ArchiveUnit) -> int:
    numbers = [int(i) for i in unit.items.values_list("identifier", flat=True) if i.isdigit()]
    return max(numbers, default=0) + 1


@dataclass(frozen=True)
class _Paper:
    """One paper of a case as the archive receives it."""

    document: Document
    text: str
    annotations: list[str]
    sheets: int
    files: dict[str, bytes]


def _paper(document: Document, reading) -> _Paper:
    """The archival text (the paper as laid out, its margin notes apart) and its files for the bag."""
    layout = page(reading)
    lines = [line for portion in layout.portions for line in portion.lines]
    text = "\n\n".join(line.text for line in lines if line.role != "margin") + "\n"
    margins = [line.text for line in lines if line.role == "margin"]
    slug = f"papers/{_slug(document.number)}"
    copies = [
        {
            "copy": c.number,
            "holder": c.holder.username,
            "holder_name": str(c.holder),
            "status": c.status,
            "issued_at": c.issued_at.isoformat(),
            "due_at": c.due_at.isoformat(),
            "receipt_confirmed_at": c.receipt_confirmed_at and c.receipt_confirmed_at.isoformat(),
            "returned_at": c.returned_at and c.returned_at.isoformat(),
            "destroyed_at": c.destroyed_at and c.destroyed_at.isoformat(),
            "destruction_certificate": c.destruction_certificate,
            "lost_at": c.lost_at and c.lost_at.isoformat(),
        }
        for c in Copy.objects.filter(document=document).select_related("holder").order_by("number")
    ]
    described = {
        "number": document.number,
        "title": document.title,
        "kind": document.kind,
        "classification": str(document.classification),
        "initial_classification": str(document.initial_classification),
        "dated": document.dated.isoformat(),
        "signatory": document.signatory,
        "body": body.name if (body := body_of(document)) else None,
        "author_unit": document.author_unit.name if document.author_unit else None,
        "page_count": document.page_count,
        "distribution": [str(entry.addressee) for entry in document.distribution.all()],
        "return_instruction": document.return_instruction(),
        "annotations": [{"kind": "margin", "text": text} for text in margins],
    }
    files = {
        f"{slug}/paper.json": _json(described),
        f"{slug}/text.txt": text.encode(),
        f"{slug}/copies.json": _json(copies),
    }
    for version in document.versions.order_by("number"):
        files[f"{slug}/versions/{version.number}.txt"] = version.text.encode()
    for attachment in document.attachments.order_by("position"):
        files[f"{slug}/attachments/{attachment.position}.txt"] = attachment.text.encode()
        if attachment.file:
            with attachment.file.open("rb") as handle:
                files[f"{slug}/attachments/{attachment.position}-{attachment.file.name.rsplit('/', 1)[-1]}"] = (
                    handle.read()
                )
    return _Paper(document, text, margins, reading_pages(reading), files)


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"


def _events_about(by: Principal, case: CaseFile, documents: Sequence[Document]) -> list[AuditEvent]:
    """The log's events about the case, its papers, their copies and their controls, as the
    access rule lets the receiving archivist see them (all of them, for a case in their custody)."""
    keys = {
        **{label: [str(case.pk)] for label in CaseFile.AUDIT_TYPES},
        "registry.document": [str(d.pk) for d in documents],
        "registry.copy": [str(pk) for pk in Copy.objects.filter(document__in=documents).values_list("pk", flat=True)],
        "cables.control": [
            str(pk) for pk in Control.objects.filter(document__in=documents).values_list("pk", flat=True)
        ],
    }
    about = Q(pk__in=[])
    for object_type, ids in keys.items():
        about |= Q(object_type=object_type, object_id__in=ids)
    return list(AuditEvent.objects.filter(about).restrict(by, Action.VIEW).order_by("seq"))


@transaction.atomic
@use_case
def transfer_case(
    by: Principal,
    case_number: str,
    *,
    repository: str,
    fond: str,
    opis: str,
    delo: str = "",
    first_item: int | None = None,
    review_after_years: int = REVIEW_AFTER_YEARS,
) -> Transfer:
    """Receive a closed case file into fond/opis[/delo]: one item per paper, in case order,
    numbered from `first_item` (else after the unit's last), each to be reviewed for
    declassification `review_after_years` after its date; and the case packed as a BagIt bag
    (papers, versions, attachments, registers of copies, the audit events about them, the
    case's PDF/A), its fixity checked on receipt."""
    _archivist(by)
    try:
        case = CaseFile.objects.select_for_update(of=("self",)).restrict(by, Action.REGISTER).get(number=case_number)
    except CaseFile.DoesNotExist:
        raise NotFound(gettext("no closed case file %(case)s you may transfer") % {"case": case_number}) from None
    if Transfer.objects.filter(case=case).exists():
        raise Refused(gettext("case %(case)s was transferred already") % {"case": case.number})
    if not 0 <= review_after_years <= 100:
        raise InvalidInput(gettext("review the papers within 0 to 100 years of their date"))
    unit = _unit(by, selectors.repository(repository), fond, opis, delo)
    start = first_item if first_item is not None else _next_identifier(unit)
    if start < 1:
        raise InvalidInput(gettext("items are numbered from 1"))
    _, readings = read_case_for_rendering(by, case_number)
    entries = list(case.entries.select_related("document__author_unit").order_by("position"))
    papers = [_paper(entry.document, reading) for entry, reading in zip(entries, readings, strict=True)]
    identifiers = [_identifier(str(start + i), "item number") for i in range(len(papers))]
    taken = set(unit.items.filter(identifier__in=identifiers).values_list("identifier", flat=True))
    if taken:
        raise Refused(
            gettext("%(unit)s already holds item(s) %(items)s")
            % {"unit": unit, "items": ", ".join(sorted(taken, key=int))}
        )
    now = clock.now()

    events = _events_about(by, case, [p.document for p in papers])
    size = tree_size()
    files = {name: content for paper in papers for name, content in paper.files.items()}
    files["case.pdf"] = render_case_pdf(case, readings)
    files["case.json"] = _json(
        {
            "number": case.number,
            "title": case.title,
            "opened_at": case.opened_at.isoformat(),
            "closed_at": case.closed_at.isoformat(),
            "papers": [
                {"position": e.position, "number": e.document.number, "item": f"{selectors.unit_reference(unit)}/{i}"}
                for e, i in zip(entries, identifiers, strict=True)
            ],
        }
    )
    files["audit/events.jsonl"] = b"".join(
        json.dumps(
            {"event": json.loads(e.canonical()), "leaf_hash": e.leaf_hash, "signature": e.signature},
            ensure_ascii=False,
            sort_keys=True,
        ).encode()
        + b"\n"
        for e in events
    )
    files["audit/tree-head.json"] = _json({"tree_size": size, "root_hash": tree_root(size).hex() if size else None})
    key = f"bags/{_slug(case.number)}"
    info = {
        "Source-Organization": unit.repository.name,
        "External-Identifier": case.number,
        "External-Description": case.title[:500],
        "Bagging-Date": now.date().isoformat(),
        "Internal-Sender-Identifier": selectors.unit_reference(unit),
        "Bag-Count": "1 of 1",
    }
    # A bag already there is an orphan of a transfer of this case that rolled back: no Transfer
    # names it, and the case's row lock keeps any other transfer of it waiting (bags.put removes it).
    bagged = bags.put(key, files, info)
    try:
        transfer = Transfer.objects.create(
            case=case,
            unit=unit,
            bag=key,
            payload_oxum=bagged.payload_oxum,
            tagmanifest_sha512=bagged.tagmanifest_sha512,
            received_at=now,
            received_by=by,
            checked_at=now,
        )
        items = [
            _receive(by, transfer, paper, identifier, review_after_years, now)
            for paper, identifier in zip(papers, identifiers, strict=True)
        ]
        record(
            by,
            "archive.transferred",
            case,
            {
                "unit": selectors.unit_reference(unit),
                "items": [item.identifier for item in items],
                "bag": transfer.bag,
                "payload_oxum": transfer.payload_oxum,
                "tagmanifest_sha512": transfer.tagmanifest_sha512,
            },
        )
    except BaseException:
        bags.remove(key)
        raise
    return transfer


def _receive(by, transfer: Transfer, paper: _Paper, identifier: str, years: int, now: dt.datetime) -> Item:
    """One paper as an item; an unclassified one (a release) arrives with nothing to declassify."""
    document = paper.document
    unclassified = document.level == Level.UNCLASSIFIED and not document.compartments.exists()
    item = Item.objects.create(
        unit=transfer.unit,
        identifier=identifier,
        sheets=f"1-{paper.sheets}" if paper.sheets > 1 else "1",
        sheet_count=paper.sheets,
        source=Item.Source.TRANSFER,
        document=document,
        transfer=transfer,
        title=document.title,
        creator=body.name
        if (body := body_of(document))
        else (document.author_unit.name if document.author_unit else ""),
        document_type=document.kind,
        number=document.number,
        date=document.dated,
        date_as_written=day(document.dated),
        text=paper.text,
        marked_level=document.initial_level,
        level=document.level,
        instruction=Item.Instruction.DATE,
        review_on=None if unclassified else _years_after(document.dated, years),
        declassified_at=now if unclassified else None,
        received_at=now,
    )
    item.compartments.set(document.compartments.all())
    item.marked_compartments.set(compartments_by_code(document.initial_compartments))
    for i, text in enumerate(paper.annotations, 1):  # one by one, as every text is checked on save (kernel/texts.py)
        Annotation.objects.create(item=item, position=i, kind=Annotation.Kind.MARGIN, text=text)
    record(by, "archive.item_received", item, {"document": document.number, "reference": selectors.reference(item)})
    return item


def _years_after(day_: dt.date, years: int) -> dt.date:
    try:
        return day_.replace(year=day_.year + years)
    except ValueError:  # 29 February
        return day_.replace(year=day_.year + years, day=28)


# Fixity.


@dataclass(frozen=True)
class Fixity:
    transfer: Transfer
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@transaction.atomic
@use_case
def check_fixity(by: Principal | None, case_number: str | None = None) -> list[Fixity]:
    """Check the bags of every transfer (or one case's): each file against the SHA-512 manifests,
    and the tag manifest against the digest recorded at receipt, so a bag rewritten whole with
    fresh manifests is caught too. Each check is an audit event; nothing else changes. Run on
    demand by an archivist, or by the system (`by` None) on a schedule."""
    if by is not None:
        _archivist(by)
    transfers = Transfer.objects.select_for_update(of=("self",)).select_related("case").order_by("received_at", "id")
    if by is not None:
        transfers = transfers.restrict(by, Action.VIEW)
    if case_number is not None:
        transfers = transfers.filter(case__number=case_number)
        if not transfers.exists():
            raise NotFound(gettext("no transfer of case file %(case)s") % {"case": case_number})
    results = []
    for transfer in transfers:
        problems, tagmanifest = bags.check(transfer.bag)
        if not problems and tagmanifest != transfer.tagmanifest_sha512:
            problems = ["the tag manifest is not the one received: the bag was rewritten after its transfer"]
        transfer.checked_at, transfer.problems = clock.now(), problems
        transfer.save(update_fields=["checked_at", "problems"])
        record(
            by, "archive.fixity_checked", transfer.case, {"bag": transfer.bag, "ok": not problems, "problems": problems}
        )
        results.append(Fixity(transfer, problems))
    return results


# Declassification.


def _item_for_change(by: Principal, reference: str) -> Item:
    _archivist(by)
    item = selectors.item(by, reference, Action.VIEW)
    return Item.objects.select_for_update(of=("self",)).get(pk=item.pk)


@transaction.atomic
@use_case
def set_instruction(
    by: Principal,
    reference: str,
    *,
    kind: str,
    review_on: dt.date | None = None,
    event: str = "",
    exemption: str = "",
) -> Item:
    """Say when an item is to be reviewed: on a date; after an event (reviewed once the event is
    recorded); or exempt, for a reason, until a review date. Only while it is still classified;
    an exemption is lifted by a review, never by changing the instruction."""
    item = _item_for_change(by, reference)
    if item.declassified_at is not None:
        raise Refused(gettext("%(item)s is declassified already") % {"item": selectors.reference(item)})
    if kind not in Item.Instruction.values:
        raise InvalidInput(
            gettext("unknown instruction %(kind)r: use one of %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(Item.Instruction.values)}
        )
    if item.instruction == Item.Instruction.EXEMPTION and kind != Item.Instruction.EXEMPTION:
        raise Refused(
            gettext("%(item)s is exempt (%(exemption)s): only a review lifts an exemption")
            % {"item": selectors.reference(item), "exemption": item.exemption}
        )
    if kind in (Item.Instruction.DATE, Item.Instruction.EXEMPTION) and review_on is None:
        raise InvalidInput(gettext("a %(kind)s instruction needs the review date") % {"kind": kind})
    if kind == Item.Instruction.EVENT and not event.strip():
        raise InvalidInput(gettext("an event instruction names the event, e.g. 'the end of the negotiations'"))
    if kind == Item.Instruction.EXEMPTION and not exemption.strip():
        raise InvalidInput(gettext("an exemption gives its reason"))
    item.instruction = kind
    item.review_on = review_on if kind != Item.Instruction.EVENT else None
    item.event = bounded(event, gettext("event"), 300, required=False) if kind == Item.Instruction.EVENT else ""
    item.event_occurred_on = None
    item.exemption = (
        bounded(exemption, gettext("exemption"), 300, required=False) if kind == Item.Instruction.EXEMPTION else ""
    )
    item.save(update_fields=["instruction", "review_on", "event", "event_occurred_on", "exemption"])
    record(
        by,
        "archive.instruction_set",
        item,
        {
            "instruction": kind,
            "review_on": review_on and review_on.isoformat(),
            "event": item.event,
            "exemption": item.exemption,
        },
    )
    return item


@transaction.atomic
@use_case
def record_event(by: Principal, reference: str, occurred_on: dt.date) -> Item:
    """The event an item waits for has happened: its review comes due on that day."""
    item = _item_for_change(by, reference)
    if item.instruction != Item.Instruction.EVENT:
        raise Refused(
            gettext("%(item)s waits for no event (its instruction: %(instruction)s)")
            % {"item": selectors.reference(item), "instruction": item.get_instruction_display()}
        )
    if item.event_occurred_on is not None:
        raise Refused(gettext("the event was recorded already, as of %(date)s") % {"date": item.event_occurred_on})
    if occurred_on > clock.now().date():
        raise InvalidInput(gettext("an event is recorded once it has happened, not before"))
    item.event_occurred_on = occurred_on
    item.save(update_fields=["event_occurred_on"])
    record(by, "archive.event_recorded", item, {"event": item.event, "occurred_on": occurred_on.isoformat()})
    return item


@dataclass(frozen=True)
class Sweep:
    opened: list[Review]
    declassified: list[Item]


@transaction.atomic
@use_case
def add_item_scan(by: Principal, reference: str, *, name: str, data: bytes) -> Item:
    """The paper as scanned, beside the item's text: kept as it came (at the item's marked classification, as
    its text is), read by OCR on the worker; its pages are what a review boxes and publishing burns."""
    item = _item_for_change(by, reference)
    if item.published_at is not None:
        raise Refused(gettext("%(item)s is published: withdraw it first") % {"item": selectors.reference(item)})
    if item.scan_id is not None:
        raise Refused(
            gettext("%(item)s has its scan already (%(name)s)") % {"item": selectors.reference(item), "name": item.scan}
        )
    item.scan = scans.kept_scan(by, name=name, data=data)
    item.save(update_fields=["scan"])
    record(
        by,
        "archive.scan_added",
        item,
        {
            "scan": item.scan.pk,
            "type": item.scan.content_type,
            "pages": item.scan.page_count,
            "sha256": item.scan.sha256,
        },
    )
    return item


@use_case(faces=("web", "cli"), because="a sweep: the archive desk's button, and cron on the command line")
def sweep_reviews(by: Principal | None = None) -> Sweep:
    """The clock's work: each classified item whose review date has come (or whose event has
    happened) gets a review in the archivists' queue; an item due by date alone and in no
    restricted category (no exemption, no caveat as marked or now) is declassified in full on
    its date without one. Restricted categories never declassify automatically, nor does an
    item a reviewer has kept or downgraded, nor one holding a phrase a review withheld
    elsewhere in the archive: a reviewer looks at it. Run by the daily job
    (`by` None: the system) or by an archivist from the desk. Holding the sweep's lease, so with the
    crontab on every app server, or a desk's button pressed meanwhile, one of them sweeps
    (kernel.leases.LeaseHeld for the rest)."""
    with leased("archive sweep", ttl=SWEEP_LEASE):
        return _sweep_reviews(by)


@transaction.atomic
def _sweep_reviews(by: Principal | None) -> Sweep:
    if by is not None:
        _archivist(by)
    today = clock.now().date()
    now = clock.now()
    due = selectors.items_due_for_review(today).select_for_update(of=("self",)).order_by("id")
    opened, declassified = [], []
    withheld = selectors.withheld_phrases()
    for item in due:
        due_on = item.event_occurred_on if item.instruction == Item.Instruction.EVENT else item.review_on
        kept_by_a_reviewer = item.reviews.filter(reviewer__isnull=False).exists()
        automatic = item.instruction == Item.Instruction.DATE and not item.is_restricted and not kept_by_a_reviewer
        if automatic and not selectors.withheld_elsewhere(item, withheld):
            review = Review.objects.create(
                item=item,
                due_on=due_on,
                opened_at=now,
                decided_at=now,
                outcome=Review.Outcome.AUTOMATIC,
                level_before=item.level,
                level_after=Level.UNCLASSIFIED,
                note="declassified on its date: no exemption, no restricted category",
            )
            _declassify(item, now)
            record(by, "archive.declassified", item, {"review": review.pk, "outcome": review.outcome, "redactions": 0})
            declassified.append(item)
            continue
        review = Review.objects.create(item=item, due_on=due_on, opened_at=now, level_before=item.level)
        record(by, "archive.review_due", item, {"review": review.pk, "due_on": due_on.isoformat()})
        opened.append(review)
    sign_checkpoint_as_system("archive sweep")
    return Sweep(opened, declassified)


def _declassify(item: Item, now: dt.datetime) -> None:
    item.level = Level.UNCLASSIFIED
    item.declassified_at = now
    item.save(update_fields=["level", "declassified_at"])
    item.compartments.clear()


@dataclass(frozen=True)
class Span:
    """A span to withhold: [start, end) in characters of the item's text, or of its annotation at
    `annotation` (its position), and the reason code."""

    start: int
    end: int
    reason: str
    annotation: int | None = None


@use_case
def phrase_redactions(item: Item, phrase: str, reason: str) -> list[Span]:
    """Every occurrence of `phrase` in the item's text and annotations, to withhold for `reason`."""
    return [Span(start, end, reason, annotation) for annotation, start, end in selectors.occurrences(item, phrase)]


@transaction.atomic
@use_case
def decide_review(
    by: Principal,
    reference: str,
    outcome: str,
    *,
    level: str | None = None,
    redactions: Iterable[Span] = (),
    boxes: Iterable[DrawnBox] = (),
    note: str = "",
    next_review_on: dt.date | None = None,
) -> Review:
    """Decide the item's pending review: keep it (until `next_review_on`), downgrade it to
    `level` (never to UNCLASSIFIED: that is a declassification), declassify it in full, or
    declassify it with redactions (each a span with a reason; each span's phrase is boxed wherever OCR found it
    on the item's scan, beside the `boxes` drawn on its pages). The reviewer must be an
    archivist cleared for the item; the decision, the reviewer, every span and every box are audited."""
    item = _item_for_change(by, reference)
    review = item.reviews.filter(decided_at__isnull=True).first()
    if review is None:
        raise Refused(
            gettext("%(item)s has no review due: reviews come due by the clock (archive sweep)")
            % {"item": selectors.reference(item)}
        )
    if outcome not in (o.value for o in Review.Outcome if o != Review.Outcome.AUTOMATIC):
        raise InvalidInput(gettext("the outcome is one of keep, downgrade, declassify, redact"))
    spans = sorted(redactions, key=lambda s: (s.annotation or 0, s.start))
    drawn = list(boxes)
    if outcome != Review.Outcome.REDACT and (spans or drawn):
        raise InvalidInput(gettext("redactions go with the outcome 'redact'"))
    today = clock.now().date()
    new_level = item.level
    if outcome in (Review.Outcome.KEEP, Review.Outcome.DOWNGRADE):
        if next_review_on is None or next_review_on <= today:
            raise InvalidInput(gettext("an item kept classified needs its next review date, after today"))
    elif next_review_on is not None:
        raise InvalidInput(gettext("a declassified item has no next review"))
    if outcome == Review.Outcome.DOWNGRADE:
        try:
            new_level = Level.parse(level or "")
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        if new_level == Level.UNCLASSIFIED:
            raise Refused(
                gettext("a downgrade never reaches UNCLASSIFIED: declassify instead, in full or with redactions")
            )
        if new_level >= item.level:
            raise Refused(gettext("a downgrade goes below %(level)s") % {"level": Level(item.level).label})
    elif level is not None:
        raise InvalidInput(gettext("a level goes with the outcome 'downgrade'"))
    annotations = _check_spans(item, spans, boxed=bool(drawn)) if outcome == Review.Outcome.REDACT else {}
    page_boxes = []
    if outcome == Review.Outcome.REDACT:
        page_boxes = scan_pages.boxes_of_review(item, scan_pages.withheld_phrases_of(item, spans, annotations), drawn)
    now = clock.now()
    review.decided_at = now
    review.reviewer = by
    review.outcome = outcome
    review.note = bounded(note, gettext("note"), 2000, required=False)
    if outcome in (Review.Outcome.DECLASSIFY, Review.Outcome.REDACT):
        review.level_after = Level.UNCLASSIFIED
        _declassify(item, now)
    else:
        review.level_after = new_level
        item.level = new_level
        item.review_on = next_review_on
        if item.instruction == Item.Instruction.EVENT:
            item.instruction = Item.Instruction.DATE
        item.save(update_fields=["level", "review_on", "instruction"])
    review.save(update_fields=["decided_at", "reviewer", "outcome", "note", "level_after"])
    for s in spans:  # one by one, as every text is checked on save (kernel/texts.py)
        Redaction.objects.create(
            review=review, annotation=annotations.get(s.annotation), start=s.start, end=s.end, reason=s.reason
        )
    for box in page_boxes:
        box.review = review
        box.save()
    record(
        by,
        "archive.reviewed",
        item,
        {
            "review": review.pk,
            "outcome": outcome,
            "level_before": Level(review.level_before).label,
            "level_after": Level(review.level_after).label,
            "redactions": [
                {"start": s.start, "end": s.end, "reason": s.reason}
                | ({"annotation": s.annotation} if s.annotation is not None else {})
                for s in spans
            ],
            "boxes": [
                {"page": b.page.number, "box": b.box.as_list(), "reason": b.reason, "drawn": not b.phrase}
                for b in page_boxes
            ],
            "next_review_on": next_review_on and next_review_on.isoformat(),
        },
    )
    return review


def _check_spans(item: Item, spans: Sequence[Span], *, boxed: bool = False) -> dict[int, Annotation]:
    """The annotations the spans name, by position; InvalidInput for a span that is out of its
    text, overlaps another or has an unknown reason, or for no span and no box (`boxed`) at all."""
    if not spans and not boxed:
        raise InvalidInput(gettext("declassifying with redactions needs at least one redaction"))
    annotations = {a.position: a for a in item.annotations.all()}
    previous: dict[int | None, int] = {}
    for span in spans:
        if span.reason not in Redaction.Reason.values:
            raise InvalidInput(
                gettext("unknown redaction reason %(reason)r: use one of %(reasons)s")
                % {"reason": span.reason, "reasons": ", ".join(Redaction.Reason.values)}
            )
        if span.annotation is not None and span.annotation not in annotations:
            raise InvalidInput(gettext("the item has no annotation %(annotation)s") % {"annotation": span.annotation})
        text = item.text if span.annotation is None else annotations[span.annotation].text
        where = (
            gettext("the text")
            if span.annotation is None
            else gettext("annotation %(annotation)s") % {"annotation": span.annotation}
        )
        if not 0 <= span.start < span.end <= len(text):
            raise InvalidInput(
                gettext("redaction %(start)s-%(end)s lies outside %(where)s (0-%(length)s)")
                % {"start": span.start, "end": span.end, "where": where, "length": len(text)}
            )
        if span.start < previous.get(span.annotation, 0):
            raise InvalidInput(
                gettext("redactions overlap at %(start)s in %(where)s") % {"start": span.start, "where": where}
            )
        previous[span.annotation] = span.end
    return annotations


@transaction.atomic
@use_case
def publish(by: Principal, reference: str) -> Item:
    """Put a declassified item in the reading room: its text minus its redactions, its
    annotations and its citation become public. Refused while anything withheld still stands
    elsewhere in what would be published (another place in the text, the title, an annotation)."""
    item = _item_for_change(by, reference)
    if item.declassified_at is None or item.level != Level.UNCLASSIFIED:
        raise Refused(
            gettext("%(item)s is %(level)s: only a declassified item is published")
            % {"item": selectors.reference(item), "level": Level(item.level).label}
        )
    if item.published_at is not None:
        raise Refused(gettext("%(item)s is published already") % {"item": selectors.reference(item)})
    if item.reviews.filter(decided_at__isnull=True).exists():
        raise Refused(
            gettext("%(item)s has a review pending (it was withdrawn, or came due): decide it before publishing")
            % {"item": selectors.reference(item)}
        )
    if leaks := selectors.withheld_elsewhere(item):
        raise Refused(
            gettext("%(item)s cannot be published: %(leaks)s")
            % {
                "item": selectors.reference(item),
                "leaks": "; ".join(
                    gettext("%(phrase)r, withheld, still stands in the %(where)s") % {"phrase": phrase, "where": where}
                    for phrase, where in leaks
                ),
            }
        )
    item.published_at = clock.now()
    item.published_by = by
    published = selectors.public_record(item)
    item.published_text = published.plain_text()
    item.search_text = selectors.search_text(published)
    if item.scan_id:
        scan_pages.publish_scan(item, selectors.declassifying_review(item), selectors.public_identifier(item))
    item.save(update_fields=["published_at", "published_by", "published_text", "search_text", "published_scan"])
    search.index(Entry.Scope.READING_ROOM, item.pk, item.search_text)
    summaries.refresh(item.unit)
    record(by, "archive.published", item, {"reference": selectors.reference(item)})
    return item


@transaction.atomic
@use_case
def withdraw(by: Principal, reference: str, reason: str) -> Item:
    """Take an item out of the reading room again (a redaction missed, a complaint upheld): a
    review is due at once, to withhold what was missed before it is published again."""
    item = _item_for_change(by, reference)
    if item.published_at is None:
        raise Refused(gettext("%(item)s is not published") % {"item": selectors.reference(item)})
    item.published_at = None
    item.published_by = None
    item.published_text = item.search_text = ""
    item.published_scan = ""
    item.save(update_fields=["published_at", "published_by", "published_text", "search_text", "published_scan"])
    search.forget(Entry.Scope.READING_ROOM, item.pk)
    summaries.refresh(item.unit)
    review = Review.objects.create(item=item, due_on=clock.now().date(), opened_at=clock.now(), level_before=item.level)
    record(by, "archive.withdrawn", item, {"reason": bounded(reason, gettext("reason"), 500), "review": review.pk})
    return item


# Import of transcriptions.


MAX_TRANSCRIPTION_BYTES = 1024 * 1024


def transcription_text(text: str, source: str) -> str:
    """A transcription's text as the importer reads it (a dry run too): at most 1 MiB, its line
    breaks made LF (CR LF and a lone CR of Windows files, the form feeds OCR puts between pages),
    tabs kept, and no NUL or other control character: InvalidInput names the file's line and column.
    (Saving the item checks its fields again, as every save does: kernel/texts.py.)"""
    if len(text.encode(errors="surrogatepass")) > MAX_TRANSCRIPTION_BYTES:
        raise InvalidInput(
            gettext("%(source)s is larger than %(size)s KiB: one paper at a time")
            % {"source": source, "size": MAX_TRANSCRIPTION_BYTES // 1024}
        )
    return texts.body(text, source)


UNDATED = "undated: a reviewer decides when it may be declassified"


@transaction.atomic
@use_case
def import_transcription(
    by: Principal,
    text: str,
    *,
    source: str,
    repository: str | None = None,
    fond: str | None = None,
    opis: str | None = None,
    delo: str | None = None,
    identifier: str | None = None,
    language: str | None = None,
    classification: Classification | None = None,
) -> Item:
    """Import a transcribed paper as an archive item with its annotations, where its archival
    reference says (or where the arguments say, which win). It keeps the marking read off it
    (or `classification`, which wins) and stays classified until a review declassifies it; a
    marking that cannot be read is refused rather than taken for UNCLASSIFIED."""
    _archivist(by)
    text = transcription_text(text, source)
    parsed = parse(text)
    found = parsed.as_json()
    marking = classification or _marking(found["classification"], source)
    compartments = compartments_of(marking)
    may_classify(by, marking)
    ref = found["archival_reference"] or {}
    repository = repository or ref.get("repository")
    fond, opis = fond or ref.get("fond"), opis or ref.get("opis") or ""
    delo = delo or ref.get("delo") or ""
    if not repository or not fond:
        raise InvalidInput(
            gettext(
                "%(source)s: no archival reference found (Fond … Opis … Document …): give --into repository/fond[/opis]"
            )
            % {"source": source}
        )
    try:
        archive = selectors.repository(repository)
    except NotFound:
        archive = add_repository(by, repository, repository)
    unit = _unit(by, archive, fond, opis, delo)
    identifier = _identifier(identifier or ref.get("document") or str(_next_identifier(unit)), "item number")
    if unit.items.filter(identifier__iexact=identifier).exists():
        raise Refused(gettext("%(unit)s already holds item %(item)s") % {"unit": unit, "item": identifier})
    date = _day(found["date"])
    sheets = ref.get("sheets") or ""
    now = clock.now()
    item = Item.objects.create(
        unit=unit,
        identifier=identifier,
        sheets=_read(sheets, "sheets", 100),
        sheet_count=sheet_count(str(sheets), ref.get("as_written") or ""),
        reference_as_written=_read(ref.get("as_written"), "archival reference", 300),
        source=Item.Source.TRANSCRIPTION,
        title=_read(found["title"] or f"Untitled ({source})", "title", 1000, required=True),
        creator=_read(found["issuing_body"], "issuing body", 300),
        document_type=_read(found["document_type"], "document type", 40),
        number=_read(found["number"], "number", 100),
        date=date,
        date_as_written=_read(found["date_as_written"], "date", 100),
        language=language or _language(text),
        text=archival_text(parsed),
        transcription=found | {"source": source},
        **_marked_and_scheduled(marking, date, now),
    )
    item.compartments.set(compartments)
    item.marked_compartments.set(compartments)
    for i, a in enumerate(found["annotations"], 1):  # one by one, as every text is checked on save (kernel/texts.py)
        Annotation.objects.create(item=item, position=i, kind=a["kind"], text=a["text"])
    record(
        by,
        "archive.imported",
        item,
        {
            "source": source,
            "reference": selectors.reference(item),
            "marked": str(marking),
            "unparsed_lines": len(found["unparsed"]),
        },
    )
    return item


@use_case(
    faces=("cli",),
    because="a batch of import_transcription (which has every face), run as a command; "
    "the web's background task queue comes with the scans' worker (issue 14)",
)
def import_transcriptions(
    by: Principal,
    files: Iterable[tuple[str, str | None]],
    *,
    unit: dict | None = None,
    classification: Classification | None = None,
    progress=lambda n: None,
) -> batches.Outcome:
    """Import a batch of transcriptions, (source, text) each, every one by `import_transcription` (its rules and
    its audit event), a chunk per transaction. A source imported already is skipped, so a rerun after a kill does
    what is left; a file the rules refuse (no archival reference, a marking that cannot be read) is reported and
    the rest go in."""
    _archivist(by)
    imported = set(
        Item.objects.filter(source=Item.Source.TRANSCRIPTION).values_list("transcription__source", flat=True)
    )

    def act(file: tuple[str, str | None]) -> None:
        source, text = file
        if text is None:
            raise InvalidInput(gettext("%(source)s cannot be read as UTF-8 text") % {"source": source})
        import_transcription(by, text, source=source, classification=classification, **(unit or {}))

    return batches.run(
        ((source, (source, text)) for source, text in files), act, done=imported.__contains__, progress=progress
    )


def _marked_and_scheduled(marking: Classification, day_: dt.date | None, now: dt.datetime) -> dict:
    """An old paper's fields as it comes into the archive (a transcription, a finding aid's item): its marking,
    and its review: none if it was never classified (open at once), 30 years from its day if it has one, else
    an exemption reviewed from today, as for an undated paper."""
    unclassified = marking == UNCLASSIFIED
    return {
        "marked_level": marking.level,
        "level": marking.level,
        "instruction": Item.Instruction.DATE if unclassified or day_ else Item.Instruction.EXEMPTION,
        "review_on": None if unclassified else _years_after(day_, REVIEW_AFTER_YEARS) if day_ else now.date(),
        "exemption": "" if unclassified or day_ else UNDATED,
        "declassified_at": now if unclassified else None,
        "received_at": now,
    }


def _day(read: str | None) -> dt.date | None:
    """The paper's day, when the importer read a whole one; a year or a month alone ('1940') stays only as
    written (`date_as_written`), and the review then counts from the import, as for an undated paper."""
    try:
        return dt.date.fromisoformat(read) if read else None
    except ValueError:
        return None


def _read(value, what: str, max_length: int, *, required: bool = False) -> str:
    """A field read off one line of a transcription, for a one-line column: a tab that laid the
    line out (a number and a date on one line) is a space there; the transcription keeps it."""
    return bounded(str(value or "").replace("\t", " "), what, max_length, required=required)


def _marking(read: dict, source: str) -> Classification:
    """The classification read off a transcription; InvalidInput where none could be read, so
    that nothing comes in as UNCLASSIFIED by default."""
    if read["level"] is None:
        written = "; ".join(read["as_written"]) or gettext("no marking")
        raise InvalidInput(
            gettext(
                "%(source)s: the classification could not be read (%(written)s): give --classification "
                "(UNCLASSIFIED if the paper was never classified)"
            )
            % {"source": source, "written": written}
        )
    try:
        return Classification(Level.parse(read["level"]), frozenset(read["caveats"]))
    except ValueError as exc:
        raise InvalidInput(f"{source}: {exc}") from None


def archival_text(parsed) -> str:
    """The paper as the archive keeps it: every line of the transcription in its order, but for
    what was read as an annotation (kept apart, as a transferred paper's margin notes are); the
    heading lines the importer read as fields and the lines it could not place stay in."""
    annotated: dict[int, list[str]] = {}
    for placed in parsed.placement:
        if placed.destination == "annotation":
            annotated.setdefault(placed.line, []).append(placed.content)
    kept = []
    for number, line in enumerate(parsed.lines, start=1):
        for part in annotated.get(number, []):
            line = line.replace(part, "", 1)
        if line.strip():
            kept.append(line.strip())
    return "\n\n".join(kept) + ("\n" if kept else "")


SHEET_COUNT = re.compile(r"(?:pages|pp\.?|sheets|листов|листа|стр\.?)\s*(\d+)\s*$", re.IGNORECASE)
FOLIO = r"(\d+)\s*(?:ob\.?|об\.?|v\.?|r\.?)?"


def sheet_count(sheets: str, as_written: str = "") -> int | None:
    """How many sheets: "Pages 7" counts them (7); foliation numbers them ("121-122": 2, "1, 3-5": 4,
    "2ob.": 1, a verso being the back of a sheet already counted). None where it cannot be told."""
    if SHEET_COUNT.search(as_written.strip()):
        return int(SHEET_COUNT.search(as_written.strip()).group(1))
    total = 0
    for part in filter(None, (p.strip() for p in sheets.split(","))):
        if m := re.fullmatch(FOLIO + r"\s*[-–]\s*" + FOLIO, part, re.IGNORECASE):
            first, last = int(m.group(1)), int(m.group(2))
            if last < first:
                return None
            total += last - first + 1
        elif re.fullmatch(FOLIO, part, re.IGNORECASE):
            total += 1
        else:
            return None
    return total or None


def _language(text: str) -> str:
    cyrillic = sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch in "ёЁ")
    latin = sum(1 for ch in text if "a" <= ch.lower() <= "z")
    return "ru" if cyrillic > latin else "en"


# Import of a finding aid (EAD 2002, as AtoM exports it).


# EAD's levels as the archive keeps them: a unit's level, or None for an item. AtoM's "collection" is a
# fonds-level description (ISAD(G) 3.1.4); its subfonds, subseries, "part" and other levels have no place here.
EAD_LEVELS = {
    "fonds": ArchiveUnit.Level.FONDS,
    "collection": ArchiveUnit.Level.FONDS,
    "series": ArchiveUnit.Level.SERIES,
    "file": ArchiveUnit.Level.FILE,
    "item": None,
}
# What each lies in (None: directly in the repository).
EAD_PLACES = {
    ArchiveUnit.Level.FONDS: (None,),
    ArchiveUnit.Level.SERIES: (ArchiveUnit.Level.FONDS,),
    ArchiveUnit.Level.FILE: (ArchiveUnit.Level.SERIES,),
    None: (ArchiveUnit.Level.FONDS, ArchiveUnit.Level.SERIES, ArchiveUnit.Level.FILE),
}
EAD_LANGUAGES = {"eng": "en", "rus": "ru", "fre": "fr", "fra": "fr", "ger": "de", "deu": "de", "ukr": "uk"}


def ead_place(repository: str, into: Sequence[str] = ()) -> tuple[Repository, ArchiveUnit | None]:
    """Where a finding aid goes: a repository, and the unit its top description lies in (None: the top
    description is a fonds of the repository). NotFound where either is not in the archive."""
    found = selectors.repository(repository)
    unit = None
    for identifier in filter(None, into):
        unit = ArchiveUnit.objects.filter(repository=found, parent=unit, identifier__iexact=identifier).first()
        if unit is None:
            raise NotFound(
                gettext("no unit %(reference)s in the archive")
                % {"reference": "/".join([found.code, *filter(None, into)])}
            )
    return found, unit


def ead_imported(repository: Repository, into: ArchiveUnit | None) -> set[str]:
    """The keys (paths of identifiers below `into`, folded for case: "89/25/3") of what is there already, units
    and items: what a rerun of an import skips."""
    units = ArchiveUnit.objects.filter(repository=repository).values_list("id", "parent_id", "identifier")
    below: dict[int | None, list[tuple[int, str]]] = {}
    for pk, parent, identifier in units:
        below.setdefault(parent, []).append((pk, identifier))
    paths: dict[int, str] = {}
    keys: set[str] = set()
    todo = [(pk, identifier.casefold()) for pk, identifier in below.get(into.pk if into else None, [])]
    while todo:
        pk, path = todo.pop()
        paths[pk] = path
        keys.add(path)
        todo += [(child, f"{path}/{identifier.casefold()}") for child, identifier in below.get(pk, [])]
    for unit, identifier in Item.objects.filter(unit_id__in=paths).values_list("unit_id", "identifier"):
        keys.add(f"{paths[unit]}/{identifier.casefold()}")
    return keys


def _ead_parent(repository: Repository, into: ArchiveUnit | None, description: ead2002.Description):
    """The unit the description lies in, found by its key below `into`; Refused where the one above it did
    not go in (it was refused, or is not a fonds, series or file)."""
    unit = into
    for i, identifier in enumerate(description.path[:-1], 1):
        unit = ArchiveUnit.objects.filter(repository=repository, parent=unit, identifier__iexact=identifier).first()
        if unit is None:
            raise Refused(
                gettext("it lies in %(above)s, which is not in the archive as a fonds, series or file")
                % {"above": "/".join(description.path[:i])}
            )
    return unit


@transaction.atomic
def import_ead_description(
    by: Principal,
    description: ead2002.Description,
    *,
    repository: Repository,
    into: ArchiveUnit | None = None,
    classification: Classification | None = None,
    source: str = "",
) -> ArchiveUnit | Item:
    """One description of an EAD 2002 finding aid as a fonds, series or file (an archive unit) or an item, in
    the unit its key names below `into` (or in the repository), with its audit event. Refused: no title, a level
    the archive has no place for, a unitid that is missing, malformed or used already in the same unit, a date
    that cannot be read, and (an item) no marking: EAD carries none, so `classification` gives it."""
    _archivist(by)
    if description.level not in EAD_LEVELS:
        level = description.level or gettext("none")
        if description.otherlevel:
            level = f"{level} ({description.otherlevel})"
        raise InvalidInput(
            gettext("the level %(level)s has no place in the archive: fonds (or collection), series, file or item")
            % {"level": level}
        )
    level = EAD_LEVELS[description.level]
    if not description.title:
        raise InvalidInput(gettext("no title (unittitle)"))
    if not description.unitid:
        raise InvalidInput(gettext("no identifier (unitid): the archive cites every unit and item by one"))
    identifier = _identifier(description.unitid, gettext("identifier (unitid)"))
    parent = _ead_parent(repository, into, description)
    place = parent.level if parent is not None else None
    if place not in EAD_PLACES[level]:
        raise Refused(
            gettext("a %(level)s cannot lie in %(place)s")
            % {
                "level": level.label if level else gettext("item"),
                "place": parent if parent is not None else gettext("the repository itself"),
            }
        )
    taken = ArchiveUnit.objects.filter(repository=repository, parent=parent, identifier__iexact=identifier)
    if taken.exists() or (parent is not None and parent.items.filter(identifier__iexact=identifier).exists()):
        raise Refused(
            gettext("%(place)s already holds %(identifier)s")
            % {"place": parent if parent is not None else repository, "identifier": identifier}
        )
    try:
        dates = ead2002.read_dates(description.date_normal, description.date)
    except ValueError as exc:
        raise InvalidInput(
            gettext("the date %(date)r cannot be read: %(reason)s")
            % {"date": description.date_normal or description.date, "reason": exc}
        ) from None
    read = description.as_json() | {"format": "EAD 2002", "source": source or description.key}
    if dates is not None:
        read |= {"start": dates.start.isoformat(), "end": dates.end.isoformat()}
    if level is not None:
        with unique_or_refused(
            gettext("%(place)s already holds %(identifier)s")
            % {"place": parent or repository, "identifier": identifier}
        ):
            unit = ArchiveUnit.objects.create(
                repository=repository,
                parent=parent,
                level=level,
                identifier=identifier,
                title=bounded(description.title, gettext("title"), 500),
            )
        summaries.refresh_one(unit)
        # The unit keeps its title; what else the finding aid says of it (dates, extent, scope, access) is
        # kept with the event that described it.
        record(by, "archive.unit_described", unit, {"repository": repository.code, "unit": str(unit)} | read)
        return unit
    if classification is None:
        raise InvalidInput(
            gettext(
                "an item needs its marking, which EAD does not carry: give --classification (UNCLASSIFIED if it never was)"
            )
        )
    compartments = compartments_of(classification)
    may_classify(by, classification)
    day_ = dates.day if dates is not None else None
    text = description.scope  # the archive's text of an item described, not transcribed: its scope and content
    language = next((EAD_LANGUAGES[c] for c in description.languages if c in EAD_LANGUAGES), None)
    now = clock.now()
    with unique_or_refused(
        gettext("%(place)s already holds %(identifier)s") % {"place": parent, "identifier": identifier}
    ):
        item = Item.objects.create(
            unit=parent,
            identifier=identifier,
            reference_as_written=_read(description.key, "archival reference", 300),
            source=Item.Source.TRANSCRIPTION,
            title=_read(description.title, "title", 1000, required=True),
            creator=_read(description.creator, "creator (origination)", 300),
            date=day_,
            date_as_written=_read(description.date or description.date_normal, "date", 100),
            language=language or _language(f"{description.title}\n{text}"),
            text=text + ("\n" if text else ""),
            transcription=read,
            **_marked_and_scheduled(classification, day_, now),
        )
    item.compartments.set(compartments)
    item.marked_compartments.set(compartments)
    record(
        by,
        "archive.item_described",
        item,
        {"reference": selectors.reference(item), "marked": str(classification)} | read,
    )
    return item


def finding_aid_read(path: Path) -> tuple[int, ead2002.Description]:
    """The finding aid read through once, before anything is written: how many descriptions, and the top one.
    InvalidInput for a file that is malformed, unsafe (entities of its own) or holds no description."""
    total, top = 0, None
    for description in ead2002.descriptions(path):
        total, top = total + 1, top or description
    if top is None:
        raise InvalidInput(gettext("%(file)s holds no description") % {"file": Path(path).name})
    return total, top


@use_case(
    faces=("cli",),
    because="a batch of import_ead_description, run as a command; from the web and the API it is a queued "
    "import (imports.services.queue_import) that the worker runs through this",
)
def import_ead(
    by: Principal,
    path: Path,
    *,
    into: Sequence[str] | None = None,
    classification: Classification | None = None,
    name: str | None = None,
    counted=lambda total: None,
    progress=lambda n: None,
) -> batches.Outcome:
    """Import an EAD 2002 finding aid (as AtoM exports it), every description by `import_ead_description` (its
    rules and its audit event), a chunk per transaction, into the repository or unit `into` names
    (["TsKhSD"], ["TsKhSD", "89"]; default: the repository its unitid's repositorycode names). What is there is
    skipped, so a rerun after a kill does what is left; `counted(total)` is told the size first."""
    _archivist(by)
    name = name or Path(path).name
    total, top = finding_aid_read(path)
    place = list(into or [top.repository_code])
    if not place[0]:
        raise InvalidInput(
            gettext("%(file)s names no repository (its unitid has no repositorycode): say which it goes into")
            % {"file": name}
        )
    repository, unit = ead_place(place[0], place[1:])
    there = ead_imported(repository, unit)
    counted(total)

    def act(description: ead2002.Description) -> None:
        import_ead_description(
            by,
            description,
            repository=repository,
            into=unit,
            classification=classification,
            source=f"{name}: {description.key}",
        )

    return batches.run(
        ((d.key, d) for d in ead2002.descriptions(path)),
        act,
        done=lambda key: key.casefold() in there,
        progress=progress,
    )
