"""EAD3 finding aids (Encoded Archival Description, version 3; SAA 2015, release 1.1.1).

A fonds is one document: archdesc level="fonds" with its series, files and items as nested c
elements in a dsc. Each item carries its published text (each redaction a marked blank whose
abbr expansion is the reason), its annotations, its citation and why it may be read.
"""

from __future__ import annotations

import datetime
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

NAMESPACE = "http://ead3.archivists.org/schema/"
SCHEMA_LOCATION = "https://www.loc.gov/ead/ead3.xsd"  # announced by OAI-PMH; the RNG forbids xsi:schemaLocation


def fonds_document(repository: Repository, fonds: Unit, *, created: datetime.datetime) -> bytes:
    """The finding aid of one fonds and everything published under it."""
    return _bytes(_ead(repository, fonds, (), created))


def fonds_stream(repository: Repository, fonds: Unit, *, created: datetime.datetime) -> Iterator[bytes]:
    """fonds_document written piece by piece as the fonds's children are read (a large fonds)."""
    root = _ead(repository, fonds, (), created, walk=False)
    return stream(
        root,
        (f"{{{NAMESPACE}}}dsc", {}),
        f"{{{NAMESPACE}}}c",
        lambda element, node: _describe(element, repository, node, ()),
        fonds,
    )


def item_document(
    repository: Repository, item: PublishedItem, *, path: tuple[Unit, ...], created: datetime.datetime
) -> bytes:
    """One item in its context: the units of `path` (fonds first) summarised, only this item below them."""
    return _bytes(item_record(repository, item, path=path, created=created))


def item_record(
    repository: Repository, item: PublishedItem, *, path: tuple[Unit, ...], created: datetime.datetime
) -> etree._Element:
    """The root element of item_document, for embedding in an OAI-PMH record."""
    return _ead(repository, item, path, created)


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


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
    root = etree.Element(f"{{{NAMESPACE}}}ead", nsmap={None: NAMESPACE})
    control = _sub(root, "control")
    _sub(control, "recordid", record_id(repository.code, subject))
    filedesc = _sub(control, "filedesc")
    _sub(_sub(filedesc, "titlestmt"), "titleproper", subject.title)
    _sub(_sub(filedesc, "publicationstmt"), "publisher", repository.name)
    _sub(control, "maintenancestatus", value="new")
    _sub(control, "publicationstatus", value="published")
    agency = _sub(control, "maintenanceagency")
    if repository.country_code:
        agency.set("countrycode", repository.country_code)
    if repository.agency_code:
        _sub(agency, "agencycode", repository.agency_code)
    _sub(agency, "agencyname", repository.name)
    declaration = _sub(control, "languagedeclaration")
    _sub(declaration, "language", "English", langcode="eng")
    _sub(declaration, "script", "Latin", scriptcode="Latn")
    event = _sub(_sub(control, "maintenancehistory"), "maintenanceevent")
    _sub(event, "eventtype", value="created")
    _sub(event, "eventdatetime", utc(created), standarddatetime=utc(created))
    _sub(event, "agenttype", value="machine")
    _sub(event, "agent", "Secretariat")
    _describe(_sub(root, "archdesc", level=_level(top)), repository, top, trail)
    return root


def _level(node: Unit | PublishedItem) -> str:
    return "item" if isinstance(node, PublishedItem) else node.level


def _describe(element: etree._Element, repository: Repository, node: Unit | PublishedItem, trail) -> None:
    """Fill an archdesc or c: its did, its notes, then the components under it (in a dsc at the top)."""
    did = _sub(element, "did")
    for part, value in reference_parts(node.reference):
        _sub(did, "unitid", value, localtype=part)
    _sub(did, "unitid", node.reference.citation, localtype="reference")
    if node.reference.as_written:
        _sub(did, "unitid", node.reference.as_written, localtype="as-written")
    _sub(did, "unittitle", node.title)
    _dates(did, node)
    for creator in creators(node):
        _sub(_sub(_sub(did, "origination"), "corpname"), "part", creator)
    if found := languages(node):
        material = _sub(did, "langmaterial")
        for lang in found:
            _sub(material, "language", lang.name, langcode=lang.code)
    _sub(_sub(_sub(did, "repository"), "corpname"), "part", repository.name)
    if isinstance(node, PublishedItem):
        _item(element, did, node)
        return
    _sub(_sub(element, "accessrestrict"), "p", "Only declassified, published items are described.")
    _sub(_sub(element, "prefercite"), "p", node.reference.citation)
    children = branch(node, trail)
    below = _sub(element, "dsc") if children and element.tag == f"{{{NAMESPACE}}}archdesc" else element
    for child, rest in children:
        _describe(_sub(below, "c", level=_level(child)), repository, child, rest)


def _dates(did: etree._Element, node: Unit | PublishedItem) -> None:
    if isinstance(node, PublishedItem):
        if node.date:
            written = node.date_as_written or node.date.isoformat()
            _sub(_sub(did, "unitdatestructured"), "datesingle", written, standarddate=node.date.isoformat())
        elif node.date_as_written:
            _sub(did, "unitdate", node.date_as_written)
    elif span := date_span(node):
        first, last = (d.isoformat() for d in span)
        dates = _sub(_sub(did, "unitdatestructured", unitdatetype="inclusive"), "daterange")
        _sub(dates, "fromdate", first, standarddate=first)
        _sub(dates, "todate", last, standarddate=last)


def _item(c: etree._Element, did: etree._Element, item: PublishedItem) -> None:
    if item.reference.sheet_count:
        extent = _sub(did, "physdescstructured", coverage="whole", physdescstructuredtype="materialtype")
        _sub(extent, "quantity", str(item.reference.sheet_count))
        _sub(extent, "unittype", "sheets")
    if item.reference.sheets:
        _sub(did, "physdesc", f"Sheets {item.reference.sheets}")
    access = _sub(c, "accessrestrict")
    for sentence in access_statement(item):
        _sub(access, "p", sentence)
    _sub(_sub(c, "prefercite"), "p", item.citation)
    if lines := paragraphs(item):  # a scopecontent must hold a paragraph
        text = _sub(c, "scopecontent", localtype="text")
        _sub(text, "head", "Text")
        for runs in lines:
            write_runs(_sub(text, "p"), runs, f"{{{NAMESPACE}}}abbr")
    if marking := original_marking(item):
        odd = _sub(c, "odd", localtype="original-marking")
        _sub(odd, "head", "As originally marked")
        _sub(odd, "p", marking)
    for annotation in item.annotations:
        odd = _sub(c, "odd", localtype=annotation.kind)
        _sub(odd, "head", ANNOTATION_LABELS.get(annotation.kind, annotation.kind))
        _sub(odd, "p", annotation.text)
