"""Reads of the archive, through the access rule; and the public records the reading room and
the exporters are made of.

An item is named by its archival path: repository/fond/opis[/delo]/item, e.g. TsKhSD/89/25/44.
`public_record` is the one place where an item becomes public text: only published items,
each redacted span replaced by a marked blank before anything else sees the text.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext

from secretariat.archive import records, scan_pages
from secretariat.archive.export import Summary, oai
from secretariat.archive.models import (
    Annotation,
    ArchiveUnit,
    Item,
    PageRedaction,
    PublishedPage,
    Redaction,
    Repository,
    Review,
    Transfer,
)
from secretariat.audit.services import record
from secretariat.kernel.classification import Level
from secretariat.kernel.errors import InvalidInput, NotFound
from secretariat.kernel.restriction import Action
from secretariat.search.models import Entry
from secretariat.search.selectors import matching
from secretariat.search.selectors import ranked as ranked_by_words
from secretariat.search.text import visible


def repositories() -> QuerySet[Repository]:
    return Repository.objects.all()


def repository(code: str) -> Repository:
    try:
        return Repository.objects.get(code__iexact=code)
    except Repository.DoesNotExist:
        raise NotFound(gettext("no repository %(code)r") % {"code": code}) from None


def units(principal) -> QuerySet[ArchiveUnit]:
    """The fonds, series and files the principal may see (an archivist: all), with their repository."""
    return ArchiveUnit.objects.restrict(principal, Action.VIEW).select_related("repository", "parent__parent")


UNIT_PARTS = ("repository", "fond", "opis", "delo")


def unit_named(reference: str) -> dict[str, str]:
    """'TsKhSD/89/25' → {'repository': 'TsKhSD', 'fond': '89', 'opis': '25', 'delo': ''}: a unit's place as the
    desks, the API and the command line name it (a repository and a fond at least); InvalidInput if it is none."""
    parts = [p.strip() for p in reference.strip().strip("/").split("/")]
    if not 2 <= len(parts) <= 4 or not all(parts):
        raise InvalidInput(
            gettext("name a unit as repository/fond[/opis[/delo]], e.g. TsKhSD/89/25, not %(reference)r")
            % {"reference": reference}
        )
    return dict(zip(UNIT_PARTS, parts + [""] * (4 - len(parts)), strict=True))


def place_named(reference: str) -> list[str]:
    """'TsKhSD/89' → ['TsKhSD', '89']: a repository, or a unit of it, that a finding aid goes into."""
    parts = [p.strip() for p in reference.strip().strip("/").split("/")]
    if not 1 <= len(parts) <= 4 or not all(parts):
        raise InvalidInput(
            gettext("name a repository or a unit as repository[/fond[/opis[/delo]]], e.g. TsKhSD/89, not %(reference)r")
            % {"reference": reference}
        )
    return parts


def unit_reference(unit: ArchiveUnit) -> str:
    """TsKhSD/89/25: the repository and the unit's path (kept with the unit by archive.summaries)."""
    return unit.reference or "/".join([unit.repository.code, *(u.identifier for u in unit.path())])


def reference(item: Item) -> str:
    """TsKhSD/89/25/44: the item's path, how commands and pages name it."""
    return f"{unit_reference(item.unit)}/{item.identifier}"


def public_identifier(item: Item) -> str:
    """tskhsd-89-25-44: the item's identifier in URLs, feeds and OAI-PMH."""
    return reference(item).lower().replace("/", "-")


def no_item(text: str) -> NotFound:
    return NotFound(gettext("no archive item %(item)s") % {"item": text})


def items(principal, action: Action = Action.REGISTER) -> QuerySet[Item]:
    """Items the principal may see: the register side (REGISTER, the default), or the text as
    the archive holds it (VIEW: archivists cleared for it)."""
    return Item.objects.restrict(principal, action).select_related("unit__repository", "unit__parent__parent")


