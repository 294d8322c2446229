"""The OAI-PMH 2.0 provider: every verb and every error valid against OAI-PMH.xsd (with oai_dc and
EAD3 checked strictly inside), resumption through 250 items, tamper-evident tokens, from/until/set
selection, nothing withheld in any response, and a random request never breaking it."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from secretariat.archive import selectors
from secretariat.archive.export import dublin_core, ead3, oai
from secretariat.archive.records import PublishedItem, Reference, Unit
from secretariat.archive.services import Span
from tests.archive.reference_records import FOND_89, OPIS_25, PRIVACY, REFERENCE_ITEM, SECOND_ITEM, TSKHSD
from tests.archive.xml_schemas import all_text, assert_valid, ead3_rng, oai_schema

OAI = "{http://www.openarchives.org/OAI/2.0/}"
BASE_URL = "https://archive.example.org/oai"
NOW = datetime.datetime(2025, 2, 1, 12, 0, tzinfo=datetime.UTC)
SECRET_KEY = b"test secret, not the real one"
SOURCE = oai.TreeSource(TSKHSD, [FOND_89], ["archivist@archive.example.org"])
REFERENCE_ID = "oai:archive.example.org:tskhsd-89-25-44"


def ask(params, source=SOURCE, **options) -> etree._Element:
    """One request, its response checked against the schema."""
    return assert_valid(
        oai_schema(), oai.respond(params, source, base_url=BASE_URL, now=NOW, secret=SECRET_KEY, **options)
    )


def error_code(response: etree._Element) -> str | None:
    error = response.find(f"{OAI}error")
    return error.get("code") if error is not None else None


# -- 250 items in two series, one an hour, each with a withheld name -----------------------------

BASE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
NIGHTINGALE = "agent Nightingale"


def _withheld(text: str, phrase: str):
    """The text cut around `phrase` the way the reading room's records are made (selectors.segments)."""
    start = text.index(phrase)
    return selectors.segments(text, [Span(start, start + len(phrase), "SOURCES")])


def _big_item(n: int, series: str) -> PublishedItem:
    return PublishedItem(
        identifier=f"tskhsd-90-{series}-{n}",
        title=f"Report {n} (illustrative)",
        creator="KGB of the USSR",
        date=datetime.date(1979, 1, 1) + datetime.timedelta(days=n),
        date_as_written="",
        number=f"{n}-A",
        classification_as_marked="SECRET",
        caveats=(),
        reference=Reference("TsKhSD", "90", series, document=str(n), sheet_count=1),
        segments=_withheld(f"Report {n} was made by {NIGHTINGALE}.", NIGHTINGALE),
        annotations=(),
        language="en",
        published_at=BASE + datetime.timedelta(hours=n),
    )


SERIES_1 = Unit(
    "series", "1", "Opis 1", Reference("TsKhSD", "90", "1"), children=tuple(_big_item(n, "1") for n in range(150))
)
SERIES_2 = Unit(
    "series", "2", "Opis 2", Reference("TsKhSD", "90", "2"), children=tuple(_big_item(n, "2") for n in range(150, 250))
)
FOND_90 = Unit("fonds", "90", "Fond 90 (illustrative)", Reference("TsKhSD", "90"), children=(SERIES_1, SERIES_2))
BIG = oai.TreeSource(TSKHSD, [FOND_90], ["archivist@archive.example.org"])


def harvest(params, source=BIG, **options) -> list[etree._Element]:
    """Every page of a list, following resumption tokens to the end."""
    pages = [ask(params, source, **options)]
    while (token := pages[-1].find(f".//{OAI}resumptionToken")) is not None and token.text:
        pages.append(ask({"verb": params["verb"], "resumptionToken": token.text}, source, **options))
    return pages


def identifiers(pages) -> list[str]:
    return [h.findtext(f"{OAI}identifier") for page in pages for h in page.iter(f"{OAI}header")]


# -- the verbs ------------------------------------------------------------------------------------


def test_identify():
    identify = ask({"verb": "Identify"}).find(f"{OAI}Identify")
    assert identify.findtext(f"{OAI}repositoryName") == TSKHSD.name
    assert identify.findtext(f"{OAI}baseURL") == BASE_URL
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}adminEmail") == "archivist@archive.example.org"
    assert identify.findtext(f"{OAI}earliestDatestamp") == "2024-11-07T09:30:00Z"
    assert identify.findtext(f"{OAI}deletedRecord") == "no"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DDThh:mm:ssZ"


def test_list_metadata_formats_offers_oai_dc_and_ead3():
    for params in ({"verb": "ListMetadataFormats"}, {"verb": "ListMetadataFormats", "identifier": REFERENCE_ID}):
        formats = ask(params).iter(f"{OAI}metadataFormat")
        found = {f.findtext(f"{OAI}metadataPrefix"): f.findtext(f"{OAI}metadataNamespace") for f in formats}
        assert found == {
            "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
            "ead": "http://ead3.archivists.org/schema/",
        }


