"""The archive desk's operations over the API, against the demo: description, transfer, fixity, declassification,
the reading room, import, and the item as the archive holds it."""

import pytest

from secretariat.archive.models import ArchiveUnit, Item, Repository, Review, Transfer
from secretariat.audit.models import AuditEvent
from secretariat.demo import reference as ref
from tests.api.checks import PROBLEM, events

EXTRACT, CABLE = "tskhsd-89-25-44", "tskhsd-89-25-45"


def item(identifier: str) -> Item:
    repository, fond, opis, number = identifier.split("-")
    return Item.objects.get(unit__repository__code__iexact=repository, unit__identifier=opis, identifier=number)


def test_an_archivist_adds_a_repository_and_describes_its_units(api_as):
    archivist = api_as("archivist")
    added = archivist.post("/archive/repositories", {"code": "GARF", "name": "State Archive of the Russian Federation"})
    assert added.status_code == 201, added.content
    assert added.json() == {
        "code": "GARF",
        "name": "State Archive of the Russian Federation",
        "country_code": "RU",
        "agency_code": "",
    }
    assert Repository.objects.filter(code="GARF").exists() and events("archive.repository_added", code="GARF")
    described = archivist.post("/archive/units", {"unit": "GARF/R5446/1", "title": "Council of Ministers, opis 1"})
    assert described.status_code == 200, described.content
    assert described.json() == {"unit": "GARF/R5446/1", "title": "Council of Ministers, opis 1"}
    assert ArchiveUnit.objects.get(repository__code="GARF", identifier="1").title == "Council of Ministers, opis 1"
    assert len(events("archive.unit_described", repository="GARF")) == 2
    assert events("archive.unit_titled", title="Council of Ministers, opis 1")


