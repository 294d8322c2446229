"""Controls on the web: the secretary puts an extract's decision under control; whoever opened
a control cancels it after a confirmation page. Others get the 404; bad input changes nothing."""

import datetime as dt

import pytest

from secretariat.audit.models import AuditEvent
from secretariat.cables import services as cables
from secretariat.cables.models import Control
from secretariat.cables.services import Part
from secretariat.decisions import services as decisions
from secretariat.decisions.selectors import body_by_name
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username


def _banner(text: str) -> str:
    return text.split('<ul class="messages">')[1].split("</ul>")[0]


def _field(text: str, name: str) -> str:
    """The form's block around the field `name`: its label, its errors and its input."""
    before, _, after = text.partition(f'name="{name}"')
    return before[-800:] + after[:200]


def _later(days: int = 30) -> str:
    return (clock.now() + dt.timedelta(days=days)).date().isoformat()


def _the_open_control() -> Control:
    """The demo's control on extract P47/5, opened by the secretary, on Gromyko."""
    return Control.objects.get(document__number="P47/5")


def test_the_secretary_sees_the_extracts_to_instruct_and_the_controls_opened(demo, login):
    page = login("secretary").get("/cable-desk/controls/").content.decode()
    assert '<a href="/cable-desk/controls/">Controls</a>' in page
    control = _the_open_control()
    assert f'<a href="/cable-desk/controls/{control.pk}/cancel/">Cancel control {control.pk}</a>' in page
    assert 'action="/cable-desk/controls/P47/5/instruct/"' in page
    assert '<option value="andropov">Yu. V. Andropov</option>' in page  # the extract's distribution, by name
    assert "/cable-desk/controls/P46/X/instruct/" not in page  # filed in a closed case


def test_put_an_extract_under_control(demo, login):
    secretary = login("secretary")
    data = {"assignee": "andropov", "task": "Report on the security of the visit", "due": _later()}
    response = secretary.post("/cable-desk/controls/P47/5/instruct/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/cable-desk/controls/"
    control = Control.objects.get(document__number="P47/5", assignee__username="andropov")
    assert control.task == "Report on the security of the visit" and control.is_open()
    assert control.due_at.date().isoformat() == data["due"]
    assert f"Control {control.pk} opened on Yu. V. Andropov for No P47/5" in _banner(response.content.decode())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("assignee", "brezhnev", "Select a valid choice"), ("due", "1977-01-01", "Enter a day after today")],
)
def test_a_bad_control_is_refused_next_to_its_field(demo, login, field, value, message):
    secretary = login("secretary")
    size, count = AuditEvent.objects.count(), Control.objects.count()
    data = {"assignee": "andropov", "task": "Report", "due": _later(), field: value}
    response = secretary.post("/cable-desk/controls/P47/5/instruct/", data)
    assert response.status_code == 422
    assert message in _field(response.content.decode(), field)
    assert Control.objects.count() == count and AuditEvent.objects.count() == size


@pytest.mark.parametrize(("username", "number"), [("gromyko", "P47/5"), ("registrar", "P47/5"), ("secretary", "P46/X")])
def test_instructing_is_the_404_for_anyone_but_the_secretary_on_a_live_extract(demo, login, username, number):
    client = login(username)
    size, count = AuditEvent.objects.count(), Control.objects.count()
    if username != "secretary":
        assert client.get("/cable-desk/controls/").status_code == 404
    data = {"assignee": "gromyko", "task": "Report", "due": _later()}
    assert client.post(f"/cable-desk/controls/{number}/instruct/", data).status_code == 404
    assert Control.objects.count() == count and AuditEvent.objects.count() == size


def test_cancel_a_control_after_confirming_with_a_reason(demo, login):
    secretary, control = login("secretary"), _the_open_control()
    url = f"/cable-desk/controls/{control.pk}/cancel/"
    confirm = secretary.get(url).content.decode()
    assert f"Cancel control {control.pk}?" in confirm and "cannot be undone" in confirm and 'name="reason"' in confirm

    size = AuditEvent.objects.count()
    no_reason = secretary.post(url, {"reason": ""})
    assert no_reason.status_code == 422 and "This field is required." in _field(no_reason.content.decode(), "reason")
    assert _the_open_control().is_open() and AuditEvent.objects.count() == size

    response = secretary.post(url, {"reason": "The visit is postponed"}, follow=True)
    assert response.redirect_chain[-1][0] == "/cable-desk/controls/"
    assert f"Control {control.pk} on No P47/5 cancelled" in _banner(response.content.decode())
    control = _the_open_control()
    assert control.status == Control.Status.CANCELLED and control.cancelled_reason == "The visit is postponed"
    assert secretary.get(url).status_code == 404  # nothing left to cancel


@pytest.mark.parametrize("username", ["gromyko", "andropov", "registrar", "admin"])
def test_cancelling_is_the_404_for_anyone_but_who_opened_it(demo, login, username):
    client, control = login(username), _the_open_control()
    url = f"/cable-desk/controls/{control.pk}/cancel/"
    size = AuditEvent.objects.count()
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Not mine"}).status_code == 404
    assert _the_open_control().is_open() and AuditEvent.objects.count() == size


@pytest.fixture
def sent_cable(demo):
    """A cable on a new decision, approved and sent by Gromyko: its control is his to cancel."""
    secretary, gromyko, dobrynin = (principal_by_username(u) for u in ("secretary", "gromyko", "dobrynin"))
    body = body_by_name("P")
    decisions.record_meeting(secretary, body, 48, body.meetings.get(number=47).held_on)
    secret = Classification.parse("SECRET")
    decisions.record_point(
        secretary,
        body,
        48,
        "1",
        title="On the visit",
        decision="Instruct.",
        classification=secret,
        addressees=[gromyko],
    )
    point = decisions.sign_protocol(secretary, body, 48).points.get()
    cable = cables.draft_cable(
        gromyko,
        subject="On the visit",
        classification=secret,
        action_post=dobrynin.unit,
        parts=[Part("FIRST", "Meet the Secretary of State.")],
        point=point,
        report_requirement="Wire when you have done it.",
    )
    cables.approve_cable(secretary, cable.number, point)
    cables.send_cable(gromyko, cable.number)
    return cable.number


def test_the_drafter_cancels_the_control_from_the_cables_page(sent_cable, login):
    gromyko = login("gromyko")
    control = Control.objects.get(document__number=sent_cable)
    page = gromyko.get(f"/cable-desk/{sent_cable}/").content.decode()
    assert f'<a href="/cable-desk/controls/{control.pk}/cancel/">Cancel control {control.pk}</a>' in page
    assert "Cancel control" not in login("dobrynin").get(f"/cable-desk/{sent_cable}/").content.decode()
    response = gromyko.post(f"/cable-desk/controls/{control.pk}/cancel/", {"reason": "Overtaken"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/cable-desk/{sent_cable}/"
    assert f"Control {control.pk} on No {sent_cable} cancelled" in _banner(response.content.decode())
    assert Control.objects.get(pk=control.pk).status == Control.Status.CANCELLED
