"""Reads of the registry. Every one goes through the access rule; content reads are audited."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from secretariat.accounts.models import Principal
from secretariat.audit.models import AuditEvent
from secretariat.audit.services import record
from secretariat.kernel.classification import Level
from secretariat.kernel.errors import NotFound
from secretariat.kernel.lists import words_match
from secretariat.kernel.restriction import Action
from secretariat.registry.models import (
    Attachment,
    Copy,
    DistributionEntry,
    Document,
    DocumentVersion,
    not_ended_q,
)
from secretariat.search.models import Entry
from secretariat.search.selectors import matching, ranked
from secretariat.search.text import query_stems, snippet


def documents(principal, action: Action = Action.VIEW) -> QuerySet[Document]:
    """Documents the principal may read (VIEW) or see in the register (REGISTER)."""
    return Document.objects.restrict(principal, action).prefetch_related("compartments")


def document_count(principal, action: Action = Action.VIEW) -> int:
    return Document.objects.restrict(principal, action).count()


def no_document(number: str) -> NotFound:
    """The one answer for a number that is missing or not allowed (rule 2 of docs/architecture.md)."""
    return NotFound(_("no document No %(number)s") % {"number": number})


def register_entry(principal, number: str) -> Document:
    """A document's register metadata; NotFound when missing or not allowed."""
    try:
        return documents(principal, Action.REGISTER).select_related("return_to", "author_unit").get(number=number)
    except Document.DoesNotExist:
        raise no_document(number) from None


def is_classified(row) -> bool:
    """Whether reading `row` (a document, point or template) is reading classified content (rule 4)."""
    if getattr(row, "is_public", False):
        return False
    return row.level > Level.UNCLASSIFIED or row.compartments.exists()


@dataclass(frozen=True)
class Reading:
    """What a reader gets: the document, its current text and the attachments they may read."""

    document: Document
    version: DocumentVersion
    attachments: list[Attachment]


@transaction.atomic
def read_document(principal, number: str) -> Reading:
    """The content of a document; reading anything classified appends an audit event (rule 4)."""
    try:
        document = documents(principal, Action.VIEW).select_related("return_to", "author_unit").get(number=number)
    except Document.DoesNotExist:
        raise no_document(number) from None
    version = document.current_version()
    attachments = list(document.attachments.all().restrict(principal, Action.VIEW).prefetch_related("compartments"))
    if is_classified(document):
        record(
            principal,
            "document.read",
            document,
            {"version": version.number, "attachments": [a.position for a in attachments]},
        )
    return Reading(document, version, attachments)


def copies(principal, number: str | None = None) -> QuerySet[Copy]:
    """Copies in the register the principal may see (registry staff, readers, each holder their own)."""
    queryset = Copy.objects.restrict(principal, Action.REGISTER).select_related("document", "holder")
    if number is not None:
        queryset = queryset.filter(document__number=number)
    return queryset.order_by("document__number", "number")


def overdue_copies(principal, as_of: dt.datetime, *, text: str = "", level: Level | None = None) -> QuerySet[Copy]:
    """Copies past due and not back at `as_of`, longest overdue first; `text` matches the paper's number and the
    holder's login and name, `level` the paper's level."""
    rows = copies(principal).overdue(as_of)
    rows = words_match(rows, text, "document__number", "holder__username", "holder__first_name", "holder__last_name")
    if level is not None:
        rows = rows.filter(document__level=level)
    return rows.prefetch_related("document__compartments").order_by("due_at", "document__number", "number")


def own_copy(principal, number: str) -> Copy | None:
    """The reader's own copy of a paper (the latest, if they were issued more than one)."""
    return copies(principal, number).filter(holder=principal).order_by("-number").first()


def holder_inventory(principal, holder: Principal) -> QuerySet[Copy]:
    """What one holder has out, as far as the asking principal may see."""
    return copies(principal).filter(holder=holder).outstanding()


def distribution(principal, number: str) -> QuerySet[DistributionEntry]:
    return (
        DistributionEntry.objects.all()
        .restrict(principal, Action.REGISTER)
        .filter(document__number=number)
        .select_related("principal", "unit")
    )


@dataclass(frozen=True)
class Balance:
    """issued = returned + destroyed + lost + outstanding, for one document, at an instant.

    Each term is counted from the copies' own timestamps, so the balance of any past day can
    be drawn, and a copy recorded as ended twice breaks the equation. `allocated` (copy
    numbers given out) must equal `copies` (copy records): a vanished record shows here.
    """

    number: str
    allocated: int
    copies: int
    issued: int
    returned: int
    destroyed: int
    lost: int
    outstanding: int
    overdue: int

    @property
    def balanced(self) -> bool:
        adds_up = self.issued == self.returned + self.destroyed + self.lost + self.outstanding
        return adds_up and self.allocated == self.copies

    def as_json(self) -> dict:
        return {**self.__dict__, "balanced": self.balanced}


def _with_balance(rows: QuerySet[Document], as_of: dt.datetime) -> QuerySet[Document]:
    """Documents annotated with the terms of their balance at `as_of` (`balance_of` reads them)."""
    outstanding = not_ended_q(as_of, "copies__")
    return rows.annotate(
        all_copies=Count("copies"),
        issued=Count("copies", filter=Q(copies__issued_at__lte=as_of)),
        returned=Count("copies", filter=Q(copies__returned_at__lte=as_of)),
        destroyed=Count("copies", filter=Q(copies__destroyed_at__lte=as_of)),
        lost=Count("copies", filter=Q(copies__lost_at__lte=as_of)),
        outstanding=Count("copies", filter=outstanding),
        overdue=Count("copies", filter=outstanding & Q(copies__due_at__lt=as_of)),
    )


