"""Simple Dublin Core (the fifteen elements, as OAI-PMH's oai_dc carries them) for published items.

Dublin Core has no markup inside a value, so the text goes out as plain_text(): each redaction
the marked blank "[REDACTED: CODE]", its reason stated in dc:rights beside why the item is open.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from secretariat.archive import export
from secretariat.archive.export import (
    ANNOTATION_LABELS,
    Chunks,
    access_statement,
    clean,
    original_marking,
    parent_citation,
)
from secretariat.archive.records import PublishedItem

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
SCHEMA_LOCATION = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def record(item: PublishedItem) -> etree._Element:
    """One item as an oai_dc:dc element."""
    dc = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": _XSI})
    dc.set(f"{{{_XSI}}}schemaLocation", f"{OAI_DC} {SCHEMA_LOCATION}")

    def add(name: str, value: str, lang: str = "") -> None:
        if value:
            element = etree.SubElement(dc, f"{{{DC}}}{name}", {_XML_LANG: lang} if lang else {})
            element.text = clean(value)

    add("title", item.title)
    add("creator", item.creator)
    add("date", item.date.isoformat() if item.date else "")
    add("type", "Text")
    add("format", f"{item.reference.sheet_count} sheets" if item.reference.sheet_count else "")
    add("identifier", item.citation)
    add("language", item.language)
    add("description", item.plain_text(), item.language)
    if marking := original_marking(item):
        add("description", f"As originally marked: {marking}")
    for annotation in item.annotations:
        add(
            "description",
            f"{ANNOTATION_LABELS.get(annotation.kind, annotation.kind)}: {annotation.text}",
            item.language,
        )
    add("source", item.reference.as_written or item.citation)
    add("relation", f"Part of {parent_citation(item.reference)}")
    add("rights", " ".join(access_statement(item)))
    return dc


def document(items: Iterable[PublishedItem]) -> bytes:
    """A standalone collection: a <records> root (no namespace) holding one oai_dc:dc per item."""
    root = etree.Element("records", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": _XSI})
    root.extend(record(item) for item in items)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def document_stream(items: Iterable[PublishedItem]) -> Iterator[bytes]:
    """document() written piece by piece as the items are read (a large fonds)."""
    out = Chunks()
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("records", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": _XSI}):
            xf.write("\n")
            for n, item in enumerate(items, 1):
                xf.write(record(item), pretty_print=True)
                if n % export.FLUSH_EVERY == 0:
                    yield out.take()
    yield out.take() + b"\n"
