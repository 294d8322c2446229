"""The control desk: who sees a control, and who may read its task (content, not metadata)."""

from secretariat.audit.models import AuditEvent
from secretariat.cables import presenters, selectors
from secretariat.demo.reference import SECOND_CASE
from secretariat.kernel.principals import principal_by_username
from secretariat.releases import selectors as releases


def _desk(username):
    return {c.document.number: presenters.task(c) for c in selectors.controls(principal_by_username(username))}


def test_registry_staff_see_that_a_control_is_open_but_not_what_it_asks(demo):
    assert _desk("registrar") == {"TEL-1": None, "P47/5": None}


def test_the_assignee_and_the_readers_of_its_paper_read_the_task(demo):
    assert _desk("gromyko") == {"TEL-1": "Wire when you have done it.", "P47/5": SECOND_CASE["task"]}
    assert _desk("dobrynin") == {"TEL-1": "Wire when you have done it."}
    assert _desk("andropov") == {"P47/5": SECOND_CASE["task"]}


def test_those_without_a_duty_see_no_control_at_all(demo):
    assert _desk("visitor") == {}
    assert _desk("tass") == {}


def test_reading_the_desk_list_is_an_audited_read_of_each_classified_task(demo):
    gromyko, registrar = principal_by_username("gromyko"), principal_by_username("registrar")
    before = AuditEvent.objects.count()
    selectors.read_controls(registrar, selectors.controls(registrar))
    assert AuditEvent.objects.count() == before  # the register side only: no content read
    shown = selectors.read_controls(gromyko, selectors.controls(gromyko))
    events = AuditEvent.objects.filter(seq__gt=before)
    assert sorted(e.data["document"] for e in events) == sorted(c.document.number for c in shown) == ["P47/5", "TEL-1"]
    assert {(e.action, e.actor_name) for e in events} == {("control.read", "gromyko")}


def test_reading_a_prepared_announcement_is_an_audited_read_on_its_cable(demo):
    tass = principal_by_username("tass")
    before = AuditEvent.objects.count()
    (template,) = releases.read_templates(tass)
    (event,) = AuditEvent.objects.filter(seq__gt=before)
    assert (event.action, event.actor_name, event.object_id) == (
        "release.template_read",
        "tass",
        str(template.cable.pk),
    )
