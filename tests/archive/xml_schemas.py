"""The vendored XML schemas (tests/archive/schemas/), loaded offline, and the checks the export tests make with them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from secretariat.archive.export import dublin_core, ead3, oai

SCHEMAS = Path(__file__).parent / "schemas"
# Where the vendored schemas import each other from; the resolver answers with the local copy.
_LOCAL = {
    "http://www.loc.gov/standards/xlink/xlink.xsd": "xlink.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
}


class _Offline(etree.Resolver):
    def resolve(self, url, pubid, context):
        if url in _LOCAL:
            return self.resolve_filename(str(SCHEMAS / _LOCAL[url]), context)
        return None


def parser() -> etree.XMLParser:
    offline = etree.XMLParser(no_network=True)
    offline.resolvers.add(_Offline())
    return offline


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser()))


@cache
def ead3_rng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "ead3.rng")))


@cache
def dc_collection_schema() -> etree.XMLSchema:
    """<records> holding oai_dc:dc elements, each checked strictly against oai_dc.xsd."""
    xs = "http://www.w3.org/2001/XMLSchema"
    root = etree.Element(f"{{{xs}}}schema", nsmap={"xs": xs})
    etree.SubElement(
        root, f"{{{xs}}}import", namespace=dublin_core.OAI_DC, schemaLocation=(SCHEMAS / "oai_dc.xsd").as_uri()
    )
    records = etree.SubElement(root, f"{{{xs}}}element", name="records")
    sequence = etree.SubElement(etree.SubElement(records, f"{{{xs}}}complexType"), f"{{{xs}}}sequence")
    etree.SubElement(
        sequence,
        f"{{{xs}}}any",
        namespace=dublin_core.OAI_DC,
        processContents="strict",
        minOccurs="0",
        maxOccurs="unbounded",
    )
    return etree.XMLSchema(etree.fromstring(etree.tostring(root), parser()))


def assert_valid(validator, document: bytes | etree._Element) -> etree._Element:
    root = etree.fromstring(document) if isinstance(document, bytes) else document
    assert validator.validate(root), validator.error_log
    return root


def all_text(document: bytes | etree._Element) -> str:
    """Every character a reader of the document could get at: text and attribute values."""
    root = etree.fromstring(document) if isinstance(document, bytes) else document
    return "".join(root.itertext()) + "\n".join(
        ["", *(value for element in root.iter() for value in element.attrib.values())]
    )


@cache
def oai_schema() -> etree.XMLSchema:
    """OAI-PMH.xsd with the two metadata schemas it must check records against (processContents strict)."""
    xs = "http://www.w3.org/2001/XMLSchema"
    driver = etree.Element(f"{{{xs}}}schema", nsmap={"xs": xs})
    for namespace, name in (
        (oai.NAMESPACE, "OAI-PMH.xsd"),
        (dublin_core.OAI_DC, "oai_dc.xsd"),
        (ead3.NAMESPACE, "ead3.xsd"),
    ):
        etree.SubElement(driver, f"{{{xs}}}import", namespace=namespace, schemaLocation=(SCHEMAS / name).as_uri())
    return etree.XMLSchema(etree.fromstring(etree.tostring(driver), parser()))
