"""Exporters: EAD3, EAD 2002, Dublin Core and OAI-PMH, all from the public records of records.py.

They never see a model: what they are given is already what may be published, redactions
already replaced by marked blanks, so no exporter can leak what the reading room would not show.

The helpers below are what more than one format needs, so that EAD3, EAD 2002 and Dublin Core
say the same thing in the same words.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from lxml import etree

from secretariat.archive.records import PublishedItem, Redacted, Reference, Unit

BLANK = "[REDACTED: {code}]"

ANNOTATION_LABELS = {
    "margin": "Margin note",
    "stamp": "Stamp",
    "editorial": "Editorial note",
    "typist": "Typist's mark",
    "page": "Page mark",
}


@dataclasses.dataclass(frozen=True)
class Summary(Unit):
    """A unit described from what is kept with it (archive.summaries), not from its items: the
    bodies and languages of the published items under it (archival order of first appearance),
    their dates in date_from/date_to, the latest publication; its children are read only when a
    document walks them (`below`, e.g. a fonds streamed from the database)."""

    creator_names: tuple[str, ...] = ()
    language_codes: tuple[str, ...] = ()
    last_published_at: datetime.datetime | None = None
    published_count: int = 0
    below: Callable[[], Iterable[Unit | PublishedItem]] | None = dataclasses.field(default=None, compare=False)


def children_of(unit: Unit) -> Iterable[Unit | PublishedItem]:
    if isinstance(unit, Summary) and unit.below is not None:
        return unit.below()
    return unit.children


def items_of(unit: Unit) -> Iterator[PublishedItem]:
    """Every published item under a unit, depth first, in archival order, read as it goes."""
    for child in children_of(unit):
        if isinstance(child, PublishedItem):
            yield child
        else:
            yield from items_of(child)


class Chunks:
    """A file-like sink for etree.xmlfile whose output is taken a piece at a time (streaming)."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._parts.append(data)

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


class Language(NamedTuple):
    code: str  # ISO 639-2/B, what EAD's langcode expects
    name: str