def item(principal, path: str, action: Action = Action.REGISTER) -> Item:
    """The item at repository/fond/opis[/delo]/item, if the principal may see it; else NotFound."""
    parts = [p.strip() for p in path.strip().strip("/").split("/")]
    if not 3 <= len(parts) <= 5 or not all(parts):
        raise InvalidInput(
            gettext("name an item as repository/fond/opis[/delo]/item, e.g. TsKhSD/89/25/44, not %(path)r")
            % {"path": path}
        )
    code, *units, identifier = parts
    # Identifiers are told apart regardless of case (services), as public identifiers are lower case.
    q = Q(unit__repository__code__iexact=code, identifier__iexact=identifier, unit__identifier__iexact=units[-1])
    parent = "unit__parent"
    for unit in reversed(units[:-1]):
        q &= Q(**{f"{parent}__identifier__iexact": unit})
        parent += "__parent"
    q &= Q(**{f"{parent}__isnull": True})
    try:
        return items(principal, action).get(q)
    except Item.DoesNotExist:
        raise no_item(path) from None


def item_by_identifier(principal, identifier: str) -> Item:
    """The item whose public identifier (tskhsd-89-25-44) this is: its path, '-' for '/' (no part
    of a path holds a '-')."""
    try:
        return item(principal, identifier.replace("-", "/"))
    except InvalidInput:
        raise no_item(identifier) from None


@dataclass(frozen=True)
class ItemReading:
    item: Item
    annotations: list[Annotation]
    reviews: list[Review]
    redactions: list[Redaction]
    boxes: list[PageRedaction]  # on the pages of its scan

    def pages(self) -> list[tuple]:
        """(page, its boxes as (left, top, width, height) per cent of the page, and the reason) of the item's scan,
        for the desk to draw them over each page."""
        scan = self.item.scan
        if scan is None or scan.state != "read":
            return []
        shown = []
        for page in scan.pages.all():
            boxes = [
                (
                    100 * b.x0 / page.width,
                    100 * b.y0 / page.height,
                    100 * (b.x1 - b.x0) / page.width,
                    100 * (b.y1 - b.y0) / page.height,
                    b.reason,
                )
                for b in self.boxes
                if b.page_id == page.pk
            ]
            shown.append((page, boxes))
        return shown


@transaction.atomic
def read_item(principal, path: str) -> ItemReading:
    """An item's full text, annotations and reviews for an archivist: an audited read of anything
    ever classified (after declassification the text still holds what a review withheld);
    NotFound as for anything the principal may not see."""
    found = item(principal, path, Action.VIEW)
    reviews = list(Review.objects.filter(item=found).restrict(principal, Action.VIEW).select_related("reviewer"))
    redactions = list(Redaction.objects.filter(review__item=found).restrict(principal, Action.VIEW))
    boxes = list(
        PageRedaction.objects.filter(review__item=found).restrict(principal, Action.VIEW).select_related("page")
    )
    if found.marked_level > Level.UNCLASSIFIED or found.level > Level.UNCLASSIFIED:  # withheld spans included
        record(principal, "archive.item_read", found, {"reference": reference(found)})
    return ItemReading(found, list(found.annotations.all()), reviews, redactions, boxes)


def items_due_for_review(today: dt.date) -> QuerySet[Item]:
    """Classified items whose review date has come (or whose event has happened) and that have no
    review open yet: what the next sweep takes (archive.services.sweep_reviews)."""
    return (
        Item.objects.filter(declassified_at__isnull=True)
        .filter(
            Q(instruction__in=[Item.Instruction.DATE, Item.Instruction.EXEMPTION], review_on__lte=today)
            | Q(instruction=Item.Instruction.EVENT, event_occurred_on__lte=today)
        )
        .exclude(pk__in=Review.objects.filter(decided_at__isnull=True).values("item_id"))
    )


def awaiting_sweep(principal, today: dt.date) -> QuerySet[Item]:
    """The items due for review the archivist may see, that no sweep has taken yet (oldest first)."""
    return (
        items_due_for_review(today)
        .restrict(principal, Action.VIEW)
        .select_related("unit__repository", "unit__parent__parent")
        .order_by(Coalesce("review_on", "event_occurred_on"), "id")
    )


def review_queue(principal) -> QuerySet[Review]:
    """Reviews due and not decided, oldest first: the archivists' queue (each cleared for the item)."""
    return (
        Review.objects.filter(decided_at__isnull=True)
        .restrict(principal, Action.VIEW)
        .select_related("item__unit__repository", "item__unit__parent__parent")
        .order_by("due_on", "id")
    )


