"""EAD3, EAD 2002 and Dublin Core exports: valid against the official schemas, faithful, and leak-free.

The reference case (TsKhSD, f. 89, op. 25, d. 44) is built in reference_records.py as records.py would give it: the
guidance naming an embassy officer is withheld, a Redacted segment standing where the name was.
"""

from __future__ import annotations

import dataclasses
import datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from secretariat.archive import selectors
from secretariat.archive.export import clean, dublin_core, ead3, ead2002
from secretariat.archive.models import Redaction
from secretariat.archive.records import PublishedItem, Reference, Text, Unit
from secretariat.archive.services import Span
from tests.archive.reference_records import (
    FOND_89,
    GUIDANCE,
    OPIS_25,
    OPIS_31,
    PRIVACY,
    REFERENCE_ITEM,
    RUSSIAN_ITEM,
    SECOND_ITEM,
    SECRET,
    TITLE,
    TSKHSD,
)
from tests.archive.xml_schemas import all_text, assert_valid, dc_collection_schema, ead3_rng, schema

EAD3 = "{http://ead3.archivists.org/schema/}"
EAD2002 = "{urn:isbn:1-931666-22-9}"
DC = "{http://purl.org/dc/elements/1.1/}"
UTC = datetime.UTC
CREATED = datetime.datetime(2025, 1, 15, 10, 0, tzinfo=UTC)


def every_export(items_and_paths, fonds: list[Unit]) -> dict[str, bytes]:
    """Every document the three file exporters make from these records."""
    out = {}
    for top in fonds:
        out[f"ead3 fonds {top.identifier}"] = ead3.fonds_document(TSKHSD, top, created=CREATED)
        out[f"ead2002 fonds {top.identifier}"] = ead2002.fonds_document(TSKHSD, top, created=CREATED)
    for item, path in items_and_paths:
        out[f"ead3 item {item.identifier}"] = ead3.item_document(TSKHSD, item, path=path, created=CREATED)
        out[f"ead2002 item {item.identifier}"] = ead2002.item_document(TSKHSD, item, path=path, created=CREATED)
    out["dc"] = dublin_core.document([item for item, _ in items_and_paths])
    return out


LOCATED = [(REFERENCE_ITEM, (FOND_89, OPIS_25)), (SECOND_ITEM, (FOND_89, OPIS_25)), (RUSSIAN_ITEM, (FOND_89, OPIS_31))]


def published_lines(item: PublishedItem) -> list[str]:
    return [line for line in item.plain_text().splitlines() if line.strip()]


# -- validity -----------------------------------------------------------------------------------


def test_every_ead3_document_is_valid_against_the_official_xsd_and_rng():
    documents = [ead3.fonds_document(TSKHSD, FOND_89, created=CREATED)]
    documents += [ead3.item_document(TSKHSD, item, path=path, created=CREATED) for item, path in LOCATED]
    documents.append(ead3.item_document(TSKHSD, REFERENCE_ITEM, path=(), created=CREATED))
    for document in documents:
        assert_valid(schema("ead3.xsd"), document)
        assert_valid(ead3_rng(), document)


def test_every_ead2002_document_is_valid_against_the_ead2002_schema():
    documents = [ead2002.fonds_document(TSKHSD, FOND_89, created=CREATED)]
    documents += [ead2002.item_document(TSKHSD, item, path=path, created=CREATED) for item, path in LOCATED]
    documents.append(ead2002.item_document(TSKHSD, REFERENCE_ITEM, path=(), created=CREATED))
    for document in documents:
        assert_valid(schema("ead.xsd"), document)


def test_dublin_core_records_and_collection_are_valid():
    for item, _ in LOCATED:
        assert_valid(schema("oai_dc.xsd"), dublin_core.record(item))
    collection = assert_valid(dc_collection_schema(), dublin_core.document([item for item, _ in LOCATED]))
    assert len(collection) == 3


def test_an_invalid_document_is_refused_by_the_vendored_schemas():
    """The validation above means something: a finding aid without its level fails."""
    root = etree.fromstring(ead3.fonds_document(TSKHSD, FOND_89, created=CREATED))
    del root.find(f"{EAD3}archdesc").attrib["level"]
    assert not schema("ead3.xsd").validate(root)
    assert not ead3_rng().validate(root)
    root = etree.fromstring(ead2002.fonds_document(TSKHSD, FOND_89, created=CREATED))
    root.find(f"{EAD2002}archdesc").set("level", "opis")
    assert not schema("ead.xsd").validate(root)
    record = dublin_core.record(REFERENCE_ITEM)
    etree.SubElement(record, f"{DC}signature").text = "x"
    assert not schema("oai_dc.xsd").validate(record)