def test_list_sets_names_fonds_and_series():
    sets = ask({"verb": "ListSets"}).iter(f"{OAI}set")
    assert [(s.findtext(f"{OAI}setSpec"), s.findtext(f"{OAI}setName")) for s in sets] == [
        ("89", "TsKhSD, f. 89: Fond 89: CPSU on trial"),
        ("89:25", "TsKhSD, f. 89, op. 25: Opis 25"),
        ("89:31", "TsKhSD, f. 89, op. 31: Opis 31"),
    ]


def test_get_record_in_both_formats():
    dc = ask({"verb": "GetRecord", "identifier": REFERENCE_ID, "metadataPrefix": "oai_dc"})
    header = dc.find(f".//{OAI}header")
    assert header.findtext(f"{OAI}identifier") == REFERENCE_ID
    assert header.findtext(f"{OAI}datestamp") == "2024-11-07T09:30:00Z"
    assert [s.text for s in header.findall(f"{OAI}setSpec")] == ["89", "89:25"]
    assert dc.find(f".//{OAI}metadata/{{{dublin_core.OAI_DC}}}dc") is not None
    ead = ask({"verb": "GetRecord", "identifier": REFERENCE_ID, "metadataPrefix": "ead"})
    document = ead.find(f".//{OAI}metadata/{{{ead3.NAMESPACE}}}ead")
    assert_valid(ead3_rng(), etree.fromstring(etree.tostring(document)))
    assert document.findtext(f"{{{ead3.NAMESPACE}}}control/{{{ead3.NAMESPACE}}}recordid") == "tskhsd-89-25-44"


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
@pytest.mark.parametrize("prefix", ["oai_dc", "ead"])
def test_lists_give_every_item_in_datestamp_order(verb, prefix):
    response = ask({"verb": verb, "metadataPrefix": prefix})
    assert identifiers([response]) == [
        "oai:archive.example.org:tskhsd-89-25-44",
        "oai:archive.example.org:tskhsd-89-25-45",
        "oai:archive.example.org:tskhsd-89-31-29",
    ]
    assert response.find(f".//{OAI}resumptionToken") is None
    assert len(response.findall(f".//{OAI}metadata")) == (3 if verb == "ListRecords" else 0)


def test_a_domain_can_be_given_instead_of_taken_from_the_base_url():
    response = ask({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, domain="tskhsd.example")
    assert identifiers([response])[0] == "oai:tskhsd.example:tskhsd-89-25-44"


def test_same_request_same_bytes():
    params = {"verb": "ListRecords", "metadataPrefix": "ead"}
    first = oai.respond(params, SOURCE, base_url=BASE_URL, now=NOW, secret=SECRET_KEY)
    assert first == oai.respond(params, SOURCE, base_url=BASE_URL, now=NOW, secret=SECRET_KEY)


# -- errors ---------------------------------------------------------------------------------------

NO_SETS = oai.TreeSource(
    TSKHSD,
    [Unit("file", "7", "A file outside any fonds", Reference("TsKhSD", "7"), children=(SECOND_ITEM,))],
    ["a@b.example"],
)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "identifier": REFERENCE_ID}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "ead"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-01"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01T00:00:00+01:00"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2024-12-31T00:00:00Z"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai dc"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "89::25"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "not a uri"}, "badArgument"),
        ({"verb": "ListSets", "foo\x00": "bar"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "89\x0c"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marcxml"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "marcxml", "identifier": REFERENCE_ID}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:archive.example.org:tskhsd-1-1-1"},
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.example:tskhsd-89-25-44"},
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:archive.example.org:nothing"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2030-01-01"}, "noRecordsMatch"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "ead", "set": "89:99"}, "noRecordsMatch"),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "ead", "from": "2024-12-01", "until": "2024-11-01"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "resumptionToken": "not.atoken"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": ""}, "badResumptionToken"),
    ],
)
def test_error_conditions(params, code):
    response = ask(params)
    assert error_code(response) == code
    request = response.find(f"{OAI}request")
    assert request.text == BASE_URL
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # the protocol: the base URL only, no attributes
    else:
        assert request.get("verb") == params["verb"]