def transfers(principal) -> QuerySet[Transfer]:
    return Transfer.objects.restrict(principal, Action.VIEW).select_related("case", "unit__repository")


def spans_of(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every place `phrase` occurs in `text`, as [start, end) spans (to redact by phrase)."""
    if not phrase:
        raise InvalidInput(gettext("an empty phrase redacts nothing"))
    found, start = [], text.find(phrase)
    while start != -1:
        found.append((start, start + len(phrase)))
        start = text.find(phrase, start + len(phrase))
    if not found:
        raise InvalidInput(gettext("%(phrase)r is not in the item's text") % {"phrase": phrase})
    return found


def occurrences(item: Item, phrase: str) -> list[tuple[int | None, int, int]]:
    """Every place `phrase` stands in the item's text and its annotations, as (annotation
    position or None for the text, start, end): what redacting a phrase withholds."""
    found = []
    for position, text in [(None, item.text), *((a.position, a.text) for a in item.annotations.all())]:
        try:
            found += [(position, start, end) for start, end in spans_of(text, phrase)]
        except InvalidInput:
            continue
    if not found:
        raise InvalidInput(
            gettext("%(phrase)r is neither in the item's text nor in its annotations") % {"phrase": phrase}
        )
    return found


# The public side: records for the reading room and the exporters.


def _published() -> QuerySet[Item]:
    """Published items, as restrict() shows them to an anonymous reader (the register side:
    their text reaches the public only through `public_record`)."""
    return Item.objects.restrict(None, Action.REGISTER)


def segments(text: str, redactions) -> tuple[records.Segment, ...]:
    """The text cut around its redactions: each withheld span becomes a Redacted segment that
    carries the reason and nothing of the span."""
    out: list[records.Segment] = []
    position = 0
    for redaction in sorted(redactions, key=lambda r: r.start):
        if redaction.start > position:
            out.append(records.Text(text[position : redaction.start]))
        out.append(records.Redacted(redaction.reason, Redaction.Reason(redaction.reason).label))
        position = max(position, redaction.end)
    if position < len(text):
        out.append(records.Text(text[position:]))
    return tuple(out)


DECLASSIFYING = (Review.Outcome.REDACT, Review.Outcome.DECLASSIFY, Review.Outcome.AUTOMATIC)


def declassifying_review(item: Item) -> Review | None:
    """The review that last declassified the item, if one did. Read from `item.reviews.all()`, so that lists
    prefetch it (`PUBLIC_PREFETCH`)."""
    reviews = [r for r in item.reviews.all() if r.outcome in DECLASSIFYING and r.decided_at is not None]
    return max(reviews, key=lambda r: (r.decided_at, r.pk), default=None)


def _redactions_of(item: Item) -> list[Redaction]:
    """The spans withheld by the review that last declassified the item (none if automatic), of
    its text and its annotations."""
    latest = declassifying_review(item)
    return list(latest.redactions.all()) if latest else []


def _of_text(redactions: list[Redaction]) -> list[Redaction]:
    return [r for r in redactions if r.annotation_id is None]


def _annotation_text(annotation: Annotation, redactions: list[Redaction]) -> str:
    """An annotation as published: its withheld spans as marked blanks."""
    return records.plain(segments(annotation.text, [r for r in redactions if r.annotation_id == annotation.pk]))


def withheld(redaction: Redaction, item: Item) -> str:
    """What a redaction withholds, as written."""
    source = redaction.annotation.text if redaction.annotation_id is not None else item.text
    return source[redaction.start : redaction.end].strip()


# What building public records reads per item: its annotations, reviews and their redactions.
PUBLIC_PREFETCH = (
    Prefetch("annotations", queryset=Annotation.objects.order_by("position")),
    "marked_compartments",
    "reviews__redactions",
)


WITHHELD_MIN = 3  # shorter spans ("a", "of") would match everywhere; they are checked by the reviewer's eye


def normalised(text: str) -> str:
    """Text as a reader sees it, for comparing: compatibility forms folded (full-width letters),
    format characters dropped (soft hyphens, zero-width spaces), case folded, runs of
    whitespace (line breaks included) made one space."""
    return " ".join(visible(text).casefold().split())


def search_text(published: records.PublishedItem) -> str:
    """What the reading room searches for a published item: its public record only, normalised."""
    return normalised(
        " ".join([published.title, published.number, published.plain_text(), *(a.text for a in published.annotations)])
    )


def withheld_phrases() -> dict[str, str]:
    """Every phrase a review has withheld anywhere in the archive, normalised → as written."""
    phrases = {}
    for redaction in Redaction.objects.select_related("review__item", "annotation").order_by("id"):
        phrase = withheld(redaction, redaction.review.item)
        if len(normalised(phrase)) >= WITHHELD_MIN:
            phrases.setdefault(normalised(phrase), phrase)
    return phrases


def withheld_elsewhere(item: Item, phrases: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(phrase, where) for each phrase withheld in this item or anywhere in the archive that
    still stands in what publishing the item would show: its text outside its redactions, its
    title, number, body, date, reference, sheets, an annotation, or the words a page of its scan keeps
    outside its boxes; what a box drawn on its scan covers counts as withheld too. Compared as a reader sees them (`normalised`), so a line break, a soft hyphen or
    full-width letters hide nothing."""
    redactions = _redactions_of(item)
    wanted = dict(withheld_phrases() if phrases is None else phrases)
    boxed = scan_pages.drawn_phrases(item, declassifying_review(item))
    for phrase in [withheld(r, item) for r in redactions] + boxed:
        if len(normalised(phrase)) >= WITHHELD_MIN:
            wanted.setdefault(normalised(phrase), phrase)
    places = [("text", s.text) for s in segments(item.text, _of_text(redactions)) if isinstance(s, records.Text)]
    places += [
        ("title", item.title),
        ("number", item.number),
        ("body", item.creator),
        ("date", f"{item.date_as_written} {item.date.isoformat() if item.date else ''}"),
        ("reference", item.reference_as_written),
        ("sheets", item.sheets),
    ]
    places += [(f"{a.get_kind_display()} annotation", _annotation_text(a, redactions)) for a in item.annotations.all()]
    places += [(f"page {n} of its scan", kept) for n, kept in scan_pages.kept_text(item, declassifying_review(item))]
    seen = [(where, normalised(value)) for where, value in places]
    found = [(phrase, where) for key, phrase in wanted.items() for where, value in seen if key in value]
    return list(dict.fromkeys(found))