def balance_of(d: Document) -> Balance:
    """The balance of a document read through `_with_balance`."""
    return Balance(
        d.number, d.copies_made, d.all_copies, d.issued, d.returned, d.destroyed, d.lost, d.outstanding, d.overdue
    )


def balances(principal, as_of: dt.datetime, number: str | None = None) -> list[Balance]:
    """The register balance of every document the principal may see in the register."""
    queryset = documents(principal, Action.REGISTER)
    if number is not None:
        queryset = queryset.filter(number=number)
    return [balance_of(d) for d in _with_balance(queryset, as_of).order_by("number")]


# The register desk's states: documents with copies out, with copies overdue, whose balance does not add up.
REGISTER_STATES = ("out", "overdue", "unbalanced")


def register(
    principal, as_of: dt.datetime, *, text: str = "", kind: str = "", level: Level | None = None, state: str = ""
) -> QuerySet[Document]:
    """The register as it stood at `as_of`, narrowed by the desk's filters, in number order: each document carries
    its balance (`balance_of`). `text` matches the registration number (metadata only: registry staff see no title)."""
    rows = documents(principal, Action.REGISTER).filter(registered_at__lte=as_of)
    rows = words_match(rows, text, "number")
    if kind:
        rows = rows.filter(kind=kind)
    if level is not None:
        rows = rows.filter(level=level)
    rows = _with_balance(rows, as_of)
    if state == "out":
        rows = rows.filter(outstanding__gt=0)
    elif state == "overdue":
        rows = rows.filter(overdue__gt=0)
    elif state == "unbalanced":
        adds_up = Q(issued=F("returned") + F("destroyed") + F("lost") + F("outstanding"), copies_made=F("all_copies"))
        rows = rows.exclude(adds_up)
    return rows.order_by("number", "pk")


def document_history(principal, document: Document, limit: int = 10) -> list:
    """The latest audit events about a document and its copies that the principal may see
    (which ones is the access rule's to say: events go through `restrict` like any row)."""
    copy_keys = [str(pk) for pk in copies(principal, document.number).values_list("pk", flat=True)]
    about = Q(object_type="registry.document", object_id=str(document.pk)) | Q(
        object_type="registry.copy", object_id__in=copy_keys
    )
    events = AuditEvent.objects.filter(about).restrict(principal, Action.REGISTER)
    return list(events.select_related("actor").order_by("-seq")[:limit])


# Staff search: the papers this principal may read, found by their words (the search app's index).


def searched_text(title: str, text: str) -> str:
    """What staff search finds a paper by: its title and its current text."""
    return f"{title}\n{text}"


def paper_search_texts():
    """(paper, what staff search finds it by) for every paper: the staff index, rebuilt."""
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number").values("text")[:1]
    rows = Document.objects.order_by("pk").annotate(text=Subquery(latest)).values_list("pk", "title", "text")
    return ((pk, searched_text(title, text or "")) for pk, title, text in rows.iterator(chunk_size=2000))


def papers_found(principal, query: str, *, kind: str = "", level: Level | None = None) -> QuerySet[Document]:
    """The papers this principal may read (VIEW) holding every word of `query`, of a kind and level if given."""
    rows = matching(documents(principal, Action.VIEW), Entry.Scope.STAFF, query)
    if kind:
        rows = rows.filter(kind=kind)
    if level is not None:
        rows = rows.filter(level=level)
    return rows.order_by("-registered_at", "-pk")


def found_by_kind_and_level(found: QuerySet[Document]) -> dict[str, list[tuple[str, int]]]:
    """How many of the papers found are of each kind and level: counted over the readable rows alone."""
    found = found.order_by()
    return {
        "kind": [(r["kind"], r["n"]) for r in found.values("kind").annotate(n=Count("pk")).order_by("kind")],
        "level": [
            (Level(r["level"]).label, r["n"]) for r in found.values("level").annotate(n=Count("pk")).order_by("level")
        ],
    }


@dataclass(frozen=True)
class Passage:
    """A paper staff search found, with the passage of its text where the words stand."""

    document: Document
    parts: list[tuple[str, bool]]


@transaction.atomic
def passages(principal, found: list[Document], query: str) -> list[Passage]:
    """Each paper of a results page with its passage: where the words stand in its text, or else in its title
    (which the page shows anyway). Showing a classified paper's words is reading it: each such
    paper's read is audited (rule 4), as opening it would be."""
    wanted = query_stems(query)
    latest = {v.document_id: v for v in DocumentVersion.objects.filter(document__in=found).order_by("number")}
    shown = []
    for document in found:
        version = latest[document.pk]
        if is_classified(document):
            record(principal, "document.read", document, {"version": version.number, "through": "search"})
        in_text = snippet(version.text, wanted)
        shown.append(
            Passage(document, in_text if any(hit for _part, hit in in_text) else snippet(document.title, wanted))
        )
    return shown


def ranked_papers(found: QuerySet[Document], query: str):
    """`papers_found(…)` for a paginator, the best match first."""
    return ranked(found, Entry.Scope.STAFF, query)
