"""The decisions desk's operations over the demo: bodies, meetings, points, protocols and extracts; each one's
change and its audit event, and a refusal for someone who may not (404 or 409, nothing changed)."""

import pytest

from secretariat.decisions.models import Body, Meeting, Point
from secretariat.demo import reference as ref
from secretariat.registry.models import Document
from tests.api.checks import event_count, log_size, refused
from tests.api.phrases import leaks


@pytest.fixture
def clients(clients_of):
    return clients_of("admin", "secretary", "registrar", "gromyko", "dobrynin", "visitor")


POINT = {
    "identifier": "1",
    "title": "On the reply to President Carter",
    "decision": "Approve the draft reply.\nSend it through the embassy.",
    "classification": "SECRET",
    "addressees": ["gromyko", "andropov"],
}


@pytest.fixture
def meeting_48(clients):
    """Meeting 48 of the Politburo recorded by its secretary, with point 1 (Secret, to Gromyko and Andropov)."""
    secretary = clients("secretary")
    assert secretary.post("/bodies/P/meetings", {"number": 48, "held_on": "1977-03-03"}).status_code == 201
    assert secretary.post("/bodies/P/meetings/48/points", POINT).status_code == 201
    return secretary


# Bodies


def test_an_administrator_sets_up_a_body_with_members_and_a_secretary(clients):
    added, members, appointed = (
        event_count("body.added"),
        event_count("body.members_added"),
        event_count("body.secretary_appointed"),
    )
    admin = clients("admin")
    body = admin.post(
        "/bodies", {"name": "Council of Ministers", "prefix": "CM", "return_days": 10, "registry_unit": "cc-gd-1"}
    )
    assert body.status_code == 201
    assert body.json() | {"members": None} == {
        "name": "Council of Ministers",
        "prefix": "CM",
        "return_days": 10,
        "registry_unit": "cc-gd-1",
        "secretary": None,
        "members": None,
        "motto": "",
        "letterhead": "",
        "salutation": "",
    }
    with_members = admin.post("/bodies/CM/members", {"members": ["kosygin", "gromyko"]})
    assert with_members.status_code == 200 and with_members.json()["members"] == ["gromyko", "kosygin"]
    with_secretary = admin.post("/bodies/CM/secretary", {"secretary": "secretary"})
    assert with_secretary.status_code == 200 and with_secretary.json()["secretary"] == "secretary"
    assert clients("gromyko").get("/bodies/CM").json() == with_secretary.json()
    assert event_count("body.added") == added + 1 and event_count("body.members_added") == members + 1
    assert event_count("body.secretary_appointed") == appointed + 1


def test_only_an_administrator_sets_up_bodies_and_keepers_are_no_members(clients):
    size, count = log_size(), Body.objects.count()
    assert refused(clients("registrar").post("/bodies", {"name": "Council", "prefix": "CM"}), 409, "only an admin")
    taken = clients("admin").post("/bodies", {"name": "Another", "prefix": "P"})
    assert refused(taken, 409, "exists already")
    assert refused(clients("gromyko").post("/bodies/P/members", {"members": ["ponomarev"]}), 409, "only an admin")
    assert refused(clients("admin").post("/bodies/P/members", {"members": ["registrar"]}), 409, "a keeper")
    assert refused(clients("admin").post("/bodies/P/members", {"members": ["nobody"]}), 422, "unknown principal")
    assert refused(clients("admin").post("/bodies/P/secretary", {"secretary": "gromyko"}), 409, "secretary role")
    assert refused(clients("admin").post("/bodies/ZZ/members", {"members": ["ponomarev"]}), 404, "no body ZZ")
    assert refused(clients("gromyko").get("/bodies/ZZ"), 404, "no body ZZ")
    assert Body.objects.count() == count and log_size() == size
    body = Body.objects.get(prefix="P")
    assert not body.members.filter(username__in=["ponomarev", "registrar"]).exists()
    assert body.secretary.username == "secretary"


def test_the_registrar_registers_a_paper_of_the_body(clients):
    before = event_count("document.registered")
    paper = {"title": "Draft reply", "classification": "SECRET", "text": "Dear Mr President", "dated": "1977-03-02"}
    response = clients("registrar").post("/bodies/P/papers", {**paper, "series": "PB"})
    assert response.status_code == 201
    assert response.json()["number"] == "PB-1"
    assert response.json()["return_instruction"] == (
        "Must be returned within 7 days to CC CPSU (General Department, 1st sector)"  # the body's, as no other given
    )
    assert Document.objects.get(number="PB-1").body_paper.body.prefix == "P"
    assert event_count("document.registered") == before + 1
    size = log_size()
    assert refused(clients("secretary").post("/bodies/P/papers", paper), 409, "only a registrar")
    assert refused(clients("registrar").post("/bodies/ZZ/papers", paper), 404)
    assert log_size() == size