# -- what the documents say ---------------------------------------------------------------------


def test_ead3_finding_aid_describes_the_fonds_its_series_and_the_reference_item():
    root = etree.fromstring(ead3.fonds_document(TSKHSD, FOND_89, created=CREATED))
    archdesc = root.find(f"{EAD3}archdesc")
    assert archdesc.get("level") == "fonds"
    assert [c.get("level") for c in archdesc.iter(f"{EAD3}c")] == ["series", "item", "item", "series", "item"]
    item = next(c for c in archdesc.iter(f"{EAD3}c") if c.findtext(f"{EAD3}did/{EAD3}unittitle") == TITLE)
    did = item.find(f"{EAD3}did")
    unitids = {u.get("localtype"): u.text for u in did.findall(f"{EAD3}unitid")}
    assert unitids == {
        "fond": "89",
        "opis": "25",
        "document": "44",
        "reference": "TsKhSD, f. 89, op. 25, d. 44, 7 sheets",
        "as-written": "Fond 89 Opis list 25 Document 44 Pages 7",
    }
    date = did.find(f"{EAD3}unitdatestructured/{EAD3}datesingle")
    assert (date.get("standarddate"), date.text) == ("1977-02-18", "February 18, 1977")
    assert did.findtext(f"{EAD3}physdescstructured/{EAD3}quantity") == "7"
    assert did.findtext(f"{EAD3}physdescstructured/{EAD3}unittype") == "sheets"
    assert did.findtext(f"{EAD3}origination/{EAD3}corpname/{EAD3}part") == "CC CPSU Politburo"
    assert did.find(f"{EAD3}langmaterial/{EAD3}language").get("langcode") == "eng"
    assert item.findtext(f"{EAD3}prefercite/{EAD3}p") == "TsKhSD, f. 89, op. 25, d. 44, 7 sheets"
    access = [p.text for p in item.findall(f"{EAD3}accessrestrict/{EAD3}p")]
    assert access == [
        "Declassified on 1994-03-31 and published.",
        "[REDACTED: PRIVACY] withheld: names a member of a foreign embassy's staff.",
    ]
    text = item.find(f"{EAD3}scopecontent")
    assert [p.xpath("string()") for p in text.findall(f"{EAD3}p")] == published_lines(REFERENCE_ITEM)
    blank = text.find(f".//{EAD3}abbr")
    assert (blank.text, blank.get("expan")) == ("[REDACTED: PRIVACY]", PRIVACY.reason)
    notes = {odd.get("localtype"): odd.findtext(f"{EAD3}p") for odd in item.findall(f"{EAD3}odd")}
    assert notes == {
        "original-marking": "No P46/X; TOP SECRET",
        "margin": REFERENCE_ITEM.annotations[0].text,
        "stamp": REFERENCE_ITEM.annotations[1].text,
    }
    fonds_dates = archdesc.find(f"{EAD3}did/{EAD3}unitdatestructured/{EAD3}daterange")
    assert [d.get("standarddate") for d in fonds_dates] == ["1977-02-18", "1980-01-29"]
    assert root.find(f".//{EAD3}eventdatetime").get("standarddatetime") == "2025-01-15T10:00:00Z"


def test_ead3_item_document_keeps_the_context_but_only_the_one_item():
    root = etree.fromstring(ead3.item_document(TSKHSD, RUSSIAN_ITEM, path=(FOND_89, OPIS_31), created=CREATED))
    assert root.findtext(f"{EAD3}control/{EAD3}recordid") == "tskhsd-89-31-29"
    titles = [did.findtext(f"{EAD3}unittitle") for did in root.iter(f"{EAD3}did")]
    assert titles == [FOND_89.title, OPIS_31.title, RUSSIAN_ITEM.title]
    # the fonds is still summarised whole: both creators and both languages of what is published in it
    fonds_did = root.find(f"{EAD3}archdesc/{EAD3}did")
    assert [p.text for p in fonds_did.iter(f"{EAD3}part")][:2] == ["CC CPSU Politburo", "Политбюро ЦК КПСС"]
    assert [lang.get("langcode") for lang in fonds_did.iter(f"{EAD3}language")] == ["eng", "rus"]
    item = root.find(f".//{EAD3}c[@level='item']")
    assert [p.xpath("string()") for p in item.findall(f"{EAD3}scopecontent/{EAD3}p")] == published_lines(RUSSIAN_ITEM)
    assert item.find(f".//{EAD3}abbr").get("expan") == "раскрывает источник"
    assert (
        item.findtext(f"{EAD3}odd[@localtype='original-marking']/{EAD3}p")
        == "No П106/12; Совершенно секретно; Особая папка"
    )


