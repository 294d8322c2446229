"""The press desk: the announcements waiting in cables, released once the cable's control is done."""

import pytest

from secretariat.cables import services as cables
from secretariat.cables.services import Part
from secretariat.decisions import services as decisions
from secretariat.decisions.selectors import body_by_name
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.releases import services as releases
from secretariat.releases.models import Release
from secretariat.releases.selectors import channel
from tests.web.pages import events, page, sign_in

SECRET = Classification.parse("SECRET")
ANNOUNCEMENT = "On March {{day}} the Soviet Ambassador met the Secretary of State."


@pytest.fixture
def sent(demo):  # noqa: F811
    """Meeting 48, point 1, its cable with a prepared announcement, approved, sent and acknowledged."""
    secretary, gromyko, dobrynin = (principal_by_username(u) for u in ("secretary", "gromyko", "dobrynin"))
    body = body_by_name("P")
    decisions.record_meeting(secretary, body, 48, body.meetings.get(number=47).held_on)
    decisions.record_point(
        secretary,
        body,
        48,
        "1",
        title="On the visit",
        decision="Instruct.",
        classification=SECRET,
        addressees=[gromyko],
    )
    point = decisions.sign_protocol(secretary, body, 48).points.get()
    cable = cables.draft_cable(
        gromyko,
        subject="On the visit",
        classification=SECRET,
        action_post=dobrynin.unit,
        parts=[Part("FIRST", "Meet the Secretary of State.")],
        point=point,
        report_requirement="Wire when you have done it.",
    )
    template = releases.prepare_release(
        gromyko, cable.number, channel=channel("tass"), title="Soviet Ambassador <meets> Secretary", text=ANNOUNCEMENT
    )
    cables.approve_cable(secretary, cable.number, point)
    cables.send_cable(gromyko, cable.number)
    cables.acknowledge_cable(dobrynin, cable.number)
    return cable.number, template


@pytest.mark.parametrize("username", ["visitor", "gromyko", "dobrynin", "secretary", "registrar"])
def test_the_press_desk_is_the_404_for_anyone_but_a_press_officer(client, sent, username):
    number, template = sent
    sign_in(client, username)
    assert "Not found" in page(client.get("/channels/press/"), 404)
    head = events()
    page(client.post(f"/channels/press/{template.pk}/release/", {"blank-day": "4"}), 404)
    assert events() == head


def test_tass_reads_the_waiting_announcement_with_its_blanks_an_audited_read(client, sent):
    number, template = sent
    sign_in(client, "tass")
    reads = events(action="release.template_read")
    text = page(client.get("/channels/press/"))
    assert "Soviet Ambassador &lt;meets&gt; Secretary" in text and "On March {{day}}" in text
    assert 'name="blank-day"' in text and f"cable No {number}" in text and 'class="banner SECRET"' in text
    assert events(action="release.template_read") == reads + 1


def test_a_release_before_the_report_is_refused_in_the_page_and_changes_nothing(client, sent):
    number, template = sent
    sign_in(client, "tass")
    head, count = events(), Release.objects.count()
    text = page(client.post(f"/channels/press/{template.pk}/release/", {"blank-day": "4"}), 409)
    assert 'role="alert"' in text and "the announcement waits for the report" in text
    response = client.post(f"/channels/press/{template.pk}/release/", {"blank-day": "4"}, HTTP_HX_REQUEST="true")
    fragment = page(response, 409)
    assert "<html" not in fragment and "waits for the report" in fragment
    assert response["HX-Retarget"] == f"#template-{template.pk}-error"
    assert events() == head and Release.objects.count() == count
    assert "No announcement is waiting" not in page(client.get("/channels/press/"))


def test_after_the_report_tass_releases_it_and_it_is_on_the_public_channel_page(client, sent):
    number, template = sent
    cables.file_report(principal_by_username("dobrynin"), number, text="Done.")
    sign_in(client, "tass")
    head = events()
    assert "fill every blank: missing day" in page(client.post(f"/channels/press/{template.pk}/release/", {}), 422)
    assert events() == head
    response = client.post(f"/channels/press/{template.pk}/release/", {"blank-day": "4"}, HTTP_HX_REQUEST="true")
    fragment = page(response)
    released = Release.objects.get(template=template)
    link = f"/channels/tass/{released.document.number}/"
    assert "<html" not in fragment and f'href="{link}"' in fragment
    assert "No announcement is waiting" in page(client.get("/channels/press/"))
    assert link in page(client.get("/channels/press/"))
    client.logout()
    assert "On March 4 the Soviet Ambassador met the Secretary of State." in page(client.get(link))
    assert link in page(client.get("/channels/tass/"))
    again = sign_in(client, "tass").post(f"/channels/press/{template.pk}/release/", {"blank-day": "5"})
    assert "went out already" in page(again, 409)


def test_the_press_desk_and_its_refusal_read_in_russian(client, sent):
    number, template = sent
    sign_in(client, "tass")
    text = page(client.get("/channels/press/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "<h1>Пресс-служба</h1>" in text and "Сообщения, ожидающие выпуска" in text
    assert f"подготовлено в шифртелеграмме № {number}" in text and ">Выпустить</button>" in text
    response = client.post(
        f"/channels/press/{template.pk}/release/", {"blank-day": "4"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="ru"
    )
    fragment = page(response, 409)
    assert "Не выпущено:" in fragment and "не снята с контроля: сообщение ждёт донесения об исполнении" in fragment
    assert "Ничего не изменено." in fragment
    client.logout()
    public = page(client.get("/channels/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "<h1>Каналы</h1>" in public and "Серия TASS" in public
    missing = page(client.get("/channels/nowhere/", HTTP_ACCEPT_LANGUAGE="ru"), 404)
    assert "<h1>Не найдено</h1>" in missing and "Канала &#x27;nowhere&#x27; нет." in missing
