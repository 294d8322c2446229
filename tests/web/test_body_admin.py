"""Bodies on the web: the administrator adds a body, its members and its secretary; the
registrar registers a paper of a body. Others get the 404; bad input changes nothing."""

import pytest

from secretariat.audit.models import AuditEvent
from secretariat.decisions.models import Body, BodyPaper
from secretariat.registry.models import Document


def _banner(text: str) -> str:
    return text.split('<ul class="messages">')[1].split("</ul>")[0]


def _field(text: str, name: str) -> str:
    """The form's block around the field `name`: its label, its errors and its input."""
    before, _, after = text.partition(f'name="{name}"')
    return before[-800:] + after[:200]


def _body(login, **fields):
    data = {"name": "Secretariat of the CC", "prefix": "S", "return_days": "5", **fields}
    return login("admin").post("/secretary/bodies/add/", data, follow=True)


def test_the_admin_adds_a_body(demo, login):
    admin = login("admin")
    listing = admin.get("/secretary/bodies/").content.decode()
    assert '<a href="/secretary/bodies/">Bodies</a>' in listing
    assert '<a href="/secretary/bodies/P/">' in listing and "Secretary of the CC" in listing
    response = _body(login, registry_unit="cc-gd-1")
    assert response.redirect_chain[-1][0] == "/secretary/bodies/S/"
    assert "Body Secretariat of the CC added (prefix S)" in _banner(response.content.decode())
    body = Body.objects.get(prefix="S")
    assert body.name == "Secretariat of the CC" and body.return_days == 5 and body.registry_unit.code == "cc-gd-1"


def test_a_bad_prefix_is_refused_next_to_its_field(demo, login):
    admin = login("admin")
    size = AuditEvent.objects.count()
    response = admin.post("/secretary/bodies/add/", {"name": "Secretariat", "prefix": "s!", "return_days": 5})
    assert response.status_code == 422
    assert "Enter capital Latin letters and digits" in _field(response.content.decode(), "prefix")
    assert not Body.objects.filter(name="Secretariat").exists() and AuditEvent.objects.count() == size


def test_the_admin_appoints_the_secretary_and_adds_members(demo, login):
    _body(login)
    admin = login("admin")
    page = admin.get("/secretary/bodies/S/").content.decode()
    assert '<option value="secretary">Secretary of the CC</option>' in page  # people by name
    assert '<option value="ponomarev">B. N. Ponomarev</option>' in page

    response = admin.post("/secretary/bodies/S/secretary/", {"secretary": "secretary"}, follow=True)
    assert "Secretary of the CC appointed secretary of Secretariat of the CC" in _banner(response.content.decode())
    assert Body.objects.get(prefix="S").secretary.username == "secretary"

    response = admin.post("/secretary/bodies/S/members/", {"members": ["ponomarev", "zamiatin"]}, follow=True)
    text = response.content.decode()
    assert "Added to Secretariat of the CC: B. N. Ponomarev, L. M. Zamiatin" in _banner(text)
    assert "<li>B. N. Ponomarev</li>" in text
    assert set(Body.objects.get(prefix="S").members.values_list("username", flat=True)) == {"ponomarev", "zamiatin"}


def test_refused_duties_change_nothing(demo, login):
    admin = login("admin")
    size = AuditEvent.objects.count()
    not_a_secretary = admin.post("/secretary/bodies/P/secretary/", {"secretary": "gromyko"})
    assert not_a_secretary.status_code == 422
    assert "Select a valid choice" in _field(not_a_secretary.content.decode(), "secretary")
    keeper = admin.post("/secretary/bodies/P/members/", {"members": ["registrar"]})
    assert keeper.status_code == 409 and "a keeper of the registry may not be" in keeper.content.decode()
    again = admin.post("/secretary/bodies/P/members/", {"members": ["gromyko"]})
    assert again.status_code == 409 and "already members" in again.content.decode()
    body = Body.objects.get(prefix="P")
    assert body.secretary.username == "secretary" and not body.members.filter(username="registrar").exists()
    assert AuditEvent.objects.count() == size
    assert admin.get("/secretary/bodies/NOPE/").status_code == 404


def test_the_registrar_registers_a_paper_of_a_body(demo, login):
    registrar, politburo = login("registrar"), Body.objects.get(prefix="P").name
    page = registrar.get("/secretary/bodies/P/").content.decode()
    assert f"Register a paper of {politburo}" in page and "Appoint the secretary" not in page
    data = {
        "title": "Note on the visit",
        "classification": "SECRET",
        "kind": "note",
        "dated": "1977-03-01",
        "page_count": "2",
        "text": "The visit is agreed.",
        "people": ["gromyko"],
        "units": ["mfa"],
    }
    response = registrar.post("/secretary/bodies/P/papers/", data, follow=True)
    assert response.redirect_chain, response.content.decode()[-3000:]
    number = response.redirect_chain[-1][0].removeprefix("/registry/").removesuffix("/")
    assert f"No {number} registered as a paper of {politburo}" in _banner(response.content.decode())
    document = Document.objects.get(number=number)
    assert document.page_count == 2 and BodyPaper.objects.get(document=document).body.prefix == "P"
    assert document.return_days == Body.objects.get(prefix="P").return_days
    assert "gromyko" in document.distribution.values_list("principal__username", flat=True)
    assert "mfa" in document.distribution.values_list("unit__code", flat=True)


def test_a_bad_classification_is_refused_next_to_its_field(demo, login):
    registrar = login("registrar")
    size, papers = AuditEvent.objects.count(), Document.objects.count()
    data = {"title": "Note", "classification": "VERY SECRET", "kind": "note", "dated": "1977-03-01"}
    response = registrar.post("/secretary/bodies/P/papers/", {**data, "page_count": 1, "text": "x"})
    assert response.status_code == 422
    field = _field(response.content.decode(), "classification_level")  # the picker's level select
    assert "unknown classification level &#x27;VERY SECRET&#x27;" in field and 'aria-invalid="true"' in field
    assert Document.objects.count() == papers and AuditEvent.objects.count() == size


@pytest.mark.parametrize(
    ("username", "url", "data"),
    [
        ("registrar", "/secretary/bodies/add/", {"name": "X", "prefix": "X", "return_days": 7}),
        ("registrar", "/secretary/bodies/P/members/", {"members": ["ponomarev"]}),
        ("secretary", "/secretary/bodies/P/secretary/", {"secretary": "secretary"}),
        ("admin", "/secretary/bodies/P/papers/", {"title": "X", "classification": "SECRET", "kind": "note"}),
        ("gromyko", "/secretary/bodies/", None),
        ("secretary", "/secretary/bodies/P/", None),
    ],
)
def test_the_wrong_role_gets_the_404(demo, login, username, url, data):
    client = login(username)
    size = AuditEvent.objects.count()
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 404
    assert AuditEvent.objects.count() == size and not Body.objects.filter(prefix="X").exists()
    assert not Body.objects.get(prefix="P").members.filter(username="ponomarev").exists()
