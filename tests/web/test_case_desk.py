"""The case files desk: the registrar lists, opens, fills and closes case files on the web."""

import datetime as dt

import pytest

from secretariat.audit.models import AuditEvent
from secretariat.cases.models import CaseFile
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from secretariat.registry.models import Document


def _banner(text: str) -> str:
    return text.split('<ul class="messages">')[1].split("</ul>")[0]


def _field(text: str, name: str) -> str:
    """The form's block around the field `name`: its label, its errors and its input."""
    before, _, after = text.partition(f'name="{name}"')
    return before[-800:] + after[:200]


def _new_paper(number: str) -> Document:
    """A paper with no distribution: nothing out, nothing to wait for, so its case may close."""
    return registry.register_document(
        principal_by_username("registrar"),
        number=number,
        title="A note for the file",
        classification=Classification.parse("SECRET"),
        text="Filed.",
        dated=dt.date(1977, 3, 1),
        distribution=[],
    )


def test_the_registrar_sees_the_case_files_open_and_closed(demo, login):
    registrar = login("registrar")
    text = registrar.get("/cases/").content.decode()
    assert '<a href="/cases/">Case files</a>' in text
    assert '<a href="/cases/CASE-1/">CASE-1</a>' in text and '<a href="/cases/CASE-2/">CASE-2</a>' in text
    assert "closed" in text and "<strong>open</strong>" in text and "1–2 of 2" in text
    assert "Registrar, General Department 1st sector" in text  # the opener by name, not login
    only_open = registrar.get("/cases/?state=open").content.decode()
    assert '<a href="/cases/CASE-2/">' in only_open and '<a href="/cases/CASE-1/">' not in only_open
    only_closed = registrar.get("/cases/?state=closed").content.decode()
    assert '<a href="/cases/CASE-1/">' in only_closed and '<a href="/cases/CASE-2/">' not in only_closed
    case = registrar.get("/cases/CASE-1/").content.decode()
    assert '<a href="/registry/P46/X/">No P46/X</a>' in case
    assert case.count('<td><a href="/registry/') == 4  # the extract, the cable, the report, the release
    assert "Add a paper" not in case and "Close this case file" not in case  # closed: no actions left


@pytest.mark.parametrize("username", ["gromyko", "secretary", "admin", "archivist", "visitor"])
def test_the_desk_is_the_404_for_anyone_but_the_registrar(demo, login, username):
    client = login(username)
    assert 'href="/cases/"' not in client.get("/in-tray/").content.decode()
    for url in ("/cases/", "/cases/CASE-2/", "/cases/CASE-2/close/"):
        assert client.get(url).status_code == 404, url
    size = AuditEvent.objects.count()
    assert client.post("/cases/open/", {"title": "Mine"}).status_code == 404
    assert client.post("/cases/CASE-2/papers/", {"document": "P46/X"}).status_code == 404
    assert client.post("/cases/CASE-2/close/", {"confirm": "on"}).status_code == 404
    assert CaseFile.objects.count() == 2 and AuditEvent.objects.count() == size
    assert not CaseFile.objects.get(number="CASE-2").is_closed


def test_open_a_case_with_a_paper(demo, login):
    registrar = login("registrar")
    response = registrar.post("/cases/open/", {"title": "The visit of March", "documents": ["P47/5"]}, follow=True)
    assert response.redirect_chain[-1][0] == "/cases/CASE-3/"
    text = response.content.decode()
    assert "Case file CASE-3 opened: The visit of March" in _banner(text)
    assert '<a href="/registry/P47/5/">No P47/5</a>' in text
    case = CaseFile.objects.get(number="CASE-3")
    assert case.title == "The visit of March" and list(case.documents.values_list("number", flat=True)) == ["P47/5"]