def test_no_set_hierarchy():
    assert error_code(ask({"verb": "ListSets"}, NO_SETS)) == "noSetHierarchy"
    assert error_code(ask({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "7"}, NO_SETS)) == "noSetHierarchy"
    assert identifiers([ask({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, NO_SETS)]) == [
        "oai:archive.example.org:tskhsd-89-25-45"
    ]


# -- resumption -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "prefix"), [("ListIdentifiers", "oai_dc"), ("ListRecords", "oai_dc"), ("ListRecords", "ead")]
)
def test_resumption_through_250_items(verb, prefix):
    pages = harvest({"verb": verb, "metadataPrefix": prefix})
    assert len(pages) == 3
    tokens = [page.find(f".//{OAI}resumptionToken") for page in pages]
    assert [t.get("completeListSize") for t in tokens] == ["250", "250", "250"]
    assert [t.get("cursor") for t in tokens] == ["0", "100", "200"]
    assert tokens[0].text and tokens[1].text and not tokens[2].text
    assert [len(list(page.iter(f"{OAI}header"))) for page in pages] == [100, 100, 50]
    found = identifiers(pages)
    assert len(found) == len(set(found)) == 250
    assert set(found) == {f"oai:archive.example.org:{i.identifier}" for i in FOND_90.items()}
    for page in pages:
        assert NIGHTINGALE not in all_text(page)