def _reference(unit: ArchiveUnit, **item_parts) -> records.Reference:
    """The archival reference of a unit (fond, opis, delo as far as it goes), or of an item in it."""
    units = {u.level: u.identifier for u in unit.path()}
    return records.Reference(
        repository=unit.repository.code,
        fond=units.get(ArchiveUnit.Level.FONDS, ""),
        opis=units.get(ArchiveUnit.Level.SERIES, ""),
        delo=units.get(ArchiveUnit.Level.FILE, ""),
        **item_parts,
    )


def public_record(item: Item) -> records.PublishedItem:
    """One published item as the public may read it (callers pass only published items)."""
    if item.published_at is None:
        raise no_item(public_identifier(item))
    caveats = tuple(sorted(c.code for c in item.marked_compartments.all()))
    redactions = _redactions_of(item)
    return records.PublishedItem(
        identifier=public_identifier(item),
        title=item.title,
        creator=item.creator,
        date=item.date,
        date_as_written=item.date_as_written,
        number=item.number,
        classification_as_marked=Level(item.marked_level).label,
        caveats=caveats,
        reference=_reference(
            item.unit,
            document=item.identifier,
            sheets=item.sheets,
            sheet_count=item.sheet_count,
            as_written=item.reference_as_written,
        ),
        segments=segments(item.text, _of_text(redactions)),
        annotations=tuple(records.Annotation(a.kind, _annotation_text(a, redactions)) for a in item.annotations.all()),
        language=item.language,
        published_at=item.published_at.astimezone(dt.UTC),
        declassified_on=item.declassified_at.date() if item.declassified_at else None,
    )


