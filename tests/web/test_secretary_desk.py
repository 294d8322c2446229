"""The secretary's desk in the browser's terms: meetings, points, papers, signing, corrections, extracts."""

import re

import pytest

from secretariat.decisions.models import Meeting, Point
from secretariat.registry.models import Document
from tests.web.pages import events, page, sign_in


@pytest.mark.parametrize("username", ["brezhnev", "visitor", "tass", "dobrynin", "registrar", "auditor", "admin"])
def test_the_desk_and_a_protocol_are_the_same_404_for_anyone_but_the_secretary(client, demo, username):
    sign_in(client, username)
    for url in ["/secretary/", "/secretary/P/46/", "/secretary/P/99/", "/secretary/Q/1/"]:
        assert "Not found" in page(client.get(url), 404)
    head = events()
    page(client.post("/secretary/P/46/sign/"), 404)
    page(client.post("/secretary/P/meetings/", {"number": 50, "held_on": "1977-03-01"}), 404)
    assert events() == head and not Meeting.objects.filter(number=50).exists()


def test_the_secretary_sees_the_bodies_and_their_meetings(client, demo):
    text = page(sign_in(client, "secretary").get("/secretary/"))
    assert "CC CPSU Politburo" in text and "/secretary/P/46/" in text and "/secretary/P/47/" in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert page(client.get("/secretary/P/99/"), 404)


def test_a_protocol_page_shows_its_points_and_each_view_is_an_audited_read(client, demo):
    sign_in(client, "secretary")
    before = events(action="protocol.read")
    text = page(client.get("/secretary/P/46/"))
    assert "Point X." in text and "TOP SECRET" in text and "Attachment 1:" in text
    assert "/documents/P46/X/" in text  # its extract, made already
    assert events(action="protocol.read") == before + 1


def test_record_a_meeting_and_a_point_attach_sign_correct_and_extract(client, demo):
    sign_in(client, "secretary")
    response = client.post("/secretary/P/meetings/", {"number": 48, "held_on": "1977-03-04"})
    assert response.status_code == 302 and response["Location"] == "/secretary/P/48/"
    assert "not signed" in page(client.get("/secretary/P/48/"))

    point = {
        "identifier": "1",
        "title": "On the <visit> of the delegation",
        "decision": "Approve the draft instruction to the Soviet Ambassador.",
        "classification": "SECRET",
        "addressees": "brezhnev, gromyko, unit:mfa",
        "approver": "",
    }
    assert client.post("/secretary/P/48/points/", point)["Location"] == "/secretary/P/48/"
    paper = {
        "identifier": "1",
        "title": "Draft",
        "text": "FIRST. Meet the Secretary.",
        "classification": "S",
        "page_count": 2,
    }
    assert client.post("/secretary/P/48/attachments/", paper)["Location"] == "/secretary/P/48/"
    text = page(client.get("/secretary/P/48/"))
    assert "On the &lt;visit&gt; of the delegation" in text and "<visit>" not in text  # escaped, never raw
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "each form on the page has its own field ids (labels point to their field)"
    assert (
        "L. I. Brezhnev, A. A. Gromyko, USSR Ministry of Foreign Affairs" in text
        and "Attachment 1: Draft (SECRET, 2 pages)" in text
    )

    assert client.post("/secretary/P/48/sign/")["Location"] == "/secretary/P/48/"
    assert Meeting.objects.get(number=48).is_signed

    fix = {"identifier": "1", "title": "On the visit", "decision": "Approve the instruction.", "reason": "typing error"}
    assert client.post("/secretary/P/48/corrections/", fix)["Location"] == "/secretary/P/48/"
    assert "corrected: typing error" in page(client.get("/secretary/P/48/"))

    assert client.post("/secretary/P/48/extracts/", {"identifier": "1", "signatory": ""}).status_code == 302
    extract = Document.objects.get(number="P48/1")
    assert extract.title == "On the visit" and extract.kind == Document.Kind.EXTRACT
    assert "/documents/P48/1/" in page(client.get("/secretary/P/48/"))


def test_a_point_on_a_signed_protocol_is_refused_in_the_page_and_changes_nothing(client, demo):
    sign_in(client, "secretary")
    head, points = events(), Point.objects.count()
    point = {"identifier": "Y", "title": "Late", "decision": "Too late.", "classification": "SECRET"}
    text = page(client.post("/secretary/P/46/points/", point), 409)
    assert 'role="alert"' in text and "is signed: correct a point instead" in text
    assert "Late</textarea>" in text  # the form as it was sent
    assert events() == head and Point.objects.count() == points


def test_malformed_input_is_a_clear_422_and_changes_nothing(client, demo):
    sign_in(client, "secretary")
    client.post("/secretary/P/meetings/", {"number": 48, "held_on": "1977-03-04"})
    head = events()
    bad = {"identifier": "1", "title": "T", "decision": "D", "classification": "VERY SECRET", "addressees": "nobody"}
    assert "unknown classification level" in page(client.post("/secretary/P/48/points/", bad), 422)
    bad |= {"classification": "SECRET"}
    assert "unknown principal &#x27;nobody&#x27;" in page(client.post("/secretary/P/48/points/", bad), 422)
    assert "check the fields" in page(client.post("/secretary/P/meetings/", {"number": "x"}), 422)
    assert "exists already" in page(client.post("/secretary/P/meetings/", {"number": 48, "held_on": "1977-03-04"}), 409)
    assert "has no points to sign" in page(client.post("/secretary/P/48/sign/"), 409)
    assert events() == head and not Point.objects.filter(meeting__number=48).exists()


def test_actions_are_posts_with_a_csrf_token(demo):
    from django.test import Client

    strict = sign_in(Client(enforce_csrf_checks=True), "secretary")
    assert strict.post("/secretary/P/meetings/", {"number": 48, "held_on": "1977-03-04"}).status_code == 403
    assert page(strict.get("/secretary/P/46/sign/"), 405) == ""