def test_a_case_without_a_title_is_refused_next_to_its_field(demo, login):
    registrar = login("registrar")
    size = AuditEvent.objects.count()
    response = registrar.post("/cases/open/", {"title": "", "documents": ["P47/5"]})
    assert response.status_code == 422
    assert "This field is required." in _field(response.content.decode(), "title")
    assert CaseFile.objects.count() == 2 and AuditEvent.objects.count() == size


def test_add_a_paper_picked_from_those_one_may_register(demo, login):
    registrar = login("registrar")
    _new_paper("R-77")
    page = registrar.get("/cases/CASE-2/").content.decode()
    assert 'hx-get="/cases/papers/suggest/?case=CASE-2"' in page and "<select" not in page.split("papers/")[-1][:300]
    suggest = "/cases/papers/suggest/?case=CASE-2&field=document&document="
    offered = registrar.get(suggest + "R-7").content.decode()
    assert '<option value="R-77">' in offered
    assert '<option value="P47/5">' not in registrar.get(suggest + "P47").content.decode()  # already in it
    several = registrar.get("/cases/papers/suggest/?field=documents&multiple=1&documents=P46/X,+R-7").content.decode()
    assert '<option value="P46/X, R-77">' in several  # the list so far kept, the last completed
    assert login("gromyko").get(suggest + "R").status_code == 404  # the registrar's desk alone
    _new_paper("R-78")
    opened = registrar.post("/cases/open/", {"title": "Two papers", "documents": "R-77, R-78"}, follow=True)
    case = CaseFile.objects.get(title="Two papers")
    assert opened.status_code == 200 and sorted(case.documents.values_list("number", flat=True)) == ["R-77", "R-78"]
    response = registrar.post("/cases/CASE-2/papers/", {"document": "R-77"}, follow=True)
    assert response.redirect_chain[-1][0] == "/cases/CASE-2/"
    text = response.content.decode()
    assert "No R-77 added to case file CASE-2" in _banner(text)
    assert '<a href="/registry/R-77/">No R-77</a>' in text
    assert "R-77" in CaseFile.objects.get(number="CASE-2").documents.values_list("number", flat=True)


def test_a_paper_not_on_offer_is_refused_next_to_its_field(demo, login):
    registrar = login("registrar")
    size = AuditEvent.objects.count()
    for number in ("NOPE-1", "P47/5"):  # missing, and already in the case
        response = registrar.post("/cases/CASE-2/papers/", {"document": number})
        assert response.status_code == 422, number
        assert "Select a valid choice" in _field(response.content.decode(), "document")
    assert CaseFile.objects.get(number="CASE-2").entries.count() == 1 and AuditEvent.objects.count() == size


def test_close_a_case_after_confirming(demo, login):
    registrar = login("registrar")
    _new_paper("R-78")
    registrar.post("/cases/open/", {"title": "A matter settled", "documents": ["R-78"]})
    confirm = registrar.get("/cases/CASE-3/close/").content.decode()
    assert "Close case file CASE-3?" in confirm and 'name="confirm"' in confirm and "cannot be undone" in confirm

    size = AuditEvent.objects.count()
    unconfirmed = registrar.post("/cases/CASE-3/close/", {})
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm" in _field(unconfirmed.content.decode(), "confirm")
    assert not CaseFile.objects.get(number="CASE-3").is_closed and AuditEvent.objects.count() == size

    response = registrar.post("/cases/CASE-3/close/", {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == "/cases/CASE-3/"
    assert "Case file CASE-3 closed; its papers are filed" in _banner(response.content.decode())
    assert CaseFile.objects.get(number="CASE-3").is_closed
    assert Document.objects.get(number="R-78").filed_at is not None


def test_a_case_with_copies_out_does_not_close(demo, login):
    registrar = login("registrar")
    page = registrar.get("/cases/CASE-2/close/").content.decode()
    assert "It will be refused while these are outstanding" in page
    response = registrar.post("/cases/CASE-2/close/", {"confirm": "on"})
    assert response.status_code == 409 and "cannot close" in response.content.decode()
    assert not CaseFile.objects.get(number="CASE-2").is_closed