def published_items(
    query: str = "",
    *,
    creator: str = "",
    year: int | None = None,
    fond: str = "",
    marked: str = "",
) -> QuerySet[Item]:
    """Published items matching the reading room's search and facets, in archival order.

    Every word of `query` must stand, as a stem (search.text), in what was published (`search_text`: title,
    number, text with the redactions blanked, annotations), so case (Cyrillic too), a plural ("ambassadors" for
    "ambassador"), line breaks and soft hyphens do not matter and a withheld word finds nothing. Ranked by the
    search app when there is a query (`ranked`)."""
    found = matching(_published(), Entry.Scope.READING_ROOM, query)
    if creator:
        found = found.filter(creator=creator)
    if year is not None:
        found = found.filter(date__year=year)
    if fond:
        found = found.filter(_in_fonds(fond))
    if marked:
        try:
            found = found.filter(marked_level=Level.parse(marked))
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    return (
        found.select_related("unit__repository", "unit__parent__parent")
        .prefetch_related(*PUBLIC_PREFETCH)
        .order_by("unit__repository__code", "unit_id", "identifier", "id")
    )


def ranked(found: QuerySet[Item], query: str):
    """`published_items(query, …)` for a paginator: best match first when there is a query, else archival order."""
    return ranked_by_words(found, Entry.Scope.READING_ROOM, query)


def published_count() -> int:
    return _published().count()


def published_search_texts():
    """(item, what the reading room searches) for every published item: the reading room's index, rebuilt."""
    return _published().order_by("pk").values_list("pk", "search_text").iterator(chunk_size=2000)


