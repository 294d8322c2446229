"""The database's OAI-PMH source answers exactly as the in-memory tree of the same records does:
same bytes for every verb, set, date range and page, on the demo with more items published."""

import datetime as dt
import re

import pytest

from secretariat.archive import selectors, services
from secretariat.archive.export import oai
from secretariat.archive.services import Span
from secretariat.kernel import clock
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
SECRET = b"oai test key"
BASE = "https://archive.example.org/oai"


@pytest.fixture
def published(demo):
    """The demo, and the other three items of CASE-1 declassified on their date and published
    on three different days; a second series with an imported item."""
    archivist = principal_by_username("archivist")
    with clock.frozen("2007-03-01T06:00:00+00:00"):
        swept = services.sweep_reviews()
        # The cable holds the name the extract's review withheld: a reviewer, not the clock, decides it.
        assert [selectors.reference(r.item) for r in swept.opened] == ["TsKhSD/89/25/45"]
        cable = selectors.item(archivist, "TsKhSD/89/25/45", Action.VIEW)
        spans = [Span(a, b, "PRIVACY") for a, b in selectors.spans_of(cable.text, "Pressel")]
        services.decide_review(archivist, "TsKhSD/89/25/45", "redact", redactions=spans)
    for n, day in ((45, "2010-01-05"), (46, "2010-01-05"), (47, "2012-06-30")):
        with clock.frozen(f"{day}T09:00:00+00:00"):
            services.publish(archivist, f"TsKhSD/89/25/{n}")
    with clock.frozen("2013-01-01T09:00:00+00:00"):
        item = services.import_transcription(
            archivist,
            "Top secret\nNo P1/1\nText of the paper.\n",
            source="t",
            repository="TsKhSD",
            fond="89",
            opis="26",
        )
        item.level = 0
        item.declassified_at = clock.now()
        item.save()
        services.publish(archivist, selectors.reference(item))
    return archivist


ID = "oai:archive.example.org:tskhsd-89-"
REQUESTS = [  # (arguments, what the answer holds, what it must not)
    ({"verb": "Identify"}, "<earliestDatestamp>1994-03-31T07:00:00Z", "<error"),
    ({"verb": "ListSets"}, "<setSpec>89:26</setSpec>", "<error"),
    ({"verb": "ListMetadataFormats"}, "<metadataPrefix>ead</metadataPrefix>", "<error"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, f"{ID}26-1", "<error"),
    ({"verb": "ListRecords", "metadataPrefix": "ead"}, "[REDACTED: PRIVACY]", "Pressel"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "89"}, f"{ID}26-1", "<error"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "89:25"}, f"{ID}25-47", f"{ID}26-1"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "89:26"}, f"{ID}26-1", f"{ID}25-44"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "90"}, 'code="noRecordsMatch"', "<header"),
    (
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2010-01-05", "until": "2012-06-30"},
        f"{ID}25-47",
        f"{ID}25-44",
    ),
    (
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2010-01-05T09:00:01Z"},
        f"{ID}25-47",
        f"{ID}25-46",
    ),
    ({"verb": "GetRecord", "metadataPrefix": "ead", "identifier": f"{ID}25-46"}, "Report: done", "<error"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"{ID}26-1"}, "Text of the paper.", "<error"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"{ID}25-99"}, 'code="idDoesNotExist"', "<record"),
]


def both(params, page_size=100):
    tree = oai.TreeSource(
        selectors.oai_repository(), [selectors.public_fonds(u) for u in selectors.public_fonds_list()], ["a@b.org"]
    )
    database = selectors.PublishedSource(["a@b.org"])
    return [
        oai.respond(params, source, base_url=BASE, now=NOW, secret=SECRET, page_size=page_size)
        for source in (tree, database)
    ]


@pytest.mark.parametrize(("params", "holds", "lacks"), REQUESTS, ids=[str(i) for i in range(len(REQUESTS))])
def test_the_database_source_answers_as_the_tree_does(published, params, holds, lacks):
    from_tree, from_database = both(params)
    assert from_database == from_tree
    assert holds.encode() in from_database and lacks.encode() not in from_database


def test_pages_and_their_tokens_are_the_same(published):
    """Every page of a harvest, following the tokens to the end: the same bytes from both sources,
    and together every published item once."""
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    pages = []
    while True:
        tree, database = both(params, page_size=2)
        assert database == tree
        pages.append(database)
        token = re.search(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>", database)
        if token is None:
            break
        params = {"verb": "ListRecords", "resumptionToken": token.group(1).decode()}
    assert len(pages) == 3 and b'completeListSize="5"' in pages[0]
    harvested = [i for page in pages for i in re.findall(rb"<identifier>(oai:[^<]+)</identifier>", page)]
    assert len(harvested) == 5 == len(set(harvested))
