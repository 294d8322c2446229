"""The releases desk's operations over the API, against the demo: channels, editors, prepared announcements."""

from secretariat.audit.models import AuditEvent
from secretariat.cables import services as cables
from secretariat.cables.services import Part
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.releases.models import Channel, ReleaseTemplate
from tests.api.checks import PROBLEM, events


def test_an_administrator_adds_a_channel_with_its_editors(api_as):
    added = api_as("admin").post(
        "/channels", {"code": "pravda", "name": "Pravda", "series": "PRAVDA", "editors": ["tass"]}
    )
    assert added.status_code == 201, added.content
    assert added.json() == {"code": "pravda", "name": "Pravda", "series": "PRAVDA", "editors": ["tass"]}
    channel = Channel.objects.get(code="pravda")
    assert [e.username for e in channel.editors.all()] == ["tass"]
    assert events("channel.added", code="pravda", series="PRAVDA", editors=["tass"])


def test_only_an_administrator_adds_a_channel_and_a_code_is_taken_once(api_as):
    gromyko, admin = api_as("gromyko"), api_as("admin")
    before = (Channel.objects.count(), AuditEvent.objects.count())
    refused = gromyko.post("/channels", {"code": "pravda", "name": "Pravda", "series": "PRAVDA"})
    assert refused.status_code == 409 and refused["Content-Type"] == PROBLEM
    assert admin.post("/channels", {"code": "tass", "name": "Again", "series": "AGAIN"}).status_code == 409
    reserved = admin.post("/channels", {"code": "press", "name": "The desk", "series": "DESK"})
    assert reserved.status_code == 422 and "press desk" in reserved.json()["detail"]
    assert admin.post("/channels", {"code": "x", "name": "X", "series": "X", "editors": ["nobody"]}).status_code == 422
    assert (Channel.objects.count(), AuditEvent.objects.count()) == before


def test_an_administrator_adds_a_press_officer_as_an_editor(api_as):
    admin = api_as("admin")
    assert admin.post("/channels", {"code": "pravda", "name": "Pravda", "series": "PRAVDA"}).status_code == 201
    added = admin.post("/channels/pravda/editors", {"editor": "tass"})
    assert added.status_code == 200 and added.json()["editors"] == ["tass"]
    assert Channel.objects.get(code="pravda").editors.filter(username="tass").exists()
    assert events("channel.editor_added", editor="tass")


def test_an_editor_is_a_press_officer_added_once_by_an_administrator(api_as):
    admin, gromyko = api_as("admin"), api_as("gromyko")
    before = len(events("channel.editor_added"))
    assert admin.post("/channels/tass/editors", {"editor": "gromyko"}).status_code == 409  # not a press officer
    assert admin.post("/channels/tass/editors", {"editor": "tass"}).status_code == 409  # already
    assert gromyko.post("/channels/tass/editors", {"editor": "tass"}).status_code == 409  # not an administrator
    missing = admin.post("/channels/pravda/editors", {"editor": "tass"})
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    assert [e.username for e in Channel.objects.get(code="tass").editors.all()] == ["tass"]
    assert len(events("channel.editor_added")) == before


def _draft(by: str = "gromyko") -> str:
    return cables.draft_cable(
        principal_by_username(by),
        subject="Follow-up",
        classification=Classification.parse("SECRET"),
        action_post=principal_by_username("dobrynin").unit,
        parts=[Part("FIRST", "See Vance again.")],
    ).number


def test_the_drafter_prepares_the_announcement_a_draft_carries(api_as):
    number = _draft()
    prepared = api_as("gromyko").post(
        f"/cables/{number}/releases", {"channel": "tass", "title": "Again", "text": "On {{day}} Vance was seen again."}
    )
    assert prepared.status_code == 201, prepared.content
    body = prepared.json()
    assert body["cable"] == number and body["channel"] == "tass" and body["fields"] == ["day"]
    assert body["classification"] == "SECRET" and body["released"] is None and body["prepared_by"] == "gromyko"
    assert ReleaseTemplate.objects.filter(pk=body["id"], cable__number=number).exists()
    assert events("release.prepared", template=body["id"], channel="tass")


def test_only_the_drafter_prepares_and_only_in_a_draft(api_as):
    number = _draft()
    gromyko, tass, secretary = api_as("gromyko"), api_as("tass"), api_as("secretary")
    before = (ReleaseTemplate.objects.count(), len(events("release.prepared")))
    ask = {"channel": "tass", "title": "Again", "text": "On {{day}} again."}
    assert tass.post(f"/cables/{number}/releases", ask).status_code == 404  # may not read the draft
    assert secretary.post(f"/cables/{number}/releases", ask).status_code in (404, 409)  # not its drafter
    assert gromyko.post(f"/cables/{number}/releases", ask | {"channel": "pravda"}).status_code == 404
    assert gromyko.post("/cables/TEL-1/releases", ask).status_code == 409  # sent and reported long ago
    stray = gromyko.post(f"/cables/{number}/releases", ask | {"text": "On {{Day}} again."})
    assert stray.status_code == 422
    assert (ReleaseTemplate.objects.count(), len(events("release.prepared"))) == before