def facets(published: QuerySet[Item] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Counts by body, year, fond and classification as originally marked, over `published` (the items a search
    found), or over every published item."""
    published = (_published() if published is None else published).order_by()
    by_fond = published.annotate(fonds=FONDS_OF_ITEM).values("fonds").annotate(n=Count("id"))
    return {
        "creator": [
            (r["creator"], r["n"])
            for r in published.values("creator").annotate(n=Count("id")).order_by("creator")
            if r["creator"]
        ],
        "year": [
            (str(r["year"]), r["n"])
            for r in published.filter(date__isnull=False)
            .annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(n=Count("id"))
            .order_by("year")
        ],
        "fond": sorted(((r["fonds"], r["n"]) for r in by_fond), key=lambda kv: (len(kv[0]), kv[0])),
        "marked": [
            (Level(r["marked_level"]).label, r["n"])
            for r in published.values("marked_level").annotate(n=Count("id")).order_by("marked_level")
        ],
    }


def public_item(identifier: str) -> records.PublishedItem:
    return public_record(item_by_identifier(None, identifier))


def published_pages(identifier: str) -> list[PublishedPage]:
    """The pages of a published item's scan as published (burned, rebuilt), first to last; none for an item
    published without a scan. NotFound for an item not published."""
    found = item_by_identifier(None, identifier)
    if found.published_at is None:
        raise no_item(identifier)
    return list(PublishedPage.objects.restrict(None, Action.REGISTER).filter(item=found).order_by("number"))


def published_page(identifier: str, number: int) -> PublishedPage:
    page = next((p for p in published_pages(identifier) if p.number == number), None)
    if page is None:
        raise NotFound(gettext("no page %(number)s of %(item)s") % {"number": number, "item": identifier})
    return page


def published_scan(identifier: str):
    """The PDF of a published item's scan as published: rebuilt from the burned pages, nothing withheld in it."""
    found = item_by_identifier(None, identifier)
    if found.published_at is None or not found.published_scan:
        raise no_item(identifier)
    return found.published_scan


def public_repository(found: Repository) -> records.Repository:
    return records.Repository(found.code, found.name, found.country_code, found.agency_code)


def public_fonds(found: ArchiveUnit) -> records.Unit:
    """A fonds with only its published items, and only the series and files that hold one."""
    return _public_unit(
        found,
        list(
            _published()
            .filter(Q(unit=found) | Q(unit__parent=found) | Q(unit__parent__parent=found))
            .select_related("unit__repository", "unit__parent__parent")
            .prefetch_related(*PUBLIC_PREFETCH)
        ),
    )


def _public_unit(unit: ArchiveUnit, published: list[Item]) -> records.Unit:
    children: list[records.Unit | records.PublishedItem] = []
    for child in unit.children.order_by("identifier"):
        below = [i for i in published if child in i.unit.path()]
        if below:
            children.append(_public_unit(child, below))
    children += [
        public_record(i)
        for i in sorted(published, key=lambda i: (len(i.identifier), i.identifier))
        if i.unit_id == unit.pk
    ]
    dates = [i.date for i in published if i.date]
    return records.Unit(
        level=unit.level,
        identifier=unit.identifier,
        title=unit.title or f"{unit.get_level_display().capitalize()} {unit.identifier}",
        reference=_reference(unit),
        date_from=min(dates, default=None),
        date_to=max(dates, default=None),
        children=tuple(children),
    )


def public_fonds_list() -> list[ArchiveUnit]:
    """The fonds with something published in them."""
    return list(
        ArchiveUnit.objects.filter(parent__isnull=True).restrict(None, Action.VIEW).select_related("repository")
    )


def fonds(repository_code: str, identifier: str) -> ArchiveUnit:
    """A fonds with something published in it (for the public exports); NotFound otherwise."""
    try:
        return (
            ArchiveUnit.objects.filter(parent__isnull=True)
            .restrict(None, Action.VIEW)
            .get(repository__code__iexact=repository_code, identifier=identifier)
        )
    except ArchiveUnit.DoesNotExist:
        raise NotFound(
            gettext("no published fond %(fond)s in %(repository)s")
            % {"fond": identifier, "repository": repository_code}
        ) from None


def oai_repository() -> records.Repository:
    """Who answers OAI-PMH's Identify: the archive, when there is one; else the installation."""
    found = list(repositories()[:2])
    if len(found) == 1:
        return public_repository(found[0])
    return records.Repository("Secretariat", "Secretariat archives")


def _summary(unit: ArchiveUnit, below=None) -> Summary:
    """A public unit from what is kept with it (archive.summaries): no item is read for it."""
    parts = [*unit_reference(unit).split("/"), "", "", ""]
    return Summary(
        level=unit.level,
        identifier=unit.identifier,
        title=unit.title or f"{unit.get_level_display().capitalize()} {unit.identifier}",
        reference=records.Reference(repository=parts[0], fond=parts[1], opis=parts[2], delo=parts[3]),
        date_from=unit.published_from,
        date_to=unit.published_to,
        creator_names=tuple(unit.published_creators or ()),
        language_codes=tuple(unit.published_languages or ()),
        last_published_at=unit.last_published_at.astimezone(dt.UTC) if unit.last_published_at else None,
        published_count=unit.published_count or 0,
        below=below,
    )


READ_AT_ONCE = 200  # published items built into records per query when a fonds is walked


def public_fonds_summary(found: ArchiveUnit) -> Summary:
    """A fonds as its finding aid is written from the database: summarised from what is kept
    with each unit, its series, files and items read only as the document walks them (a few
    hundred items at a time), so a fonds of any size is written in bounded memory."""
    return _summary(found, below=lambda: _below(found))


def _below(unit: ArchiveUnit):
    """The public children of a unit in archival order (as _public_unit orders them)."""
    for child in unit.children.filter(published_count__gt=0).select_related("repository").order_by("identifier"):
        yield _summary(child, below=lambda child=child: _below(child))
    own = sorted(_published().filter(unit=unit).values_list("identifier", "id"), key=lambda r: (len(r[0]), r[0]))
    for start in range(0, len(own), READ_AT_ONCE):
        keys = [pk for _, pk in own[start : start + READ_AT_ONCE]]
        found = {
            i.pk: i
            for i in _published()
            .filter(pk__in=keys)
            .select_related("unit__repository", "unit__parent__parent")
            .prefetch_related(*PUBLIC_PREFETCH)
        }
        yield from (public_record(found[pk]) for pk in keys)


class _Located(Sequence):
    """Published items of a queryset as OAI-PMH's (record, units above it), built a page at a time:
    by offset, or (`after`) by the key of the last item of the page before."""

    def __init__(self, found: QuerySet[Item], source: "PublishedSource"):
        self._found, self._source = found, source

    def __len__(self) -> int:
        return self._found.count()

    def __getitem__(self, index):
        page = self._found.prefetch_related(*PUBLIC_PREFETCH)
        if isinstance(index, slice):
            return [self._source.locate(found) for found in page[index]]
        return self._source.locate(page[index])

    def after(self, key: list[str], size: int) -> list:
        """The `size` items after the one published at key[0] with public identifier key[1]."""
        published_at, identifier = dt.datetime.fromisoformat(key[0]), key[1]
        # Its place in the order: among the few published in that same microsecond (by the index
        # on published_at), the one with that identifier; it was published when the key was given.
        same = Item.objects.filter(published_at=published_at).values_list("id", "unit__reference", "identifier")
        last = next(
            (pk for pk, unit, number in same if f"{unit}-{number}".lower().replace("/", "-") == identifier), None
        )
        later = Q(published_at__gt=published_at) | Q(published_at=published_at, id__gt=last or 0)
        return [
            self._source.locate(found) for found in self._found.filter(later).prefetch_related(*PUBLIC_PREFETCH)[:size]
        ]


class PublishedSource:
    """OAI-PMH's view of the archive (export.oai.OaiSource), read from the database: lists are
    filtered, counted and paged in SQL (by key), and each record's units are described from what
    is kept with them (archive.summaries), so a page reads its own items and nothing else."""

    def __init__(self, admin_emails: list[str]):
        self._admin_emails = admin_emails
        self._repository: records.Repository | None = None

    def repository(self) -> records.Repository:
        if self._repository is None:
            self._repository = oai_repository()
        return self._repository

    def admin_emails(self) -> list[str]:
        return self._admin_emails

    def earliest_datestamp(self) -> dt.datetime | None:
        first = _published().order_by("published_at").values_list("published_at", flat=True).first()
        return first.astimezone(dt.UTC) if first else None

    def sets(self) -> list[tuple[str, str]]:
        """Every fonds and series with something published, as TreeSource lists them."""
        public = ArchiveUnit.objects.restrict(None, Action.VIEW).filter(published_count__gt=0)
        fonds = list(public.filter(parent__isnull=True).select_related("repository"))
        series: dict[int, list[ArchiveUnit]] = {}
        for unit in public.filter(level=ArchiveUnit.Level.SERIES).select_related("repository").order_by("identifier"):
            series.setdefault(unit.parent_id, []).append(unit)
        found = []
        for top in fonds:
            for path in [(top,), *((top, s) for s in series.get(top.pk, []))]:
                units = [_summary(u) for u in path]
                found.append((oai.set_spec(units), f"{units[-1].reference.citation}: {units[-1].title}"))
        return found

    def items(self, from_: dt.datetime | None, until: dt.datetime | None, set_spec: str | None) -> Sequence:
        found = _published()
        if from_ is not None:
            found = found.filter(published_at__gte=from_)
        if until is not None:
            found = found.filter(published_at__lte=until)
        if set_spec is not None:
            found = found.filter(_in_set(set_spec))
        return _Located(
            found.select_related("unit__repository", "unit__parent__parent").order_by("published_at", "id"), self
        )

    def item(self, identifier: str):
        try:
            found = item_by_identifier(None, identifier)
        except NotFound:
            return None
        return self.locate(found)

    def locate(self, found: Item) -> tuple[records.PublishedItem, tuple[records.Unit, ...]]:
        """The item's public record and the public units above it, fonds first."""
        return public_record(found), tuple(_summary(unit) for unit in found.unit.path())


def _in_fonds(identifier: str) -> Q:
    """Items in the fonds so numbered: in it directly, in one of its series, or in a file of one."""
    return (
        Q(unit__parent__isnull=True, unit__identifier=identifier)
        | Q(unit__parent__parent__isnull=True, unit__parent__identifier=identifier)
        | Q(unit__parent__parent__identifier=identifier, unit__parent__parent__parent__isnull=True)
    )


# The fonds an item lies in: its unit's grandparent, else its parent, else the unit itself.
FONDS_OF_ITEM = Coalesce("unit__parent__parent__identifier", "unit__parent__identifier", "unit__identifier")


def _in_set(set_spec: str) -> Q:
    """Items in the fonds (and series) a setSpec names: "89", or "89:25" (~hhhh for other characters)."""
    parts = [re.sub(r"~([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), part) for part in set_spec.split(":")]
    in_fonds = _in_fonds(parts[0])
    if len(parts) == 1:
        return in_fonds
    if len(parts) > 2:
        return Q(pk__in=[])
    series = parts[1]
    return in_fonds & (
        Q(unit__level=ArchiveUnit.Level.SERIES, unit__identifier=series)
        | Q(unit__level=ArchiveUnit.Level.FILE, unit__parent__identifier=series)
    )
