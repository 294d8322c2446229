"""EAD 2002 finding aids (urn:isbn:1-931666-22-9, the W3C schema ead.xsd): what AtoM imports.

The same description as the EAD3 exporter in the older vocabulary: eadheader instead of control,
physdesc/extent, unitdate@normal, odd@type. AtoM takes the first unitid as a unit's identifier,
so that one is the unit's own number and the parts and citation follow as alternatives.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from lxml import etree

from secretariat.archive.export import (
    ANNOTATION_LABELS,
    access_statement,
    branch,
    chain,
    clean,
    creators,
    date_span,
    languages,
    original_marking,
    paragraphs,
    record_id,
    reference_parts,
    stream,
    utc,
    write_runs,
)
from secretariat.archive.records import PublishedItem, Repository, Unit

NAMESPACE = "urn:isbn:1-931666-22-9"
SCHEMA_LOCATION = "http://www.loc.gov/ead/ead.xsd"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XLINK = "http://www.w3.org/1999/xlink"
_COUNTRY = re.compile(r"[A-Z]{2,3}|[0-9]{2,3}")
_ISIL = re.compile(r"(([A-Z]{2})|([a-zA-Z]{1})|([a-zA-Z]{3,4}))(-[a-zA-Z0-9:/\-]{1,11})")


def fonds_document(repository: Repository, fonds: Unit, *, created: datetime.datetime) -> bytes:
    """The finding aid of one fonds and everything published under it."""
    return _bytes(_ead(repository, fonds, (), created))


def fonds_stream(repository: Repository, fonds: Unit, *, created: datetime.datetime) -> Iterator[bytes]:
    """fonds_document written piece by piece as the fonds's children are read (a large fonds)."""
    root = _ead(repository, fonds, (), created, walk=False)
    return stream(
        root,
        (f"{{{NAMESPACE}}}dsc", {"type": "combined"}),
        f"{{{NAMESPACE}}}c",
        lambda element, node: _describe(element, repository, node, ()),
        fonds,
    )


def item_document(
    repository: Repository, item: PublishedItem, *, path: tuple[Unit, ...], created: datetime.datetime
) -> bytes:
    """One item in its context: the units of `path` (fonds first) summarised, only this item below them."""
    return _bytes(_ead(repository, item, path, created))


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _codes(repository: Repository, country: str, agency: str) -> dict[str, str]:
    """The country and ISIL attributes, where the repository's codes have the form the schema demands."""
    codes = {}
    if _COUNTRY.fullmatch(repository.country_code):
        codes[country] = repository.country_code
    if _ISIL.fullmatch(repository.agency_code):
        codes[agency] = repository.agency_code
    return codes


def _ead(
    repository: Repository,
    subject: Unit | PublishedItem,
    path: tuple[Unit, ...],
    created: datetime.datetime,
    walk: bool = True,
) -> etree._Element:
    """The document about `subject`, described from the top of `path` down to it (without walk:
    the top alone, for `fonds_stream` to write what lies below)."""
    top, trail = chain(path, subject)
    trail = trail if walk else ()
    root = etree.Element(f"{{{NAMESPACE}}}ead", nsmap={None: NAMESPACE, "xlink": _XLINK, "xsi": _XSI})
    root.set(f"{{{_XSI}}}schemaLocation", f"{NAMESPACE} {SCHEMA_LOCATION}")
    header = _sub(root, "eadheader")
    _sub(header, "eadid", record_id(repository.code, subject), **_codes(repository, "countrycode", "mainagencycode"))
    filedesc = _sub(header, "filedesc")
    _sub(_sub(filedesc, "titlestmt"), "titleproper", subject.title)
    _sub(_sub(filedesc, "publicationstmt"), "publisher", repository.name)
    profile = _sub(header, "profiledesc")
    creation = _sub(profile, "creation", "Encoded by Secretariat, ")
    _sub(creation, "date", utc(created), normal=created.date().isoformat())
    _sub(_sub(profile, "langusage"), "language", "English", langcode="eng")
    _describe(_sub(root, "archdesc", level=_level(top)), repository, top, trail)
    return root