# The languages of the papers this registry holds; any other code is passed through as given.
LANGUAGES = {
    "en": Language("eng", "English"),
    "ru": Language("rus", "Russian"),
    "uk": Language("ukr", "Ukrainian"),
    "be": Language("bel", "Belarusian"),
    "de": Language("ger", "German"),
    "fr": Language("fre", "French"),
    "pl": Language("pol", "Polish"),
    "cs": Language("cze", "Czech"),
    "es": Language("spa", "Spanish"),
}

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Text without the control characters XML 1.0 cannot carry (OCR'd transcriptions have form feeds)."""
    return _NOT_XML.sub("", text)


def language(code: str) -> Language:
    return LANGUAGES.get(code, Language(code, code))


def utc(moment: datetime.datetime) -> str:
    """The one timestamp form every format here uses: YYYY-MM-DDThh:mm:ssZ."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reference_parts(reference: Reference) -> list[tuple[str, str]]:
    """The archival reference as (part, value) pairs, coarsest first: fond, opis, delo, document."""
    parts = [("fond", reference.fond), ("opis", reference.opis), ("delo", reference.delo)]
    return [(name, value) for name, value in [*parts, ("document", reference.document)] if value]


def parent_citation(reference: Reference) -> str:
    """The citation of the unit an item lies in: "TsKhSD, f. 89, op. 25"."""
    return dataclasses.replace(reference, document="", sheets="", sheet_count=None).citation


def record_id(repository_code: str, node: Unit | PublishedItem) -> str:
    if isinstance(node, PublishedItem):
        return node.identifier
    return "-".join([repository_code, *(value for _, value in reference_parts(node.reference))]).lower()


def redactions(item: PublishedItem) -> list[Redacted]:
    """Each distinct withheld reason of an item, in the order it first appears."""
    return list(dict.fromkeys(s for s in item.segments if isinstance(s, Redacted)))


def paragraphs(item: PublishedItem) -> list[list[str | Redacted]]:
    """The published text as paragraphs (one per non-blank line) of text runs and marked blanks."""
    lines: list[list[str | Redacted]] = [[]]
    for segment in item.segments:
        if isinstance(segment, Redacted):
            lines[-1].append(segment)
            continue
        first, *rest = segment.text.split("\n")
        lines[-1].append(first)
        lines.extend([line] for line in rest)
    runs = [[part for part in line if part != ""] for line in lines]
    return [line for line in runs if any(isinstance(p, Redacted) or p.strip() for p in line)]


def write_runs(paragraph: etree._Element, runs: list[str | Redacted], abbr_tag: str) -> None:
    """Text runs into mixed content, each marked blank an abbr whose expansion is the reason withheld."""
    last = None
    for run in runs:
        if isinstance(run, Redacted):
            last = etree.SubElement(paragraph, abbr_tag, expan=clean(run.reason))
            last.text = clean(BLANK.format(code=run.reason_code))
        elif last is None:
            paragraph.text = (paragraph.text or "") + clean(run)
        else:
            last.tail = (last.tail or "") + clean(run)


def access_statement(item: PublishedItem) -> list[str]:
    """Why a reader may see this, and what was withheld and why, one sentence each."""
    when = f" on {item.declassified_on.isoformat()}" if item.declassified_on else ""
    return [f"Declassified{when} and published."] + [
        f"{BLANK.format(code=r.reason_code)} withheld: {r.reason}." for r in redactions(item)
    ]


def original_marking(item: PublishedItem) -> str:
    """How the paper was numbered and marked when it was classified: "No P46/X; TOP SECRET; SPECIAL FILE"."""
    parts = [f"No {item.number}" if item.number else "", item.classification_as_marked, *item.caveats]
    return "; ".join(p for p in parts if p)


def date_span(unit: Unit) -> tuple[datetime.date, datetime.date] | None:
    """The unit's dates as described, else those of the published items under it."""
    dates = [d for d in (unit.date_from, unit.date_to) if d] or [i.date for i in unit.items() if i.date]
    return (min(dates), max(dates)) if dates else None


def creators(node: Unit | PublishedItem) -> list[str]:
    if isinstance(node, Summary):
        return list(node.creator_names)
    items = node.items() if isinstance(node, Unit) else [node]
    return list(dict.fromkeys(i.creator for i in items if i.creator))


def languages(node: Unit | PublishedItem) -> list[Language]:
    if isinstance(node, Summary):
        return [language(code) for code in node.language_codes]
    items = node.items() if isinstance(node, Unit) else [node]
    return [language(code) for code in dict.fromkeys(i.language for i in items if i.language)]


def branch(unit: Unit, trail: tuple[Unit | PublishedItem, ...] | None):
    """The children to describe under a unit, each with the trail to follow below it.

    trail None describes everything; a trail describes only the one line of descent it names
    (an item's document in OAI-PMH), while each unit on it is still summarised whole.
    """
    if trail is None:
        return [(child, None) for child in children_of(unit)]
    return [(trail[0], trail[1:])] if trail else []


def chain(path: tuple[Unit, ...], node: Unit | PublishedItem) -> tuple[Unit | PublishedItem, tuple | None]:
    """The top of a document about `node` and the trail down to it; without a path, `node` is the top."""
    return (path[0], (*path[1:], node)) if path else (node, None)


FLUSH_EVERY = 50  # items written between two chunks of a streamed document


def stream(
    root: etree._Element,
    dsc: tuple[str, dict[str, str]],
    c_tag: str,
    describe: Callable[[etree._Element, Unit | PublishedItem], None],
    fonds: Unit,
) -> Iterator[bytes]:
    """A finding aid written as it is read: `root` is the document with the fonds described but
    nothing below it; each unit under the fonds is opened, described (`describe` without its
    children) and walked, each item written whole, so only one item is held at a time."""
    out = Chunks()
    nsmap = {None: etree.QName(c_tag).namespace}
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(root.tag, dict(root.attrib), nsmap=root.nsmap):
            xf.write("\n")
            *head, archdesc = root
            for element in head:
                xf.write(element, pretty_print=True)
            with xf.element(archdesc.tag, dict(archdesc.attrib)):
                xf.write("\n")
                for element in archdesc:
                    xf.write(element, pretty_print=True)
                with xf.element(dsc[0], dsc[1]):
                    xf.write("\n")
                    yield from _walk(xf, out, fonds, c_tag, nsmap, describe, [0])
                xf.write("\n")
            xf.write("\n")
    yield out.take()


def _walk(xf, out: Chunks, unit: Unit, c_tag: str, nsmap, describe, written: list[int]) -> Iterator[bytes]:
    for child in children_of(unit):
        c = etree.Element(c_tag, {"level": "item" if isinstance(child, PublishedItem) else child.level}, nsmap=nsmap)
        describe(c, child)
        if isinstance(child, PublishedItem):
            xf.write(c, pretty_print=True)
            written[0] += 1
            if written[0] % FLUSH_EVERY == 0:
                yield out.take()
            continue
        with xf.element(c_tag, dict(c.attrib)):
            xf.write("\n")
            for element in c:
                xf.write(element, pretty_print=True)
            yield from _walk(xf, out, child, c_tag, nsmap, describe, written)
        xf.write("\n")