# Meetings, points, protocols


def test_the_secretary_records_a_meeting_its_points_and_their_papers_and_signs(clients):
    recorded, pointed, attached, signed = (
        event_count("meeting.recorded"),
        event_count("point.recorded"),
        event_count("point.attachment_added"),
        event_count("protocol.signed"),
    )
    secretary = clients("secretary")
    meeting = secretary.post("/bodies/P/meetings", {"number": 48, "held_on": "1977-03-03"})
    assert meeting.status_code == 201
    assert meeting.json() | {"recorded_at": None} == {
        "body": ref.BODY,
        "prefix": "P",
        "number": 48,
        "held_on": "1977-03-03",
        "recorded_at": None,
        "recorded_by": "secretary",
        "signed_at": None,
        "signed_by": None,
    }
    point = secretary.post("/bodies/P/meetings/48/points", {**POINT, "identifier": "45/III", "approver": "gromyko"})
    assert point.status_code == 201
    assert point.json() | {"attachments": None} == {
        "reference": "P/48/45/III",
        "identifier": "45/III",
        "position": 1,
        "classification": "SECRET",
        "version": 1,
        "addressees": ["gromyko", "andropov"],
        "approver": "gromyko",
        "title": POINT["title"],
        "decision": POINT["decision"],
        "correction_reason": None,
        "attachments": None,
    }
    paper = {"title": "Draft reply", "text": "Dear Mr President,", "classification": "CONFIDENTIAL", "page_count": 2}
    attached_paper = secretary.post("/bodies/P/meetings/48/points/45/III/attachments", paper)
    assert attached_paper.status_code == 201
    assert attached_paper.json() == {"point": "P/48/45/III", "position": 1, **paper}
    signed_protocol = secretary.post("/bodies/P/meetings/48/sign")
    assert signed_protocol.status_code == 200 and signed_protocol.json()["signed_by"] == "secretary"
    assert Meeting.objects.get(body__prefix="P", number=48).is_signed
    assert (event_count("meeting.recorded"), event_count("point.recorded")) == (recorded + 1, pointed + 1)
    assert (event_count("point.attachment_added"), event_count("protocol.signed")) == (attached + 1, signed + 1)


def test_meetings_and_points_are_the_secretarys_and_a_signed_protocol_takes_no_new_point(clients, meeting_48):
    size, meetings, points = log_size(), Meeting.objects.count(), Point.objects.count()
    gromyko, secretary = clients("gromyko"), clients("secretary")
    assert refused(gromyko.post("/bodies/P/meetings", {"number": 49, "held_on": "1977-03-10"}), 409, "only a secretary")
    assert refused(secretary.post("/bodies/P/meetings", {"number": 46, "held_on": "1977-03-10"}), 409, "exists already")
    assert refused(gromyko.post("/bodies/P/meetings/48/points", {**POINT, "identifier": "2"}), 409, "only a secretary")
    signed = secretary.post("/bodies/P/meetings/46/points", {**POINT, "identifier": "Y"})
    assert refused(signed, 409, "protocol No 46 of CC CPSU Politburo is signed")
    assert refused(secretary.post("/bodies/P/meetings/99/points", POINT), 404, "no protocol No 99")
    uncleared = secretary.post("/bodies/P/meetings/48/points", {**POINT, "identifier": "2", "addressees": ["visitor"]})
    assert refused(uncleared, 409, "visitor is not cleared for SECRET")
    above = {"title": "Annex", "text": "Annex.", "classification": "TOP SECRET"}
    assert refused(secretary.post("/bodies/P/meetings/48/points/1/attachments", above), 409, "would be above it")
    assert refused(secretary.post("/bodies/P/meetings/48/points/7/attachments", above), 404, "no point 7")
    assert refused(gromyko.post("/bodies/P/meetings/48/sign"), 409, "only a secretary")
    assert refused(secretary.post("/bodies/P/meetings/46/sign"), 409, "is signed")
    assert Meeting.objects.count() == meetings and Point.objects.count() == points and log_size() == size
    assert not Meeting.objects.get(body__prefix="P", number=48).is_signed


def test_a_protocol_with_no_points_is_not_signed(clients):
    secretary = clients("secretary")
    assert secretary.post("/bodies/P/meetings", {"number": 49, "held_on": "1977-03-10"}).status_code == 201
    size = log_size()
    assert refused(secretary.post("/bodies/P/meetings/49/sign"), 409, "has no points to sign")
    assert log_size() == size