def test_only_an_archivist_describes_and_a_repository_is_added_once(api_as):
    archivist, registrar = api_as("archivist"), api_as("registrar")
    before = (Repository.objects.count(), ArchiveUnit.objects.count(), AuditEvent.objects.count())
    refused = registrar.post("/archive/repositories", {"code": "GARF", "name": "State Archive"})
    assert refused.status_code == 409 and refused["Content-Type"] == PROBLEM
    assert archivist.post("/archive/repositories", {"code": "tskhsd", "name": "Again"}).status_code == 409
    assert registrar.post("/archive/units", {"unit": "TsKhSD/89", "title": "Mine"}).status_code == 409
    assert archivist.post("/archive/units", {"unit": "GARF/R5446", "title": "No such archive"}).status_code == 404
    assert archivist.post("/archive/units", {"unit": "TsKhSD/89-1", "title": "A dash"}).status_code == 422
    assert (Repository.objects.count(), ArchiveUnit.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.demo(archive=False)
def test_an_archivist_receives_a_closed_case_into_a_series(api_as):
    archivist, registrar = api_as("archivist"), api_as("registrar")
    assert archivist.post("/archive/repositories", {"code": "TsKhSD", "name": ref.ARCHIVE[1]}).status_code == 201
    ask = {"case": "CASE-1", "unit": "TsKhSD/89/25", "first_item": 44}
    assert registrar.post("/archive/transfers", ask).status_code == 409  # not an archivist
    assert archivist.post("/archive/transfers", ask | {"case": "CASE-2"}).status_code == 404  # still open
    assert not Transfer.objects.exists() and not events("archive.transferred")
    received = archivist.post("/archive/transfers", ask)
    assert received.status_code == 201, received.content
    body = received.json()
    assert body["case"] == "CASE-1" and body["unit"] == "TsKhSD/89/25" and body["payload_oxum"]
    assert [i["reference"] for i in body["items"]] == [f"TsKhSD/89/25/{n}" for n in (44, 45, 46, 47)]
    assert Transfer.objects.get(case__number="CASE-1").items.count() == 4
    assert events("archive.transferred", unit="TsKhSD/89/25", items=["44", "45", "46", "47"])
    again = archivist.post("/archive/transfers", ask | {"first_item": 60})
    assert again.status_code == 409 and Transfer.objects.count() == 1


def test_an_archivist_checks_the_bags_fixity_and_each_check_is_audited(api_as):
    archivist, gromyko = api_as("archivist"), api_as("gromyko")
    before = len(events("archive.fixity_checked"))
    assert gromyko.post("/archive/fixity").status_code == 409
    assert archivist.post("/archive/fixity", {"case": "CASE-2"}).status_code == 404  # never transferred
    assert len(events("archive.fixity_checked")) == before
    checked = archivist.post("/archive/fixity", {"case": "CASE-1"})
    assert checked.status_code == 200, checked.content
    assert [(r["case"], r["ok"], r["problems"]) for r in checked.json()] == [("CASE-1", True, [])]
    assert len(events("archive.fixity_checked", ok=True)) == before + 1
    everything = archivist.post("/archive/fixity")
    assert everything.status_code == 200 and [r["case"] for r in everything.json()] == ["CASE-1"]


def test_an_instruction_then_its_event_bring_a_review_due(api_as):
    archivist = api_as("archivist")
    told = archivist.post(
        f"/archive/items/{CABLE}/instruction", {"instruction": {"kind": "event", "event": "the talks"}}
    )
    assert told.status_code == 200, told.content
    assert told.json()["instruction"] == "event" and told.json()["event"] == "the talks"
    assert item(CABLE).event == "the talks" and events("archive.instruction_set", instruction="event")
    happened = archivist.post(f"/archive/items/{CABLE}/event", {"occurred_on": "1991-11-06"})
    assert happened.status_code == 200 and happened.json()["event_occurred_on"] == "1991-11-06"
    assert item(CABLE).event_occurred_on.isoformat() == "1991-11-06"
    assert events("archive.event_recorded", occurred_on="1991-11-06", event="the talks")
    exempt = {"kind": "exemption", "exemption": "foreign relations", "review_on": "2030-01-01"}
    assert archivist.post(f"/archive/items/{CABLE}/instruction", {"instruction": exempt}).status_code == 200
    assert item(CABLE).instruction == "exemption" and item(CABLE).review_on.isoformat() == "2030-01-01"


def test_instructions_and_events_are_the_archivists_and_only_for_what_may_change(api_as):
    archivist, gromyko = api_as("archivist"), api_as("gromyko")
    before = (item(CABLE).instruction, item(CABLE).review_on, AuditEvent.objects.count())
    by_date = {"instruction": {"kind": "date", "review_on": "2030-01-01"}}
    assert gromyko.post(f"/archive/items/{CABLE}/instruction", by_date).status_code in (404, 409)
    assert archivist.post(f"/archive/items/{EXTRACT}/instruction", by_date).status_code == 409  # declassified
    assert archivist.post("/archive/items/tskhsd-89-25-99/instruction", by_date).status_code == 404
    assert archivist.post("/archive/items/not-an-item/instruction", by_date).status_code == 404
    assert archivist.post(f"/archive/items/{CABLE}/event", {"occurred_on": "1991-11-06"}).status_code == 409
    assert (item(CABLE).instruction, item(CABLE).review_on, AuditEvent.objects.count()) == before


def test_withdrawn_reviewed_with_a_phrase_withheld_and_published_again(api_as):
    archivist, visitor = api_as("archivist"), api_as("visitor")
    withdrawn = archivist.post(f"/archive/items/{EXTRACT}/withdraw", {"reason": "a name was missed"})
    assert withdrawn.status_code == 200 and withdrawn.json()["published_at"] is None
    assert item(EXTRACT).published_at is None and events("archive.withdrawn", reason="a name was missed")
    assert Review.objects.filter(item=item(EXTRACT), decided_at__isnull=True).exists()

    assert (
        visitor.get(f"/archive/items/{EXTRACT}/phrase-redactions", phrase="Pressel", reason="PRIVACY").status_code
        == 404
    )
    found = archivist.get(f"/archive/items/{EXTRACT}/phrase-redactions", phrase="Pressel", reason="PRIVACY")
    assert found.status_code == 200 and found.json()
    text = item(EXTRACT).text
    assert all(text[s["start"] : s["end"]] == "Pressel" for s in found.json() if s["annotation"] is None)

    decision = {"outcome": "redact", "redactions": found.json(), "note": "the name again"}
    reviewed = archivist.post(f"/archive/items/{EXTRACT}/review", {"decision": decision})
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["outcome"] == "redact" and reviewed.json()["reviewer"] == "archivist"
    assert len(reviewed.json()["redactions"]) == len(found.json())
    assert events("archive.reviewed", outcome="redact", level_after="UNCLASSIFIED")

    published = archivist.post(f"/archive/items/{EXTRACT}/publish")
    assert published.status_code == 200 and published.json()["published_at"]
    assert item(EXTRACT).published_at is not None and "Pressel" not in item(EXTRACT).published_text
    assert events("archive.published", reference="TsKhSD/89/25/44")


def test_the_reading_room_is_changed_only_by_an_archivist_and_only_as_its_state_allows(api_as):
    archivist, gromyko = api_as("archivist"), api_as("gromyko")
    before = (item(EXTRACT).published_at, Review.objects.count(), AuditEvent.objects.count())
    assert archivist.post(f"/archive/items/{EXTRACT}/publish").status_code == 409  # published already
    assert gromyko.post(f"/archive/items/{EXTRACT}/withdraw", {"reason": "mine"}).status_code in (404, 409)
    assert archivist.post(f"/archive/items/{CABLE}/withdraw", {"reason": "not out"}).status_code == 409
    assert archivist.post(f"/archive/items/{CABLE}/publish").status_code == 409  # still classified
    no_review = {"decision": {"outcome": "declassify"}}
    assert archivist.post(f"/archive/items/{CABLE}/review", no_review).status_code == 409  # none due
    assert gromyko.post(f"/archive/items/{CABLE}/review", no_review).status_code in (404, 409)
    assert (item(EXTRACT).published_at, Review.objects.count(), AuditEvent.objects.count()) == before


def test_an_archivist_reads_an_item_as_the_archive_holds_it_and_the_read_is_audited(api_as):
    archivist, visitor = api_as("archivist"), api_as("visitor")
    before = len(events("archive.item_read"))
    assert visitor.get(f"/archive/items/{EXTRACT}").status_code == 404  # published, but not as the archive holds it
    assert len(events("archive.item_read")) == before
    read = archivist.get(f"/archive/items/{EXTRACT}")
    assert read.status_code == 200, read.content
    body = read.json()
    assert body["reference"] == "TsKhSD/89/25/44" and "Pressel" in body["text"]
    assert [r["outcome"] for r in body["reviews"]] == ["redact"]
    assert len(events("archive.item_read", reference="TsKhSD/89/25/44")) == before + 1


def test_items_and_the_review_queue_are_listed_as_each_may_see_them(api_as):
    archivist, visitor = api_as("archivist"), api_as("visitor")
    assert [i["reference"] for i in visitor.get("/archive/items").json()] == ["TsKhSD/89/25/44"]
    everything = [i["reference"] for i in archivist.get("/archive/items").json()]
    assert everything == [*(f"TsKhSD/89/25/{n}" for n in (44, 45, 46, 47)), "TsKhSD/89/31/29/1"]  # and the Russian
    assert [i["reference"] for i in archivist.get("/archive/items", limit=2, offset=1).json()] == everything[1:3]
    assert archivist.get("/archive/items", limit=501).status_code == 422
    assert archivist.get("/archive/reviews").json() == []
    archivist.post(f"/archive/items/{EXTRACT}/withdraw", {"reason": "a name was missed"})
    assert [r["item"] for r in archivist.get("/archive/reviews").json()] == ["TsKhSD/89/25/44"]
    assert visitor.get("/archive/reviews").json() == []


def test_an_archivist_imports_a_transcription_where_the_arguments_say(api_as):
    archivist, gromyko = api_as("archivist"), api_as("gromyko")
    paper = {"text": ref.source_text(), "source": "politburo.txt"}
    before = (Item.objects.count(), len(events("archive.imported")))
    assert gromyko.post("/archive/items", paper | {"identifier": "99"}).status_code == 409
    assert archivist.post("/archive/items", paper).status_code == 409  # document 44 is there already
    assert (Item.objects.count(), len(events("archive.imported"))) == before
    imported = archivist.post("/archive/items", paper | {"identifier": "99"})
    assert imported.status_code == 201, imported.content
    body = imported.json()
    assert body["reference"] == "TsKhSD/89/25/99" and body["source"] == "transcription"
    assert body["marked"] == "TOP SECRET" and body["declassified_at"] is None
    assert item("tskhsd-89-25-99").text and events("archive.imported", source="politburo.txt")


def test_a_review_decision_the_services_refuse_changes_nothing(api_as):
    archivist, gromyko = api_as("archivist"), api_as("gromyko")
    assert archivist.post(f"/archive/items/{EXTRACT}/withdraw", {"reason": "a complaint"}).status_code == 200
    pending = Review.objects.get(item=item(EXTRACT), decided_at__isnull=True)
    before = AuditEvent.objects.count()
    kept_in_the_past = {"decision": {"outcome": "keep", "next_review_on": "1990-01-01"}}
    late = archivist.post(f"/archive/items/{EXTRACT}/review", kept_in_the_past)
    assert late.status_code == 422 and "after today" in late.json()["detail"]
    spans = {"decision": {"outcome": "redact", "redactions": [{"start": 0, "end": 10**9, "reason": "PRIVACY"}]}}
    assert archivist.post(f"/archive/items/{EXTRACT}/review", spans).status_code == 422
    assert archivist.post(f"/archive/items/{EXTRACT}/review", {"decision": {"outcome": "burn"}}).status_code == 422
    assert gromyko.post(f"/archive/items/{EXTRACT}/review", {"decision": {"outcome": "declassify"}}).status_code in (
        404,
        409,
    )
    assert Review.objects.get(pk=pending.pk).decided_at is None and AuditEvent.objects.count() == before
    declassified = archivist.post(f"/archive/items/{EXTRACT}/review", {"decision": {"outcome": "declassify"}})
    assert declassified.status_code == 200 and declassified.json()["outcome"] == "declassify"
    assert Review.objects.get(pk=pending.pk).outcome == "declassify"
