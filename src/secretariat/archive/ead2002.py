"""Reading an EAD 2002 finding aid, as AtoM (Access to Memory) exports it, one description at a time.

AtoM writes `<ead xmlns="urn:isbn:1-931666-22-9">` with an `<eadheader>`, then `<archdesc level="fonds">`
(its `<did>`: `<unittitle>`, `<unitid repositorycode=… countrycode=…>`, `<unitdate normal="1917/1991">`,
`<physdesc><extent>`, `<origination>`, `<langmaterial><language langcode=…>`; then `<scopecontent>`,
`<accessrestrict>`…) and last its `<dsc>` of nested `<c level="series">`, `<c level="file">`… (other tools
number them `<c01>`…`<c12>`; both are read). See artefactual/atom, plugins/sfEadPlugin/modules/sfEadPlugin/
templates/indexSuccessBody.xml.php and indexSuccessBodyDidElement.xml.php.

`descriptions(path)` yields each description in document order, a parent before its children, each with a
key (the path of unitids from the top description: "89/25/3") by which an import tells what went in. The
file is walked with `iterparse`, each component freed once read, so memory stays bounded by the depth of the
tree, not its size.

Nothing outside the file is ever read: no DTD is loaded (AtoM names the EAD DTD; it is not fetched), no
network, and a file that declares an entity of its own (the way in for XXE and "billion laughs") is refused
whole, before its first description: UnsafeXml. Malformed XML is refused with the line libxml2 names.
"""

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext
from lxml import etree

from secretariat.kernel.errors import InvalidInput

EAD = "urn:isbn:1-931666-22-9"
EAD3 = "http://ead3.archivists.org/schema/"
COMPONENTS = frozenset({"archdesc", "c"} | {f"c{n:02d}" for n in range(1, 13)})
DUPLICATE = "#"  # marks a key part that is not a plain unitid: missing, or used already by a sibling


class Unreadable(InvalidInput):
    """The file is not a well-formed EAD 2002 document (nothing of it is imported)."""


class UnsafeXml(Unreadable):
    """The file declares entities: refused before anything is read (XXE, entity expansion)."""


@dataclass(frozen=True)
class Description:
    """One archival description (the archdesc or a component) as the file gives it."""

    key: str  # its path of unitids from the top description, "89/25/3"
    path: tuple[str, ...]  # the same, part by part
    line: int  # where it starts in the file
    level: str  # the EAD level, lower case: fonds, series, file, item, otherlevel…
    otherlevel: str  # AtoM's own name of the level where it is "otherlevel" (Subfonds, Part)
    unitid: str
    title: str
    date: str  # the unitdate as written
    date_normal: str  # its normal attribute (ISO 8601: 1956-02-14, 1917/1991), "" where absent
    extent: str
    creator: str
    scope: str  # scope and content, paragraphs separated by a blank line
    access: str  # conditions of access, likewise
    languages: tuple[str, ...]  # ISO 639-2 codes: rus, eng
    repository_code: str  # the unitid's repositorycode, where AtoM wrote it

    @property
    def parent_key(self) -> str | None:
        return "/".join(self.path[:-1]) or None

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "line": self.line,
            "level": self.level,
            "otherlevel": self.otherlevel,
            "unitid": self.unitid,
            "title": self.title,
            "date": self.date,
            "date_normal": self.date_normal,
            "extent": self.extent,
            "creator": self.creator,
            "scope": self.scope,
            "access": self.access,
            "languages": list(self.languages),
            "repository_code": self.repository_code,
        }


def _local(el) -> str | None:
    """The element's name within the EAD namespace (or none); None for anything else."""
    if not isinstance(el.tag, str):
        return None  # a comment or processing instruction
    q = etree.QName(el)
    return q.localname if q.namespace in (None, EAD) else None


def _line(text: str) -> str:
    return " ".join(text.split())


def _text(el) -> str:
    return _line("".join(el.itertext()))


def _kids(el, name: str):
    return [k for k in el if _local(k) == name]


def _paragraphs(el) -> str:
    """A note's paragraphs (its <head> left out), a blank line between them."""
    paragraphs = [_text(p) for p in el.iter() if _local(p) == "p"]
    if not paragraphs:
        paragraphs = [_text(el)]
    return "\n\n".join(p for p in paragraphs if p)