def test_ead2002_uses_the_vocabulary_atom_imports():
    root = etree.fromstring(ead2002.fonds_document(TSKHSD, FOND_89, created=CREATED))
    assert root.findtext(f"{EAD2002}eadheader/{EAD2002}eadid") == "tskhsd-89"
    archdesc = root.find(f"{EAD2002}archdesc")
    assert archdesc.get("level") == "fonds"
    assert archdesc.find(f"{EAD2002}did/{EAD2002}unitid").text == "89"
    assert archdesc.find(f"{EAD2002}did/{EAD2002}unitdate").text == "1977-02-18 – 1980-01-29"
    item = next(c for c in archdesc.iter(f"{EAD2002}c") if c.findtext(f"{EAD2002}did/{EAD2002}unittitle") == TITLE)
    did = item.find(f"{EAD2002}did")
    assert did.findtext(f"{EAD2002}unitid") == "44"
    assert {u.get("label"): u.text for u in did.findall(f"{EAD2002}unitid[@type='alternative']")} == {
        "fond": "89",
        "opis": "25",
        "document": "44",
        "reference": "TsKhSD, f. 89, op. 25, d. 44, 7 sheets",
        "as written": "Fond 89 Opis list 25 Document 44 Pages 7",
    }
    assert did.find(f"{EAD2002}unitdate").get("normal") == "1977-02-18"
    assert did.findtext(f"{EAD2002}physdesc/{EAD2002}extent[@unit='sheets']") == "7 sheets"
    assert did.findtext(f"{EAD2002}origination/{EAD2002}corpname") == "CC CPSU Politburo"
    assert did.find(f"{EAD2002}langmaterial/{EAD2002}language").get("langcode") == "eng"
    assert item.findtext(f"{EAD2002}prefercite/{EAD2002}p") == REFERENCE_ITEM.citation
    text = item.find(f"{EAD2002}scopecontent")
    assert [p.xpath("string()") for p in text.findall(f"{EAD2002}p")] == published_lines(REFERENCE_ITEM)
    assert {odd.get("type") for odd in item.findall(f"{EAD2002}odd")} == {"original-marking", "margin", "stamp"}
    assert [c.get("level") for c in archdesc.find(f"{EAD2002}dsc")] == ["series", "series"]


def test_dublin_core_record_carries_the_fields_and_the_redacted_text():
    record = dublin_core.record(REFERENCE_ITEM)
    fields: dict[str, list[str]] = {}
    for element in record:
        fields.setdefault(etree.QName(element).localname, []).append(element.text)
    assert fields["title"] == [TITLE]
    assert fields["creator"] == ["CC CPSU Politburo"]
    assert fields["date"] == ["1977-02-18"]
    assert fields["type"] == ["Text"]
    assert fields["format"] == ["7 sheets"]
    assert fields["identifier"] == ["TsKhSD, f. 89, op. 25, d. 44, 7 sheets"]
    assert fields["language"] == ["en"]
    assert fields["description"][0] == REFERENCE_ITEM.plain_text()
    assert "Margin note: Must be returned within 7 days" in fields["description"][2]
    assert fields["source"] == ["Fond 89 Opis list 25 Document 44 Pages 7"]
    assert fields["relation"] == ["Part of TsKhSD, f. 89, op. 25"]
    assert fields["rights"] == [
        "Declassified on 1994-03-31 and published. [REDACTED: PRIVACY] withheld: names a member of a foreign embassy's staff."
    ]


def test_cyrillic_is_kept_as_utf8():
    for document in (
        ead3.item_document(TSKHSD, RUSSIAN_ITEM, path=(FOND_89, OPIS_31), created=CREATED),
        ead2002.item_document(TSKHSD, RUSSIAN_ITEM, path=(FOND_89, OPIS_31), created=CREATED),
        dublin_core.document([RUSSIAN_ITEM]),
    ):
        assert "Выписка из протокола № 106".encode() in document
        assert "Согласиться с предложением, изложенным в записке [REDACTED: SOURCES]" in all_text(document)