def _level(node: Unit | PublishedItem) -> str:
    return "item" if isinstance(node, PublishedItem) else node.level


def _describe(element: etree._Element, repository: Repository, node: Unit | PublishedItem, trail) -> None:
    """Fill an archdesc or c: its did, its notes, then the components under it (in a dsc at the top)."""
    did = _sub(element, "did")
    parts = reference_parts(node.reference)
    own = node.identifier if isinstance(node, Unit) else (parts[-1][1] if parts else node.identifier)
    top = element.tag == f"{{{NAMESPACE}}}archdesc"
    _sub(did, "unitid", own, **(_codes(repository, "countrycode", "repositorycode") if top else {}))
    for part, value in parts:
        _sub(did, "unitid", value, type="alternative", label=part)
    _sub(did, "unitid", node.reference.citation, type="alternative", label="reference")
    if node.reference.as_written:
        _sub(did, "unitid", node.reference.as_written, type="alternative", label="as written")
    _sub(did, "unittitle", node.title)
    _dates(did, node)
    for creator in creators(node):
        _sub(_sub(did, "origination", label="Creator"), "corpname", creator)
    if found := languages(node):
        material = _sub(did, "langmaterial")
        for lang in found:
            _sub(material, "language", lang.name, langcode=lang.code)
    _sub(_sub(did, "repository"), "corpname", repository.name)
    if isinstance(node, PublishedItem):
        _item(element, did, node)
        return
    _sub(_sub(element, "accessrestrict"), "p", "Only declassified, published items are described.")
    _sub(_sub(element, "prefercite"), "p", node.reference.citation)
    children = branch(node, trail)
    below = _sub(element, "dsc", type="combined") if children and top else element
    for child, rest in children:
        _describe(_sub(below, "c", level=_level(child)), repository, child, rest)


def _dates(did: etree._Element, node: Unit | PublishedItem) -> None:
    if isinstance(node, PublishedItem):
        if node.date:
            _sub(did, "unitdate", node.date_as_written or node.date.isoformat(), normal=node.date.isoformat())
        elif node.date_as_written:
            _sub(did, "unitdate", node.date_as_written)
    elif span := date_span(node):
        first, last = (d.isoformat() for d in span)
        if first == last:
            _sub(did, "unitdate", first, type="inclusive", normal=first)
        else:  # this schema's @normal takes single dates only, so a range is given as text
            _sub(did, "unitdate", f"{first} – {last}", type="inclusive")


def _item(c: etree._Element, did: etree._Element, item: PublishedItem) -> None:
    if item.reference.sheet_count or item.reference.sheets:
        physdesc = _sub(did, "physdesc")
        if item.reference.sheet_count:
            _sub(physdesc, "extent", f"{item.reference.sheet_count} sheets", unit="sheets")
        if item.reference.sheets:
            _sub(physdesc, "extent", f"Sheets {item.reference.sheets}", type="foliation")
    access = _sub(c, "accessrestrict")
    for sentence in access_statement(item):
        _sub(access, "p", sentence)
    _sub(_sub(c, "prefercite"), "p", item.citation)
    if lines := paragraphs(item):  # a scopecontent must hold a paragraph
        text = _sub(c, "scopecontent")
        _sub(text, "head", "Text")
        for runs in lines:
            write_runs(_sub(text, "p"), runs, f"{{{NAMESPACE}}}abbr")
    if marking := original_marking(item):
        odd = _sub(c, "odd", type="original-marking")
        _sub(odd, "head", "As originally marked")
        _sub(odd, "p", marking)
    for annotation in item.annotations:
        odd = _sub(c, "odd", type=annotation.kind)
        _sub(odd, "head", ANNOTATION_LABELS.get(annotation.kind, annotation.kind))
        _sub(odd, "p", annotation.text)
