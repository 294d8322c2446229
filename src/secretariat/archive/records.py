"""The public face of the archive: what the reading room, the exporters and OAI-PMH are given.

A selector builds these from published items only, with each redacted span already replaced
by a `Redacted` segment that carries the reason and nothing of the text. Exporters take these
records and nothing else, so the rule "nothing unpublished or redacted leaves" is enforced in
one place (the selector) and every exporter inherits it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["fonds", "series", "file", "item"]
AnnotationKind = Literal["margin", "stamp", "editorial", "typist", "page"]


@dataclass(frozen=True)
class Repository:
    """The archive itself: "TsKhSD", "Central Archive of Contemporary Documents"."""

    code: str
    name: str
    country_code: str = "RU"  # ISO 3166-1 alpha-2
    agency_code: str = ""  # ISO 15511 (ISIL) where the archive has one, else empty


@dataclass(frozen=True)
class Text:
    """A run of published text."""

    text: str


@dataclass(frozen=True)
class Redacted:
    """A withheld span: shown as a marked blank with its reason, never its length or content."""

    reason_code: str  # e.g. "PRIVACY", "SOURCES", "FOREIGN-GOV"
    reason: str  # the reason code's description, for readers


Segment = Text | Redacted
BLANK = "[REDACTED: {code}]"


def plain(segments: tuple[Segment, ...], blank: str = BLANK) -> str:
    """Segments as text, each redaction a marked blank with its reason code."""
    return "".join(
        s.text if isinstance(s, Text) else blank.format(code=s.reason_code, reason=s.reason) for s in segments
    )


@dataclass(frozen=True)
class Annotation:
    """A mark on the page that is not body text."""

    kind: AnnotationKind
    text: str


@dataclass(frozen=True)
class Reference:
    """Where the item lies, both as parts and as an archivist would write it."""

    repository: str  # "TsKhSD"
    fond: str  # "89"
    opis: str = ""  # "25"
    delo: str = ""  # "" when the archive numbers documents directly in the opis
    document: str = ""  # "44"
    sheets: str = ""  # foliation as written: "1-7", "121-122", "2ob."
    sheet_count: int | None = None  # 7
    as_written: str = ""  # "Fond 89 Opis 25 Document 44 Pages 7"

    @property
    def citation(self) -> str:
        """The archival citation: "TsKhSD, f. 89, op. 25, d. 44, 7 sheets"."""
        parts = [self.repository, f"f. {self.fond}"]
        if self.opis:
            parts.append(f"op. {self.opis}")
        if self.delo:
            parts.append(f"d. {self.delo}")
        if self.document and not self.delo:
            parts.append(f"d. {self.document}")
        elif self.document:
            parts.append(f"doc. {self.document}")
        if self.sheet_count:
            parts.append(f"{self.sheet_count} sheet" + ("s" if self.sheet_count != 1 else ""))
        elif self.sheets:
            parts.append(f"l. {self.sheets}")
        return ", ".join(parts)


@dataclass(frozen=True)
class PublishedItem:
    """One declassified, published document, as researchers may read it."""

    identifier: str  # stable local id, unique in the repository: "tskhsd-89-25-44"
    title: str
    creator: str  # the issuing body: "CC CPSU Politburo"
    date: datetime.date | None
    date_as_written: str  # "February 18, 1977"
    number: str  # registration number as written: "P46/X"
    classification_as_marked: str  # as originally marked: "TOP SECRET"
    caveats: tuple[str, ...]  # as originally marked: ("SPECIAL FILE",)
    reference: Reference
    segments: tuple[Segment, ...]  # the body text, redactions as Redacted segments
    annotations: tuple[Annotation, ...]
    language: str  # ISO 639-1 of the text: "en" (a translation) or "ru"
    published_at: datetime.datetime  # aware, UTC: the OAI-PMH datestamp
    declassified_on: datetime.date | None = None

    @property
    def citation(self) -> str:
        return self.reference.citation

    def plain_text(self, blank: str = BLANK) -> str:
        """The text with each redaction as a marked blank."""
        return plain(self.segments, blank)


@dataclass(frozen=True)
class Unit:
    """A level of description above the item: fonds, series (opis) or file (delo).

    `children` holds the published units and items under it, in archival order; a unit with
    nothing published under it is not built at all.
    """

    level: Level
    identifier: str  # "89", "25", "44" (the unit's own number within its parent)
    title: str
    reference: Reference  # the reference of this unit (parts below it empty)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    children: tuple[Unit | PublishedItem, ...] = field(default_factory=tuple)

    def items(self) -> list[PublishedItem]:
        """Every published item under this unit, depth first, in archival order."""
        found: list[PublishedItem] = []
        for child in self.children:
            found.extend([child] if isinstance(child, PublishedItem) else child.items())
        return found