def _first(elements, **attributes) -> object | None:
    """The first element whose attributes are as given (None: absent)."""
    for el in elements:
        if all(el.get(name) == value for name, value in attributes.items()):
            return el
    return None


class _Frame:
    def __init__(self, el, parent: "_Frame | None"):
        self.el, self.parent = el, parent
        self.line = el.sourceline or 0
        self.emitted = False
        self.path: tuple[str, ...] = ()
        self.children = 0
        self.seen: dict[str, int] = {}
        self.position = 0
        if parent is not None:
            parent.children += 1
            self.position = parent.children


def _describe(frame: _Frame) -> Description:
    el = frame.el
    did = next(iter(_kids(el, "did")), None)
    kids = list(did) if did is not None else []
    titles = [k for k in kids if _local(k) == "unittitle"]
    title = _first(titles, type=None)  # AtoM's parallel and other titles carry a type
    title = title if title is not None else (titles[0] if titles else None)
    ids = [k for k in kids if _local(k) == "unitid"]
    unitid_el = _first(ids, type=None)
    unitid_el = unitid_el if unitid_el is not None else (ids[0] if ids else None)
    unitid = _text(unitid_el) if unitid_el is not None else ""
    dates = [k for k in kids if _local(k) == "unitdate"]
    date = next(  # AtoM writes the dates of creation without a datechar, the others with theirs
        (d for d in dates if d.get("datechar") in (None, "creation")), dates[0] if dates else None
    )
    extents = [_text(e) for k in kids if _local(k) == "physdesc" for e in k.iter() if _local(e) == "extent"]
    if not extents:
        extents = [_text(k) for k in kids if _local(k) == "physdesc"]
    origination = [k for k in kids if _local(k) == "origination"]
    languages = tuple(
        lang.get("langcode").strip().lower()
        for k in kids
        if _local(k) == "langmaterial"
        for lang in k.iter()
        if _local(lang) == "language" and lang.get("langcode")
    )

    # The key: the unitid under its parent's key; one missing, or a sibling's already, is marked with the
    # description's position, so it never names another description (and no identifier holds "#").
    parent = frame.parent
    part = unitid.replace("/", "∕")
    folded = part.casefold()
    if parent is not None:
        parent.seen[folded] = parent.seen.get(folded, 0) + 1
        if not part or parent.seen[folded] > 1:
            part = f"{part}{DUPLICATE}{frame.position}"
    elif not part:
        part = f"{DUPLICATE}1"
    frame.path = (*(parent.path if parent is not None else ()), part)
    return Description(
        key="/".join(frame.path),
        path=frame.path,
        line=frame.line,
        level=(el.get("level") or "").strip().lower(),
        otherlevel=_line(el.get("otherlevel") or ""),
        unitid=unitid,
        title=_text(title) if title is not None else "",
        date=_text(date) if date is not None else "",
        date_normal=(date.get("normal") or "").strip() if date is not None else "",
        extent="; ".join(e for e in extents if e),
        creator="; ".join(_text(o) for o in origination if _text(o)),
        scope="\n\n".join(_paragraphs(k) for k in _kids(el, "scopecontent")),
        access="\n\n".join(_paragraphs(k) for k in _kids(el, "accessrestrict")),
        languages=languages,
        repository_code=_line(unitid_el.get("repositorycode") or "") if unitid_el is not None else "",
    )


def _refuse_declared_entities(el, name: str) -> None:
    dtd = el.getroottree().docinfo.internalDTD
    declared = [e.name for e in dtd.iterentities()] if dtd is not None else []
    if declared:
        raise UnsafeXml(
            gettext(
                "%(file)s declares entities of its own (%(entities)s): refused unread, as an EAD export never does "
                "so and an entity can read files or expand without end (XXE, 'billion laughs')"
            )
            % {"file": name, "entities": ", ".join(declared[:5])}
        )