def test_the_secretary_corrects_a_point_of_a_signed_protocol(clients):
    before = event_count("point.corrected")
    correction = {"title": ref.title(), "decision": "The corrected decision.", "reason": "a typist's error"}
    response = clients("secretary").post("/bodies/P/meetings/46/points/X/corrections", correction)
    assert response.status_code == 201
    assert response.json() | {"created_at": None} == {
        "reference": "P/46/X",
        "version": 2,
        "title": ref.title(),
        "decision": "The corrected decision.",
        "reason": "a typist's error",
        "created_at": None,
        "created_by": "secretary",
    }
    assert Point.objects.get(meeting__number=46, identifier="X").current().number == 2
    assert event_count("point.corrected") == before + 1


def test_a_correction_is_the_secretarys_and_needs_a_reason(clients):
    size = log_size()
    correction = {"title": "T", "decision": "D.", "reason": "why"}
    assert refused(clients("gromyko").post("/bodies/P/meetings/46/points/X/corrections", correction), 409, "secretary")
    missing = clients("secretary").post("/bodies/P/meetings/46/points/Z/corrections", correction)
    assert refused(missing, 404, "no point Z in protocol No 46")
    unreasoned = clients("secretary").post("/bodies/P/meetings/46/points/X/corrections", {**correction, "reason": " "})
    assert refused(unreasoned, 422) and unreasoned.json()["errors"][0]["loc"] == ["body", "payload", "reason"]
    assert Point.objects.get(meeting__number=46, identifier="X").current().number == 1 and log_size() == size


def test_the_secretary_makes_the_extract_of_a_point_of_a_signed_protocol(clients, meeting_48):
    secretary = clients("secretary")
    unsigned = secretary.post("/bodies/P/meetings/48/points/1/extract")
    assert refused(unsigned, 409, "is not signed yet")
    assert secretary.post("/bodies/P/meetings/48/sign").status_code == 200
    before = event_count("extract.made")
    assert refused(clients("gromyko").post("/bodies/P/meetings/48/points/1/extract"), 409, "only a secretary")
    assert event_count("extract.made") == before and not Document.objects.filter(number="P48/1").exists()
    extract = secretary.post("/bodies/P/meetings/48/points/1/extract", {"signatory": "K. Chernenko", "page_count": 2})
    assert extract.status_code == 201
    made = extract.json()
    assert made["number"] == "P48/1" and made["point"] == "P/48/1" and made["point_version"] == 1
    assert made["classification"] == "SECRET" and made["kind"] == "extract" and made["signatory"] == "K. Chernenko"
    assert made["distribution"] == ["gromyko", "andropov"] and made["page_count"] == 2
    assert event_count("extract.made") == before + 1
    again = secretary.post("/bodies/P/meetings/48/points/1/extract", {"classification": "TOP SECRET"})
    assert refused(again, 409, "No P48/1 is registered already")


def test_a_members_reads_the_protocol_and_the_read_is_audited(clients):
    before = event_count("protocol.read")
    protocol = clients("gromyko").get("/bodies/P/meetings/46")
    assert protocol.status_code == 200
    body = protocol.json()
    assert body["number"] == 46 and body["signed_by"] == "secretary"
    (point,) = body["points"]
    assert point["reference"] == "P/46/X" and point["decision"] == ref.decision()
    assert [a["page_count"] for a in point["attachments"]] == [ref.DRAFT_PAGES]
    assert event_count("protocol.read") == before + 1
    register = clients("registrar").get("/bodies/P/meetings/46", register="true")
    assert register.status_code == 200 and event_count("protocol.read") == before + 1
    (entry,) = register.json()["points"]
    assert entry["classification"] == "TOP SECRET" and entry["title"] is None and entry["decision"] is None
    assert not leaks(register.content.decode())


def test_a_protocol_is_not_found_by_one_who_may_not_read_it(clients):
    """Meetings are their body's members', its secretary's and the registrars': to anyone else a protocol
    that exists and one that does not look the same."""
    size = log_size()
    for username in ("visitor", "dobrynin"):
        forbidden = clients(username).get("/bodies/P/meetings/46")
        missing = clients(username).get("/bodies/P/meetings/99")
        assert forbidden.status_code == missing.status_code == 404
        assert forbidden.content.replace(b"46", b"N") == missing.content.replace(b"99", b"N")
        assert clients(username).get("/bodies/P/meetings").json() == []
    assert log_size() == size


def test_the_meetings_of_a_body_are_listed_by_number_and_paged(clients):
    gromyko = clients("gromyko")
    assert [m["number"] for m in gromyko.get("/bodies/P/meetings").json()] == [46, 47]
    assert [m["number"] for m in gromyko.get("/bodies/P/meetings", limit=1).json()] == [46]
    assert [m["number"] for m in gromyko.get("/bodies/P/meetings", limit=1, offset=1).json()] == [47]
    assert gromyko.get("/bodies/P/meetings", offset=2).json() == []
    assert refused(gromyko.get("/bodies/ZZ/meetings"), 404)
