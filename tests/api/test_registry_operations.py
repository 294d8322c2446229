"""The registry's and the case files' operations over the demo: each one's change and its audit event, and a
refusal for someone who may not (404 or 409, nothing changed)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from secretariat.cases.models import CaseFile
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from secretariat.registry.models import Copy, Document, Incident
from tests.api.checks import PROBLEM, event_count, log_size, refused


@pytest.fixture
def clients(clients_of):
    return clients_of("registrar", "gromyko", "andropov", "dobrynin")


@pytest.fixture
def note(demo):
    """A paper the registrar entered by hand (its text kept in the register), Secret, to Gromyko."""
    return registry.register_document(
        principal_by_username("registrar"),
        number="GD-7",
        title="Note on the visit",
        classification=Classification.parse("SECRET"),
        text="The first text.",
        dated=clock.now().date(),
        distribution=[principal_by_username("gromyko")],
    )


PAPER = {
    "title": "Memorandum on the talks",
    "classification": "SECRET",
    "text": "First line.\r\nSecond line.",
    "dated": "1977-03-01",
    "page_count": 2,
    "signatory": "A. Gromyko",
    "return_days": 5,
    "return_to": "cc-gd-1",
    "distribution": ["gromyko", "andropov"],
}


def multipart(client, path: str, data: dict):
    return client.client.post(f"/api{path}", data, headers=client.headers)


# Registering and the distribution


def test_the_registrar_registers_a_paper_with_its_distribution(clients):
    before, added, size = event_count("document.registered"), event_count("distribution.added"), log_size()
    response = clients("registrar").post("/documents", PAPER)
    assert response.status_code == 201, response.content
    paper = response.json()
    assert paper["number"] == "R-1" and paper["classification"] == "SECRET" and paper["page_count"] == 2
    assert paper["return_instruction"] == "Must be returned within 5 days to CC CPSU (General Department, 1st sector)"
    document = Document.objects.get(number="R-1")
    assert document.current_version().text == "First line.\nSecond line."  # CR LF filed as LF
    assert [e.principal.username for e in document.distribution.order_by("position")] == ["gromyko", "andropov"]
    assert event_count("document.registered") == before + 1 and event_count("distribution.added") == added + 2
    assert log_size() == size + 3
    numbered = clients("registrar").post("/documents", {**PAPER, "number": "GD-12/3", "distribution": []})
    assert numbered.status_code == 201 and numbered.json()["number"] == "GD-12/3"


def test_only_the_registrar_registers_and_a_taken_number_or_an_unknown_name_changes_nothing(clients):
    size, count = log_size(), Document.objects.count()
    assert refused(clients("gromyko").post("/documents", PAPER), 409, "only a registrar may keep the register")
    registrar = clients("registrar")
    assert refused(registrar.post("/documents", {**PAPER, "number": "P46/X"}), 409, "No P46/X is registered already")
    unknown = registrar.post("/documents", {**PAPER, "distribution": ["nobody"]})
    assert refused(unknown, 422, "unknown principal 'nobody'")
    assert unknown.json()["type"] == "urn:secretariat:problem:invalid-input"
    assert refused(registrar.post("/documents", {**PAPER, "return_to": "nowhere"}), 422, "unknown unit or post")
    above = registrar.post("/documents", {**PAPER, "classification": "SECRET//NOFORN"})
    assert refused(above, 409, "registrar holds TOP SECRET and cannot mark a paper SECRET//NOFORN")
    malformed = registrar.post("/documents", {**PAPER, "number": "p46/x"})
    assert refused(malformed, 422) and malformed.json()["errors"][0]["loc"] == ["body", "payload", "number"]
    assert Document.objects.count() == count and log_size() == size


def test_the_registrar_adds_addressees_to_a_distribution(clients, note):
    before = event_count("distribution.added")
    response = clients("registrar").post("/documents/GD-7/distribution", {"addressees": ["andropov", "unit:mfa"]})
    assert response.status_code == 201
    assert response.json() == [
        {"document": "GD-7", "position": 2, "addressee": "andropov"},
        {"document": "GD-7", "position": 3, "addressee": "unit:mfa"},
    ]
    assert event_count("distribution.added") == before + 2


def test_adding_addressees_is_refused_whole_to_others_and_for_an_uncleared_one(clients, note):
    size = log_size()
    gromyko = clients("gromyko").post("/documents/GD-7/distribution", {"addressees": ["andropov"]})
    assert refused(gromyko, 409, "only a registrar")
    uncleared = clients("registrar").post("/documents/GD-7/distribution", {"addressees": ["andropov", "visitor"]})
    assert refused(uncleared, 409, "visitor is not cleared for SECRET")
    missing = clients("registrar").post("/documents/GD-99/distribution", {"addressees": ["andropov"]})
    assert refused(missing, 404, "no document No GD-99")
    assert note.distribution.count() == 1 and log_size() == size


# Versions and attachments


def test_the_registrar_adds_a_version_and_the_old_text_is_kept(clients, note):
    before = event_count("document.version_added")
    response = clients("registrar").post("/documents/GD-7/versions", {"text": "The second text.", "note": " typos "})
    assert response.status_code == 201
    assert response.json() | {"created_at": None} == {
        "document": "GD-7",
        "version": 2,
        "note": "typos",
        "created_at": None,
        "created_by": "registrar",
    }
    assert [v.text for v in note.versions.order_by("number")] == ["The first text.", "The second text."]
    assert event_count("document.version_added") == before + 1
    assert clients("gromyko").get("/documents/GD-7").json()["text"] == "The second text."


def test_a_version_is_refused_to_others_and_where_the_text_is_kept_elsewhere(clients, note):
    size = log_size()
    assert refused(clients("gromyko").post("/documents/GD-7/versions", {"text": "Mine."}), 409, "only a registrar")
    kept = clients("registrar").post("/documents/P47/5/versions", {"text": "Changed."})
    assert refused(kept, 409, "kept by the protocol")
    assert note.versions.count() == 1 and log_size() == size


def test_the_registrar_attaches_a_file_with_its_own_marking(clients, note, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = event_count("attachment.added")
    upload = SimpleUploadedFile("../../Map of the route.pdf", b"%PDF-1.4 route", content_type="application/pdf")
    response = multipart(
        clients("registrar"),
        "/documents/GD-7/attachments",
        {"title": "Map", "classification": "CONFIDENTIAL", "text": "See the map.", "page_count": "3", "file": upload},
    )
    assert response.status_code == 201, response.content
    added = response.json()
    assert added["position"] == 1 and added["classification"] == "CONFIDENTIAL" and added["page_count"] == 3
    assert added["file"].startswith("Map_of_the_route") and added["file"].endswith(".pdf") and added["size"] == 14
    attachment = note.attachments.get()
    assert attachment.file.read() == b"%PDF-1.4 route" and attachment.text == "See the map."
    assert str(tmp_path / "media") in attachment.file.path  # kept under the media root, whatever the name said
    assert event_count("attachment.added") == before + 1
    textual = multipart(clients("registrar"), "/documents/GD-7/attachments", {"title": "Annex", "classification": "S"})
    assert textual.status_code == 201 and textual.json()["file"] is None and textual.json()["position"] == 2


def test_an_attachment_above_its_cover_or_from_another_is_refused(clients, note, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    size = log_size()
    above = multipart(clients("registrar"), "/documents/GD-7/attachments", {"title": "Map", "classification": "TS"})
    assert refused(above, 409, "would be above its cover")
    mine = multipart(clients("gromyko"), "/documents/GD-7/attachments", {"title": "Map", "classification": "C"})
    assert refused(mine, 409, "only a registrar")
    untitled = multipart(clients("registrar"), "/documents/GD-7/attachments", {"title": " ", "classification": "C"})
    assert refused(untitled, 422) and untitled.json()["errors"][0]["loc"] == ["form", "title"]
    assert note.attachments.count() == 0 and log_size() == size


def test_a_body_that_is_not_multipart_is_malformed(clients, note):
    client = clients("registrar")
    response = client.client.post(
        "/api/documents/GD-7/attachments", b"title=Map", content_type="multipart/form-data", headers=client.headers
    )  # no boundary: Django's parser cannot read it
    assert refused(response, 400, "not valid multipart/form-data")
    assert response.json()["type"] == "urn:secretariat:problem:malformed-request"
    assert note.attachments.count() == 0


# Copies: destruction by two people, loss


def test_a_copy_is_destroyed_by_two_people(clients):
    """Copy 2 of P47/5 is out with Andropov: the registrar records its destruction, Andropov witnesses it."""
    recorded_before, destroyed_before = event_count("copy.destruction_recorded"), event_count("copy.destroyed")
    recorded = clients("registrar").post("/documents/P47/5/copies/2/destruction", {"certificate": "Act No 12"})
    assert recorded.status_code == 200 and recorded.json()["status"] == "issued"
    assert Copy.objects.get(document__number="P47/5", number=2).destruction_certificate == "Act No 12"
    assert event_count("copy.destruction_recorded") == recorded_before + 1
    twice = clients("registrar").post("/documents/P47/5/copies/2/destruction/witness")
    assert refused(twice, 409, "a second person must witness it")
    witnessed = clients("andropov").post("/documents/P47/5/copies/2/destruction/witness")
    assert witnessed.status_code == 200
    assert witnessed.json()["status"] == "destroyed" and witnessed.json()["destroyed_at"] is not None
    assert event_count("copy.destroyed") == destroyed_before + 1


def test_a_destruction_is_refused_to_one_neither_holder_nor_registrar(clients):
    size = log_size()
    other = clients("gromyko").post("/documents/P47/5/copies/2/destruction", {"certificate": "Act No 12"})
    assert other.status_code in (404, 409) and other["Content-Type"] == PROBLEM
    stranger = clients("dobrynin").post("/documents/P47/5/copies/2/destruction", {"certificate": "Act No 12"})
    assert refused(stranger, 404, "no copy 2 of No P47/5")
    nothing = clients("andropov").post("/documents/P47/5/copies/2/destruction/witness")
    assert refused(nothing, 409, "no destruction of copy 2 of No P47/5 is recorded")
    blank = clients("registrar").post("/documents/P47/5/copies/2/destruction", {"certificate": "  "})
    assert refused(blank, 422)
    copy = Copy.objects.get(document__number="P47/5", number=2)
    assert copy.destruction_recorded_at is None and copy.status == "issued" and log_size() == size


def test_the_holder_reports_their_copy_lost(clients):
    before = event_count("copy.lost")
    response = clients("andropov").post("/documents/P47/5/copies/2/loss", {"circumstances": "Left on a train."})
    assert response.status_code == 201
    loss = response.json()
    assert loss["kind"] == "loss" and loss["reported_by"] == "andropov" and loss["circumstances"] == "Left on a train."
    assert loss["copy"]["copy"] == 2 and loss["copy"]["status"] == "lost" and loss["copy"]["lost_at"] is not None
    assert Incident.objects.get(pk=loss["id"]).copy.status == "lost"
    assert event_count("copy.lost") == before + 1


def test_a_loss_is_refused_to_a_stranger_and_for_a_copy_back_already(clients):
    size = log_size()
    stranger = clients("dobrynin").post("/documents/P47/5/copies/2/loss", {"circumstances": "Lost."})
    assert refused(stranger, 404, "no copy 2 of No P47/5")
    returned = clients("registrar").post("/documents/P47/5/copies/1/loss", {"circumstances": "Lost."})
    assert refused(returned, 409, "copy 1 of No P47/5 is returned already")
    assert not Incident.objects.exists() and log_size() == size


# Case files


def test_the_registrar_opens_a_case_file_and_adds_papers(clients, note):
    opened_before, added_before = event_count("case.opened"), event_count("case.documents_added")
    registrar = clients("registrar")
    opened = registrar.post("/cases", {"title": "Visit papers", "documents": ["P47/5"]})
    assert opened.status_code == 201
    case = opened.json()
    assert case["number"] == "CASE-3" and [d["number"] for d in case["documents"]] == ["P47/5"]
    assert any("copy 2 of No P47/5 is issued" in m for m in case["still_missing"])
    assert event_count("case.opened") == opened_before + 1
    added = registrar.post("/cases/CASE-3/documents", {"documents": ["GD-7"]})
    assert added.status_code == 200 and [d["number"] for d in added.json()["documents"]] == ["P47/5", "GD-7"]
    assert event_count("case.documents_added") == added_before + 1
    named = registrar.post("/cases", {"title": "Own number", "number": "GD-CASE-1"})
    assert named.status_code == 201 and named.json()["documents"] == []


def test_case_files_are_refused_to_others_and_a_closed_one_takes_no_papers(clients, note):
    size, count = log_size(), CaseFile.objects.count()
    assert refused(clients("gromyko").post("/cases", {"title": "Mine"}), 409, "only a registrar may keep case files")
    registrar = clients("registrar")
    assert refused(registrar.post("/cases", {"title": "Lost", "documents": ["GD-99"]}), 404, "no document No GD-99")
    assert refused(registrar.post("/cases/CASE-1/documents", {"documents": ["GD-7"]}), 409, "is closed")
    assert refused(registrar.post("/cases/CASE-2/documents", {"documents": ["P47/5"]}), 409, "already in")
    assert refused(clients("gromyko").post("/cases/CASE-2/documents", {"documents": ["GD-7"]}), 409, "only a registrar")
    assert refused(registrar.post("/cases/CASE-9/documents", {"documents": ["GD-7"]}), 404, "no case file CASE-9")
    assert CaseFile.objects.count() == count and log_size() == size
    assert list(CaseFile.objects.get(number="CASE-2").documents.values_list("number", flat=True)) == ["P47/5"]


def test_a_text_as_long_as_the_document_allows_is_taken_and_a_larger_body_is_invalid(clients, note):
    """A text of 1,000,000 characters, each sent as a JSON escape (6 bytes), is a body of 6 MB: taken, as the
    document says; a body larger than any the document allows is a 422, not a failure of ours."""
    registrar = clients("registrar")
    longest = registrar.post("/documents/GD-7/versions", {"text": "\u00c6" * 1_000_000})
    assert longest.status_code == 201 and note.current_version().text == "\u00c6" * 1_000_000
    size = log_size()
    huge = registrar.post("/documents/GD-7/versions", raw='{"text": "' + "x" * (17 * 1024 * 1024) + '"}')
    assert refused(huge, 422, "larger") and huge.json()["type"] == "urn:secretariat:problem:invalid-request"
    assert note.versions.count() == 2 and log_size() == size
