"""Channels on the web: the administrator adds a channel and its editors; others get the 404,
bad input is shown next to its field and changes nothing."""

import pytest

from secretariat.audit.models import AuditEvent
from secretariat.kernel.principals import principal_by_username
from secretariat.releases.models import Channel
from tests import grants


def _banner(text: str) -> str:
    return text.split('<ul class="messages">')[1].split("</ul>")[0]


def _field(text: str, name: str) -> str:
    """The form's block around the field `name`: its label, its errors and its input."""
    before, _, after = text.partition(f'name="{name}"')
    return before[-800:] + after[:200]


def test_the_admin_sees_the_channels_and_adds_one(demo, login):
    admin = login("admin")
    page = admin.get("/channels/press/channels/").content.decode()
    assert '<a href="/channels/press/channels/">Channels</a>' in page
    assert '<a href="/channels/tass/">' in page and "TASS editor" in page  # editors by name
    data = {"code": "novosti", "name": "Novosti Press Agency", "series": "apn", "editors": ["tass"]}
    response = admin.post("/channels/press/channels/add/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/channels/press/channels/"
    text = response.content.decode()
    assert "Channel Novosti Press Agency added at /channels/novosti/ (series APN)" in _banner(text)
    assert '<a href="/channels/novosti/">Novosti Press Agency</a>' in text
    channel = Channel.objects.get(code="novosti")
    assert channel.series == "APN" and list(channel.editors.values_list("username", flat=True)) == ["tass"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "press", "that is the press desk"),
        ("code", "Big Agency", "Enter lowercase"),
        ("series", "1x", "e.g. TASS"),
    ],
)
def test_a_bad_channel_is_refused_next_to_its_field(demo, login, field, value, message):
    admin = login("admin")
    size, channels = AuditEvent.objects.count(), Channel.objects.count()
    data = {"code": "novosti", "name": "Novosti", "series": "APN", field: value}
    response = admin.post("/channels/press/channels/add/", data)
    assert response.status_code == 422
    assert message in _field(response.content.decode(), field)
    assert Channel.objects.count() == channels and AuditEvent.objects.count() == size


def test_the_admin_adds_an_editor(demo, make_grant_of_press_officer):
    admin, officer = make_grant_of_press_officer
    page = admin.get("/channels/press/channels/").content.decode()
    assert '<option value="ria">RIA editor</option>' in page
    response = admin.post("/channels/press/channels/tass/editors/", {"editor": "ria"}, follow=True)
    assert "RIA editor now edits" in _banner(response.content.decode())
    assert Channel.objects.get(code="tass").editors.filter(username="ria").exists()


@pytest.fixture
def make_grant_of_press_officer(demo, login):
    """A second press officer, granted by two people as the demo's were."""
    grants.add_principal(
        principal_by_username("admin"),
        "ria",
        security_officer=principal_by_username("security"),
        clearance="SECRET",
        roles=("press_officer",),
        last_name="RIA editor",
    )
    return login("admin"), principal_by_username("ria")


def test_an_editor_twice_or_not_a_press_officer_changes_nothing(demo, login):
    admin = login("admin")
    size = AuditEvent.objects.count()
    again = admin.post("/channels/press/channels/tass/editors/", {"editor": "tass"})
    assert again.status_code == 409 and "edits tass already" in again.content.decode()
    not_officer = admin.post("/channels/press/channels/tass/editors/", {"editor": "gromyko"})
    assert not_officer.status_code == 422
    assert "Select a valid choice" in _field(not_officer.content.decode(), "editor")
    assert list(Channel.objects.get(code="tass").editors.values_list("username", flat=True)) == ["tass"]
    assert AuditEvent.objects.count() == size
    assert admin.post("/channels/press/channels/nope/editors/", {"editor": "tass"}).status_code == 404


@pytest.mark.parametrize("username", ["tass", "registrar", "gromyko", "security"])
def test_the_channels_page_is_the_404_for_anyone_but_the_admin(demo, login, username):
    client = login(username)
    size = AuditEvent.objects.count()
    assert client.get("/channels/press/channels/").status_code == 404
    data = {"code": "novosti", "name": "Novosti", "series": "APN"}
    assert client.post("/channels/press/channels/add/", data).status_code == 404
    assert client.post("/channels/press/channels/tass/editors/", {"editor": "tass"}).status_code == 404
    assert not Channel.objects.filter(code="novosti").exists() and AuditEvent.objects.count() == size
