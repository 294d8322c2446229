"""The cable desk: draft, approve, send at home; acknowledge (htmx) and report at the post."""

import pytest

from secretariat.accounts import services as accounts
from secretariat.cables.models import Cable, Control
from secretariat.decisions.models import Meeting
from secretariat.kernel.principals import principal_by_username
from secretariat.releases.models import Release, ReleaseTemplate
from tests import grants
from tests.web.pages import events, page, sign_in

FIRST = "Meet the Secretary of State & say <this>."
GUIDANCE = "For the Ambassador alone: be brief."


def decide(client):
    """The secretary records meeting 48 with point 1, signs it and makes its extract."""
    sign_in(client, "secretary")
    client.post("/secretary/P/meetings/", {"number": 48, "held_on": "1977-03-04"})
    point = {"identifier": "1", "title": "On the visit", "decision": "Instruct Washington.", "classification": "SECRET"}
    client.post("/secretary/P/48/points/", point | {"addressees": "gromyko"})
    client.post("/secretary/P/48/sign/")
    client.post("/secretary/P/48/extracts/", {"identifier": "1"})
    assert Meeting.objects.get(number=48).is_signed


def draft(client, **changes) -> str:
    sign_in(client, "gromyko")
    form = {
        "subject": "Instructions on the visit",
        "classification": "SECRET",
        "action_post": "washington",
        "precedence": "immediate",
        "first": FIRST,
        "guidance": GUIDANCE,
        "second": "Wire the answer.",
        "point": "P/48/1",
        "report_requirement": "Wire when you have done it.",
        "report_days": 5,
    } | changes
    response = client.post("/cable-desk/draft/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].removeprefix("/cable-desk/").removesuffix("/")


@pytest.fixture
def other_post_officer(demo):  # noqa: F811
    admin = principal_by_username("admin")
    accounts.add_unit(admin, "ottawa", "OTTAWA", post=True)
    return grants.add_principal(admin, "ottawa-officer", clearance="SECRET", roles=["post_officer"], unit="ottawa")


@pytest.mark.parametrize("username", ["visitor", "secretary", "tass", "brezhnev", "auditor"])
def test_without_a_unit_the_cable_desk_is_the_404(client, demo, username):  # noqa: F811
    sign_in(client, username)
    for url in ["/cable-desk/", "/cable-desk/TEL-1/"]:
        assert "Not found" in page(client.get(url), 404)
    assert page(client.post("/cable-desk/TEL-1/acknowledge/"), 404)


def test_a_cable_on_a_decision_goes_from_draft_to_report_through_the_desk(client, demo, other_post_officer):  # noqa: F811
    decide(client)
    number = draft(client)
    text = page(client.get(f"/cable-desk/{number}/"))
    assert "Meet the Secretary of State &amp; say &lt;this&gt;." in text and GUIDANCE in text
    assert text.count('class="banner SECRET"') == 2 and "drafted" in text
    assert f"/cable-desk/{number}/" in page(client.get("/cable-desk/"))

    sign_in(client, "secretary")
    meeting = page(client.get("/secretary/P/48/"))
    assert f"Approve No {number}" in meeting
    response = client.post("/cable-desk/approvals/P/48/", {"cable": number, "point": "P/48/1"})
    assert response.status_code == 302 and Cable.objects.get(document__number=number).state == "approved"

    sign_in(client, "gromyko")
    assert f"Send No {number}" in page(client.get("/cable-desk/"))
    assert client.post(f"/cable-desk/{number}/send/").status_code == 302
    assert Cable.objects.get(document__number=number).dtg

    sign_in(client, "dobrynin")
    desk = page(client.get("/cable-desk/"))
    assert f"Acknowledge No {number}" in desk and "Wire when you have done it." in desk  # the control on the post
    reads = events(action="document.read")
    text = page(client.get(f"/cable-desk/{number}/"))
    assert GUIDANCE in text and events(action="document.read") == reads + 1
    fragment = page(client.post(f"/cable-desk/{number}/acknowledge/", HTTP_HX_REQUEST="true"))
    assert fragment.lstrip().startswith("<tr") and "<html" not in fragment and "acknowledged" in fragment
    assert Control.objects.get(document__number=number).status == "acknowledged"

    text = page(client.get(f"/cable-desk/{number}/"))
    assert "File the report" in text
    response = client.post(f"/cable-desk/{number}/report/", {"title": "", "text": "Done on 4 March."})
    assert response["Location"] == f"/cable-desk/{number}/"
    text = page(client.get(f"/cable-desk/{number}/"))
    assert "done · report No" in text and "File the report" not in text
    assert Cable.objects.get(document__number=number).state == "reported"

    sign_in(client, other_post_officer.username)
    assert "Not found" in page(client.get(f"/cable-desk/{number}/"), 404)
    assert "Not found" in page(client.get("/cable-desk/NOPE-1/"), 404)


def test_the_secretary_reads_no_guidance_she_may_not_and_info_posts_see_no_guidance(client, demo, other_post_officer):  # noqa: F811
    decide(client)
    number = draft(client, info_posts="ottawa")
    sign_in(client, "secretary")
    client.post("/cable-desk/approvals/P/48/", {"cable": number, "point": "P/48/1"})
    sign_in(client, "gromyko")
    client.post(f"/cable-desk/{number}/send/")
    sign_in(client, other_post_officer.username)
    text = page(client.get(f"/cable-desk/{number}/"))
    assert FIRST.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in text and GUIDANCE not in text
    assert "Acknowledge" not in text


def test_refusals_show_in_the_page_and_change_nothing(client, demo):  # noqa: F811
    decide(client)
    number = draft(client)
    sign_in(client, "gromyko")
    head, cables = events(), Cable.objects.count()
    text = page(client.post(f"/cable-desk/{number}/send/"), 409)
    assert 'role="alert"' in text and "is not approved yet" in text
    text = page(client.post(f"/cable-desk/{number}/approve/", {"point": "P/48/1"}), 409)
    assert "names secretary to approve; gromyko may not" in text
    text = page(
        client.post(
            "/cable-desk/draft/",
            {"subject": "x", "classification": "SECRET", "action_post": "mfa", "first": "x", "precedence": "routine"},
        ),
        422,
    )
    assert "cables go to posts" in text and "x</textarea>" in text
    assert events() == head and Cable.objects.count() == cables

    sign_in(client, "dobrynin")
    head = events()
    fragment = page(client.post("/cable-desk/TEL-1/acknowledge/", HTTP_HX_REQUEST="true"), 409)
    assert "<html" not in fragment and 'role="alert"' in fragment and "only a sent cable is acknowledged" in fragment
    assert "has no open control on No TEL-1" in page(client.post("/cable-desk/TEL-1/report/", {"text": "Again."}), 409)
    assert events() == head


def test_the_drafter_prepares_the_announcement_in_the_draft_and_the_press_desk_releases_it_after_the_report(
    client,
    demo,  # noqa: F811
):
    decide(client)
    number = draft(client)
    form = page(client.get(f"/cable-desk/{number}/"))
    assert "Prepare the announcement" in form and 'value="tass"' in form

    bad = {"channel": "tass", "title": "Statement", "text": "On {{Date}} nothing."}
    assert "blanks are written {{name}}" in page(client.post(f"/cable-desk/{number}/announce/", bad), 422)
    assert not ReleaseTemplate.objects.filter(cable__number=number).exists()
    announcement = {"channel": "tass", "title": "On the visit", "text": "On {{date}} the Ambassador saw Vance."}
    assert client.post(f"/cable-desk/{number}/announce/", announcement)["Location"] == f"/cable-desk/{number}/"
    text = page(client.get(f"/cable-desk/{number}/"))
    assert "On {{date}} the Ambassador saw Vance." in text and "after the control is done" in text

    sign_in(client, "dobrynin")  # the post sees nothing of a draft
    assert "Not found" in page(client.post(f"/cable-desk/{number}/announce/", announcement), 404)

    sign_in(client, "secretary")
    client.post("/cable-desk/approvals/P/48/", {"cable": number, "point": "P/48/1"})
    sign_in(client, "gromyko")
    assert "Prepare the announcement" not in page(client.get(f"/cable-desk/{number}/"))
    refused = page(client.post(f"/cable-desk/{number}/announce/", announcement), 409)
    assert "approval covered only the announcements prepared in the draft" in refused
    assert ReleaseTemplate.objects.filter(cable__number=number).count() == 1
    client.post(f"/cable-desk/{number}/send/")

    sign_in(client, "dobrynin")
    client.post(f"/cable-desk/{number}/acknowledge/")
    client.post(f"/cable-desk/{number}/report/", {"title": "", "text": "Done on 4 March."})
    sign_in(client, "tass")
    template = ReleaseTemplate.objects.get(cable__number=number)
    assert "On {{date}} the Ambassador saw Vance." in page(client.get("/channels/press/"))
    assert client.post(f"/channels/press/{template.pk}/release/", {"blank-date": "March 4"}).status_code == 302
    released = Release.objects.get(template=template)
    assert "On March 4 the Ambassador saw Vance." in page(client.get(f"/channels/tass/{released.document.number}/"))


def test_the_cable_desk_and_its_refusals_read_in_russian(client, demo):  # noqa: F811
    decide(client)
    number = draft(client)
    sign_in(client, "gromyko")
    desk = page(client.get("/cable-desk/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert (
        "Шифртелеграммы, которые я составил или должен утвердить" in desk and "Составить проект шифртелеграммы" in desk
    )
    cable = page(client.get(f"/cable-desk/{number}/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Журнал регистрации" in cable and "Для исполнения" in cable
    assert (
        "<td>проект</td>" in cable and "ВНЕ ОЧЕРЕДИ" in cable and ">drafted<" not in cable and "IMMEDIATE" not in cable
    )
    head = events()
    text = page(client.post(f"/cable-desk/{number}/send/", HTTP_ACCEPT_LANGUAGE="ru"), 409)
    assert f"шифртелеграмма № {number} ещё не утверждена: отправить её нельзя" in text
    assert events() == head