def test_same_records_same_bytes_and_no_clock_but_created():
    first = every_export(LOCATED, [FOND_89])
    assert first == every_export(LOCATED, [FOND_89])
    later = dataclasses.replace(REFERENCE_ITEM)  # an equal record built again
    assert (
        ead3.item_document(TSKHSD, later, path=(FOND_89, OPIS_25), created=CREATED)
        == first[f"ead3 item {later.identifier}"]
    )
    other = ead3.fonds_document(TSKHSD, FOND_89, created=CREATED + datetime.timedelta(days=1))
    assert other != first["ead3 fonds 89"]
    assert other.replace(b"2025-01-16T10:00:00Z", b"2025-01-15T10:00:00Z") == first["ead3 fonds 89"]


def test_a_bare_item_still_gives_valid_documents():
    """No text, no date, no sheets, no creator, no language: every optional part left out, nothing invalid."""
    bare = PublishedItem(
        identifier="tskhsd-89-25-47",
        title="",
        creator="",
        date=None,
        date_as_written="",
        number="",
        classification_as_marked="",
        caveats=(),
        reference=Reference("TsKhSD", "89", "25", "47"),
        segments=(),
        annotations=(),
        language="",
        published_at=CREATED,
    )
    series = dataclasses.replace(OPIS_25, children=(bare,))
    fonds = dataclasses.replace(FOND_89, children=(series,))
    documents = every_export([(bare, (fonds, series))], [fonds])
    for name, document in documents.items():
        if name.startswith("ead3"):
            assert_valid(schema("ead3.xsd"), document)
            assert_valid(ead3_rng(), document)
        elif name.startswith("ead2002"):
            assert_valid(schema("ead.xsd"), document)
        else:
            assert_valid(dc_collection_schema(), document)


def test_control_characters_in_a_transcription_do_not_break_an_export():
    """OCR'd text can hold form feeds, which XML 1.0 cannot carry: they are dropped, the rest kept."""
    item = dataclasses.replace(SECOND_ITEM, segments=(Text("page one\x0cpage two\x00"),), title="Form\x0bfeed")
    for document in every_export([(item, (FOND_89,))], []).values():
        assert "page onepage two" in all_text(document)
    assert clean("a\x0cb\tc\n") == "ab\tc\n"


# -- nothing withheld leaves ---------------------------------------------------------------------


def test_the_reference_fixture_withholds_the_secret_only_by_its_redaction():
    assert SECRET in GUIDANCE
    assert all(SECRET not in s.text for s in REFERENCE_ITEM.segments if isinstance(s, Text))
    assert "[REDACTED: PRIVACY]" in REFERENCE_ITEM.plain_text()


def test_no_export_holds_the_redacted_phrase_but_each_holds_the_blank_and_its_reason():
    for name, document in every_export(LOCATED, [FOND_89]).items():
        readable = all_text(document)
        assert "Pressel" not in readable and b"Pressel" not in document, name
        assert SECRET not in readable, name
        if name in ("ead3 fonds 89", "ead2002 fonds 89", "dc") or name.endswith("tskhsd-89-25-44"):
            assert "[REDACTED: PRIVACY]" in readable, name
            assert PRIVACY.reason in readable, name
        elif name.endswith("tskhsd-89-31-29"):
            assert "[REDACTED: SOURCES]" in readable and "раскрывает источник" in readable, name


@settings(max_examples=40, deadline=None)
@given(
    secret=st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщыэюя", min_size=12, max_size=30),
    before=st.text(min_size=0, max_size=60),
    after=st.text(min_size=0, max_size=60),
)
def test_a_redacted_span_never_appears_in_any_export(secret, before, after):
    assume(secret not in clean(before) and secret not in clean(after))
    # The text really holds the secret: it is cut out the way the reading room's records are made.
    withheld = [Span(len(before), len(before) + len(secret), "SOURCES")]
    segments = selectors.segments(before + secret + after, withheld)
    item = dataclasses.replace(RUSSIAN_ITEM, segments=segments, annotations=())
    series = dataclasses.replace(OPIS_31, children=(item,))
    fonds = dataclasses.replace(FOND_89, children=(series,))
    # A drawn word the exports' own wording holds ("declassified") says nothing about redaction.
    without = dataclasses.replace(item, segments=selectors.segments(before + after, []))
    plain = dataclasses.replace(fonds, children=(dataclasses.replace(series, children=(without,)),))
    assume(not any(secret in all_text(d) for d in every_export([(without, (plain, series))], [plain]).values()))
    for name, document in every_export([(item, (fonds, series))], [fonds]).items():
        readable = all_text(document)
        assert secret not in readable, name
        assert "[REDACTED: SOURCES]" in readable and Redaction.Reason.SOURCES.label in readable, name