def test_page_size_is_a_parameter():
    pages = harvest({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, page_size=120)
    assert [len(list(page.iter(f"{OAI}header"))) for page in pages] == [120, 120, 10]


def test_tokens_are_self_contained_and_tamper_evident():
    token = ask({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, BIG).findtext(f".//{OAI}resumptionToken")
    same_records = oai.TreeSource(
        TSKHSD, [FOND_90], ["archivist@archive.example.org"]
    )  # another process, no shared state
    resumed = ask({"verb": "ListIdentifiers", "resumptionToken": token}, same_records)
    assert identifiers([resumed])[0] == "oai:archive.example.org:tskhsd-90-1-100"

    payload, mac = token.split(".")
    state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    rewound = base64.urlsafe_b64encode(json.dumps({**state, "offset": 0}).encode()).rstrip(b"=").decode()
    forged = [
        f"{rewound}.{mac}",  # the list state changed, the signature kept
        token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),  # the signature changed
        token + "x",
        payload,
    ]
    for bad in forged:
        assert error_code(ask({"verb": "ListIdentifiers", "resumptionToken": bad}, BIG)) == "badResumptionToken"
    assert (
        error_code(ask({"verb": "ListRecords", "resumptionToken": token}, BIG)) == "badResumptionToken"
    )  # another verb
    other_key = oai.respond(
        {"verb": "ListIdentifiers", "resumptionToken": token}, BIG, base_url=BASE_URL, now=NOW, secret=b"another"
    )
    assert error_code(assert_valid(oai_schema(), other_key)) == "badResumptionToken"


def test_a_token_past_the_end_of_a_shrunken_list_is_bad():
    token = ask({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, BIG).findtext(f".//{OAI}resumptionToken")
    smaller = oai.TreeSource(TSKHSD, [dataclasses.replace(FOND_90, children=(SERIES_2,))], ["a@b.example"])
    assert error_code(ask({"verb": "ListIdentifiers", "resumptionToken": token}, smaller)) == "badResumptionToken"


def test_list_sets_resumes_too():
    pages = harvest({"verb": "ListSets"}, SOURCE, page_size=2)
    assert [[s.text for s in page.iter(f"{OAI}setSpec")] for page in pages] == [["89", "89:25"], ["89:31"]]


# -- selection --------------------------------------------------------------------------------------


def numbers(pages) -> list[int]:
    return [int(identifier.rsplit("-", 1)[1]) for identifier in identifiers(pages)]


def test_from_and_until_by_day_cover_whole_days():
    pages = harvest(
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2024-01-02", "until": "2024-01-03"}
    )
    assert numbers(pages) == list(range(24, 72))


def test_from_and_until_by_second_are_inclusive():
    params = {
        "verb": "ListIdentifiers",
        "metadataPrefix": "oai_dc",
        "from": "2024-01-01T05:00:00Z",
        "until": "2024-01-01T07:00:00Z",
    }
    assert numbers(harvest(params)) == [5, 6, 7]
    params["from"] = "2024-01-01T05:00:01Z"
    assert numbers(harvest(params)) == [6, 7]


def test_sets_select_a_series_or_the_whole_fonds():
    assert numbers(harvest({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "90:2"})) == list(
        range(150, 250)
    )
    assert len(numbers(harvest({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "90"}))) == 250
    params = {
        "verb": "ListIdentifiers",
        "metadataPrefix": "oai_dc",
        "set": "90:1",
        "from": "2024-01-06",
        "until": "2024-01-07",
    }
    assert numbers(harvest(params)) == list(range(120, 150))


def test_resumed_pages_keep_the_selection():
    """The token carries set, from and until: the second page is still of the same selection."""
    assert numbers(harvest({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "90:1"})) == list(range(150))
    params = {"verb": "ListRecords", "metadataPrefix": "ead", "from": "2024-01-03", "until": "2024-01-10"}
    pages = harvest(params)
    assert len(pages) == 2 and numbers(pages) == list(range(48, 240))


def test_set_specs_keep_identifiers_outside_the_allowed_characters_distinct():
    cyrillic = Unit("fonds", "Р-5446", "Fond R-5446", Reference("GARF", "Р-5446"))
    latin = Unit("fonds", "P-5446", "Fond P-5446", Reference("GARF", "P-5446"))
    assert oai.set_spec([cyrillic]) == "~0420-5446" != oai.set_spec([latin]) == "P-5446"
    assert oai.set_spec([Unit("fonds", "1/2", "", Reference("X", "1"))]) == "1~002f2"


# -- nothing withheld or unpublished leaves ---------------------------------------------------------


def test_no_response_holds_a_redacted_phrase_across_all_verbs_prefixes_and_pages():
    requests = [{"verb": "Identify"}, {"verb": "ListSets"}, {"verb": "ListMetadataFormats"}]
    for prefix in ("oai_dc", "ead"):
        requests += [
            {"verb": "GetRecord", "identifier": REFERENCE_ID, "metadataPrefix": prefix},
            {"verb": "ListIdentifiers", "metadataPrefix": prefix},
            {"verb": "ListRecords", "metadataPrefix": prefix},
        ]
    for params in requests:
        pages = harvest(params, SOURCE, page_size=1) if params["verb"].startswith("List") else [ask(params)]
        for page in pages:
            assert "Pressel" not in all_text(page), params
        if params["verb"] in ("GetRecord", "ListRecords"):
            readable = "".join(all_text(page) for page in pages)
            assert "[REDACTED: PRIVACY]" in readable and PRIVACY.reason in readable, params


def test_an_item_not_in_the_source_is_not_found_and_never_listed():
    unpublished = dataclasses.replace(SECOND_ITEM, identifier="tskhsd-89-25-46", title="Not yet declassified")
    assert unpublished not in OPIS_25.children
    response = ask(
        {"verb": "GetRecord", "identifier": "oai:archive.example.org:tskhsd-89-25-46", "metadataPrefix": "oai_dc"}
    )
    assert error_code(response) == "idDoesNotExist"
    for prefix in ("oai_dc", "ead"):
        listed = all_text(ask({"verb": "ListRecords", "metadataPrefix": prefix}))
        assert "tskhsd-89-25-46" not in listed and unpublished.title not in listed
    assert REFERENCE_ITEM.identifier in all_text(ask({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))


# -- any request at all -------------------------------------------------------------------------------


@cache
def genuine_tokens() -> tuple[str, ...]:
    tokens = []
    for params in (
        {"verb": "ListSets"},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": "ead"},
    ):
        tokens.append(ask(params, page_size=1).findtext(f".//{OAI}resumptionToken"))
    return tuple(tokens)


POOLS = {
    "verb": list(oai.VERBS),
    "identifier": [REFERENCE_ID, "oai:archive.example.org:tskhsd-89-31-29", "oai:archive.example.org:nothing"],
    "metadataPrefix": ["oai_dc", "ead", "marc21"],
    "from": ["2024-11-07", "2024-11-08T12:00:00Z", "2024-02-30"],
    "until": ["2024-12-31", "2024-11-08T12:00:00Z", "1999-01-01"],
    "set": ["89", "89:25", "89:31", "90"],
}


def argument(name: str):
    """Mostly plausible values of one argument, else random text, or several (a repeated argument)."""
    if name == "resumptionToken":
        plausible = st.builds(lambda i: genuine_tokens()[i], st.integers(0, 2))
    else:
        plausible = st.sampled_from(POOLS[name])
    anything = st.text(max_size=24)
    return _weighted((7, plausible), (2, anything), (1, st.lists(st.one_of(plausible, anything), max_size=3)))


def _weighted(*choices):
    """One of the strategies, each drawn as often as its weight says."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


_fitting = st.sampled_from(POOLS["verb"]).flatmap(
    lambda verb: st.fixed_dictionaries(
        {"verb": st.just(verb), **{name: argument(name) for name in oai.VERBS[verb][0]}},
        optional={name: argument(name) for name in oai.VERBS[verb][1]},
    )
)
_listing = st.fixed_dictionaries(
    {"verb": argument("verb")}, optional={name: argument(name) for name in list(POOLS)[1:]}
)
_resuming = st.fixed_dictionaries({"verb": argument("verb"), "resumptionToken": argument("resumptionToken")})
_random = st.dictionaries(st.text(max_size=8), argument("set"), max_size=3)
_extra = _weighted((4, st.just({})), (1, _random))
requests = _weighted((6, _fitting), (2, _listing), (2, _resuming), (1, _random)).flatmap(
    lambda known: _extra.map(lambda extra: {**extra, **known})
)


@settings(max_examples=300, deadline=None)
@given(requests)
def test_any_request_gets_a_valid_response(params):
    response = ask(params, page_size=1)
    assert error_code(response) is not None or len(response) == 3
