"""Text the API is given (docs/texts.md): what does not fit is a 422 problem naming the field, nothing
changed; a report's CR LF and form feeds are filed as LF."""

import json

import pytest

from secretariat.cables import services as cables
from secretariat.kernel.principals import principal_by_username
from secretariat.registry.models import Document
from tests.refusals import snapshot

PROBLEM = "application/problem+json"


@pytest.fixture
def received_cable(sent_cable):
    """The sent cable, acknowledged at Washington: Dobrynin's to report on; its number, and the announcement's id."""
    cable, template = sent_cable
    cables.acknowledge_cable(principal_by_username("dobrynin"), cable.number)
    return cable.number, template.pk


@pytest.mark.parametrize(
    "report, status, kind, field",
    [
        ({"text": "Done.", "title": "Done\x00"}, 422, "invalid-request", "title"),
        ({"text": "Seen Vance.\nDone\x00.", "title": "Done"}, 422, "invalid-request", "text"),
        ({"text": "Done.", "title": "Done\nat once"}, 422, "invalid-request", "title"),
        ({"text": "Done\ud800.", "title": "Done"}, 400, "malformed-request", "not valid JSON"),
        ({"text": "x" * 1_000_001}, 422, "invalid-request", "text"),
    ],
    ids=["NUL in title", "NUL in text", "two-line title", "lone surrogate", "long text"],
)
def test_a_report_whose_texts_do_not_fit_is_refused_naming_the_field(
    api_as, received_cable, report, status, kind, field
):
    """What the document forbids (NUL, a length: the schema's pattern and maxLength) is an invalid request
    naming the field; what only the text rule catches (a line break in a one-line field) an invalid input
    saying so; a lone surrogate is not text at all (400). Nothing changes either way."""
    dobrynin = api_as("dobrynin")
    assert dobrynin.get("/tokens").status_code == 200  # its first use is recorded on the token: before the snapshot
    before = snapshot()
    # JSON as a client writes it: \u0000 and a lone \ud800 are valid JSON escapes
    number, _ = received_cable
    response = dobrynin.post(f"/cables/{number}/report", raw=json.dumps(report))
    assert response.status_code == status and response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == f"urn:secretariat:problem:{kind}"
    assert field in json.dumps(problem, ensure_ascii=False), problem
    assert snapshot() == before


def test_a_release_filled_with_a_control_character_is_a_422_problem(api_as, received_cable):
    """A blank's value goes into the announcement's text, which is checked as every text is."""
    number, template = received_cable
    cables.file_report(principal_by_username("dobrynin"), number, text="Done.")
    tass = api_as("tass")
    assert tass.get("/tokens").status_code == 200  # its first use is recorded on the token: before the snapshot
    before = snapshot()
    response = tass.post(f"/releases/{template}/publish", raw='{"values": {"day": "1\\u0000 March"}}')
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "body.payload.values.day: must be one line, without control characters"
    assert snapshot() == before
    assert tass.post(f"/releases/{template}/publish", {"values": {"day": "1 March"}}).status_code == 201


def test_a_reports_line_breaks_are_filed_as_lf(api_as, received_cable):
    number, _ = received_cable
    response = api_as("dobrynin").post(
        f"/cables/{number}/report", {"text": "Seen Vance.\r\n\tHe listened.\fDone.", "title": "Done"}
    )
    assert response.status_code == 201
    report = Document.objects.get(number=response.json()["number"])
    assert report.versions.get().text == "Seen Vance.\n\tHe listened.\nDone."
    assert report.cable.parts.get().text == "Seen Vance.\n\tHe listened.\nDone."