def descriptions(path: Path) -> Iterator[Description]:
    """Each description of the file, in document order (a parent before its children). Unreadable (with the
    line) for a file that is not well-formed EAD 2002; UnsafeXml for one that declares entities."""
    name = Path(path).name
    stack: list[_Frame] = []
    first = True
    try:
        for event, el in etree.iterparse(
            str(path),
            events=("start", "end"),
            resolve_entities=False,
            load_dtd=False,
            dtd_validation=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        ):
            if first:
                first = False
                _refuse_declared_entities(el, name)
                q = etree.QName(el) if isinstance(el.tag, str) else None
                if q is not None and q.namespace == EAD3:
                    raise Unreadable(gettext("%(file)s is EAD3; export the description as EAD 2002") % {"file": name})
                if q is None or q.localname != "ead" or q.namespace not in (None, EAD):
                    raise Unreadable(
                        gettext("%(file)s is not an EAD 2002 finding aid (its root is %(root)r, not <ead>)")
                        % {"file": name, "root": el.tag}
                    )
            local = _local(el)
            if local not in COMPONENTS:
                if event == "end" and local == "eadheader":
                    el.clear()
                continue
            if event == "start":
                if local == "archdesc" and stack:
                    raise Unreadable(
                        gettext("%(file)s, line %(line)s: an <archdesc> inside another")
                        % {"file": name, "line": el.sourceline}
                    )
                if local != "archdesc" and not stack:
                    raise Unreadable(
                        gettext("%(file)s, line %(line)s: a component outside the <archdesc>")
                        % {"file": name, "line": el.sourceline}
                    )
                if stack and not stack[-1].emitted:
                    stack[-1].emitted = True
                    yield _describe(stack[-1])
                stack.append(_Frame(el, stack[-1] if stack else None))
            else:
                frame = stack.pop()
                if not frame.emitted:
                    frame.emitted = True
                    yield _describe(frame)
                # Free what is read: the component and, once the walk is past it, its place in its parent.
                el.clear(keep_tail=False)
                above = el.getparent()
                if above is not None:
                    above.remove(el)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(gettext("%(file)s is not well-formed XML: %(error)s") % {"file": name, "error": exc}) from None
    except OSError as exc:
        raise Unreadable(gettext("cannot read %(file)s: %(error)s") % {"file": name, "error": exc}) from None
    if first:
        raise Unreadable(gettext("%(file)s is empty") % {"file": name})
    if stack:  # pragma: no cover - libxml2 refuses an unclosed element first
        raise Unreadable(gettext("%(file)s ends inside a description") % {"file": name})


# Dates.

_POINT = (re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"), re.compile(r"(\d{4})(\d{2})(\d{2})"))
_SPAN = re.compile(r"\s*(?:/|--|–|—|\s-\s)\s*")
_YEARS = re.compile(r"(\d{4})-(\d{4})")


def _parts(value: str) -> list[tuple]:
    """The one or two points of a date as (year, month, day) strings, month and day None where not given."""
    years = _YEARS.fullmatch(value)
    sides = list(years.groups()) if years else _SPAN.split(value, maxsplit=1)
    points = []
    for side in sides:
        m = next((m for pattern in _POINT if (m := pattern.fullmatch(side.strip()))), None)
        if m is None:
            raise ValueError(gettext("not a date or a span of dates in ISO 8601 (1956-02-14, 1956, 1917/1991)"))
        points.append(m.groups())
    return points


@dataclass(frozen=True)
class Dates:
    start: dt.date
    end: dt.date
    day: dt.date | None  # the one day it names, where it names a whole day


def _point(year, month, day, *, last: bool) -> tuple[dt.date, bool]:
    y = int(year)
    if month is None:
        return (dt.date(y, 12, 31) if last else dt.date(y, 1, 1)), False
    m = int(month)
    if day is None:
        return (dt.date(y, m, calendar.monthrange(y, m)[1]) if last else dt.date(y, m, 1)), False
    return dt.date(y, m, int(day)), True


def read_dates(normal: str, as_written: str) -> Dates | None:
    """The span a unitdate names: from its normal attribute (ISO 8601: 1956, 1956-02, 1956-02-14,
    1917/1991) or, where there is none, from its text in the same forms (1917-1991, 1917 - 1991 too).
    None where there is no date at all; ValueError (the reason) where there is one that cannot be read."""
    value = (normal or as_written or "").strip()
    if not value:
        return None
    points = _parts(value)
    try:
        start, start_day = _point(*points[0], last=False)
        end, end_day = _point(*points[-1], last=True)
    except ValueError:
        raise ValueError(gettext("no such day")) from None
    if end < start:
        raise ValueError(gettext("it ends before it begins"))
    return Dates(start, end, start if start_day and end_day and start == end else None)
