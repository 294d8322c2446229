"""The cable desk and controls: approval, sending, acknowledgment, guidance, reports, escalation."""

import datetime as dt

import pytest

from secretariat.audit.models import AuditEvent
from secretariat.cables import selectors
from secretariat.cables import services as cables
from secretariat.cables.models import Cable, Control
from secretariat.decisions import services as decisions
from secretariat.kernel import clock
from secretariat.kernel.errors import NotFound, Refused
from secretariat.registry import selectors as registry_selectors
from secretariat.registry import services as registry
from secretariat.releases import services as releases
from tests import workflow as wf
from tests.refusals import refused_without_change


@pytest.fixture
def w(db):
    return wf.build_world()


@pytest.fixture
def point(w):
    return wf.record_point(w)


def state(cable) -> str:
    return Cable.objects.get(document=cable).state


def test_a_cable_cannot_be_sent_before_approval(w, point):
    cable = wf.draft_cable(w, point)
    with clock.frozen(wf.SENT_AT):
        message = refused_without_change(Refused, lambda: cables.send_cable(w.drafter, cable.number))
    assert message == f"cable No {cable.number} is not approved yet: it cannot be sent"
    assert state(cable) == Cable.State.DRAFTED
    assert not Control.objects.exists()


def test_the_approver_the_point_names_approves_not_the_secretary(w):
    andropov = w.members[1]
    point = wf.record_point(w, approver=andropov)
    cable = wf.draft_cable(w, point)
    with clock.frozen(wf.APPROVED_AT):
        for who in (w.secretary, w.drafter):
            message = refused_without_change(Refused, lambda who=who: cables.approve_cable(who, cable.number, point))
            assert message == f"point X of protocol No 46 names andropov to approve; {who.username} may not"
        approved = cables.approve_cable(andropov, cable.number, point)
    assert (approved.state, approved.approved_by, approved.approval_point) == (Cable.State.APPROVED, andropov, point)
    assert approved.approved_at == wf.APPROVED_AT


def test_without_a_named_approver_the_secretary_approves(w, point):
    cable = wf.draft_cable(w, point)
    with clock.frozen(wf.APPROVED_AT):
        message = refused_without_change(Refused, lambda: cables.approve_cable(w.drafter, cable.number, point))
        assert message == "point X of protocol No 46 names secretary to approve; gromyko may not"
        assert cables.approve_cable(w.secretary, cable.number, point).approved_by == w.secretary
        refused_without_change(Refused, lambda: cables.approve_cable(w.secretary, cable.number, point))


def test_approval_cites_a_signed_protocol(w):
    unsigned = wf.record_point(w, 47, "1", sign=False)
    cable = wf.draft_cable(w, unsigned)
    with clock.frozen(wf.APPROVED_AT):
        message = refused_without_change(Refused, lambda: cables.approve_cable(w.secretary, cable.number, unsigned))
        assert message == "protocol No 47 of CC CPSU Politburo is not signed: its decisions are not in force"
        other = wf.record_point(w, 46, "X")
        message = refused_without_change(Refused, lambda: cables.approve_cable(w.secretary, cable.number, other))
        assert "implements point 1 of protocol No 47" in message
    with clock.frozen(wf.SIGNED_AT):
        decisions.sign_protocol(w.secretary, w.body, 47)
    with clock.frozen(wf.APPROVED_AT):
        # The point object the caller holds still shows the protocol unsigned: the service reads it afresh.
        assert cables.approve_cable(w.secretary, cable.number, unsigned).approval_point == unsigned


@pytest.mark.parametrize("report_days", [7, 3])
def test_sending_opens_a_control_on_the_action_post_due_after_the_report_period(w, point, report_days):
    cable = wf.send_cable(w, point, report_days=report_days)
    control = wf.control_on(cable)
    assert (control.assignee_unit, control.assignee, control.status) == (w.post, None, Control.Status.OPEN)
    assert control.due_at == wf.SENT_AT + dt.timedelta(days=report_days)
    assert control.task == "Wire when you have done it."
    entry = selectors.cable_entry(w.drafter, cable.number)
    assert (entry.state, entry.sent_at, entry.dtg) == (Cable.State.SENT, wf.SENT_AT, "181700Z FEB 77")
    addressed = [e.unit.code for e in registry_selectors.distribution(w.drafter, cable.number)]
    assert addressed == ["washington", "london"]


def test_only_an_officer_of_the_action_post_acknowledges(w, point):
    cable = wf.send_cable(w, point)
    with clock.frozen(wf.ACKNOWLEDGED_AT):
        for who in (w.info_officer, w.drafter):
            message = refused_without_change(Refused, lambda who=who: cables.acknowledge_cable(who, cable.number))
            assert message == f"only an officer of washington acknowledges cable No {cable.number}"
        refused_without_change(NotFound, lambda: cables.acknowledge_cable(w.stranger, cable.number))
        acknowledged = cables.acknowledge_cable(w.officer, cable.number)
        assert (acknowledged.state, acknowledged.received_by) == (Cable.State.RECEIVED, w.officer)
        control = wf.control_on(cable)
        assert (control.status, control.acknowledged_at) == (Control.Status.ACKNOWLEDGED, wf.ACKNOWLEDGED_AT)
        refused_without_change(Refused, lambda: cables.acknowledge_cable(w.officer, cable.number))


def texts(reading) -> str:
    """Everything a reading shows of the cable: the register's text and every part."""
    return "\n".join([reading.reading.version.text, *(p.text for p in reading.parts)])


def test_guidance_is_for_the_action_post_and_the_originators_only(w, point):
    cable = wf.send_cable(w, point)
    for who in (w.officer, w.drafter, w.secretary):  # the action post, the drafter, the approver
        reading = selectors.read_cable(who, cable.number)
        assert [(p.label, p.guidance) for p in reading.parts] == [("FIRST", False), ("", True), ("SECOND", False)]
        assert wf.GUIDANCE in texts(reading)
    informed = selectors.read_cable(w.info_officer, cable.number)
    assert [p.label for p in informed.parts] == ["FIRST", "SECOND"]
    assert wf.FIRST in texts(informed) and wf.SECOND in texts(informed)
    assert "Pressel" not in texts(informed)


def test_reading_a_cable_is_audited(w, point):
    cable = wf.send_cable(w, point)
    before = AuditEvent.objects.count()
    selectors.read_cable(w.info_officer, cable.number)
    (event,) = AuditEvent.objects.filter(seq__gt=before)
    assert (event.action, event.actor, event.object_id) == ("document.read", w.info_officer, str(cable.pk))


def test_an_officer_of_another_post_finds_no_cable(w, point):
    cable = wf.send_cable(w, point)
    before = AuditEvent.objects.count()
    for selector in (selectors.read_cable, selectors.cable_entry):
        with pytest.raises(NotFound) as forbidden:
            selector(w.stranger, cable.number)
        with pytest.raises(NotFound) as missing:
            selector(w.stranger, "TEL-99")
        assert str(forbidden.value).replace(cable.number, "N") == str(missing.value).replace("TEL-99", "N")
        assert selector(w.officer, cable.number)
    assert not AuditEvent.objects.filter(seq__gt=before, actor=w.stranger).exists()


def test_a_report_closes_only_the_control_it_references(w, point):
    first = wf.send_cable(w, point)
    second = wf.send_cable(w, point, subject="On the visit of Vance to Moscow")
    other = wf.control_on(second)
    with clock.frozen(wf.ACKNOWLEDGED_AT):
        cables.acknowledge_cable(w.officer, first.number)
    message = refused_without_change(Refused, lambda: wf.report(w, first, control=other.pk))
    assert message == (
        f"control {other.pk} is on No {second.number}; a report referencing No {first.number} cannot close it"
    )
    report = wf.report(w, first, control=wf.control_on(first).pk)
    assert wf.control_on(first).report == report
    assert wf.control_on(first).status == Control.Status.DONE
    assert wf.control_on(second).status == Control.Status.OPEN
    assert (state(first), state(second)) == (Cable.State.REPORTED, Cable.State.SENT)


def test_a_post_reports_only_on_a_cable_it_has_acknowledged(w, point):
    cable = wf.send_cable(w, point)
    with clock.frozen(wf.REPORTED_AT):
        message = refused_without_change(Refused, lambda: cables.file_report(w.officer, cable.number, text="Done."))
    assert (
        message == f"cable No {cable.number} is not acknowledged yet: the post acknowledges it before reporting on it"
    )


def test_the_drafter_never_approves_their_own_cable(w):
    point = wf.record_point(w, approver=w.drafter)
    cable = wf.draft_cable(w, point)
    with clock.frozen(wf.APPROVED_AT):
        message = refused_without_change(Refused, lambda: cables.approve_cable(w.drafter, cable.number, point))
    assert message == f"gromyko drafted cable No {cable.number}; a second person approves it"


def test_an_announcement_is_prepared_only_in_the_draft_its_approval_covers(w, point):
    cable = wf.send_cable(w, point)
    with clock.frozen(wf.SENT_AT):
        message = refused_without_change(
            Refused,
            lambda: releases.prepare_release(w.drafter, cable.number, channel=w.channel, title="Late", text="Unseen"),
        )
    assert message.endswith("its approval covered only the announcements prepared in the draft")


def test_a_report_from_the_post_is_a_reply_to_the_sender_and_comes_once(w, point):
    cable = wf.send_cable(w, point)
    with clock.frozen(wf.ACKNOWLEDGED_AT):
        cables.acknowledge_cable(w.officer, cable.number)
    report = wf.report(w, cable, text="I met Vance on February 21 as instructed.")
    reply = report.cable
    assert (reply.in_reply_to.document, reply.sender, reply.action_post) == (cable, w.post, w.ministry)
    assert report.number == "WASHINGTON-1" and report.classification == cable.classification
    addressees = [e.unit or e.principal for e in report.distribution.all()]
    assert addressees == [w.ministry, w.secretary]  # the sending unit, and the approver outside it
    control = wf.control_on(cable)
    assert (control.status, control.done_at, control.report) == (Control.Status.DONE, wf.REPORTED_AT, report)
    message = refused_without_change(Refused, lambda: wf.report(w, cable))
    assert message == f"dobrynin has no open control on No {cable.number} to report on"


def test_overdue_controls_are_escalated_once_with_a_mail_that_tells_nothing_of_the_cable(
    w, point, mailoutbox, django_capture_on_commit_callbacks
):
    cable = wf.send_cable(w, point)
    reported = wf.send_cable(w, point, subject="Another instruction")
    wf.report(w, reported)
    control = wf.control_on(cable)
    with clock.frozen(control.due_at), django_capture_on_commit_callbacks(execute=True):
        assert cables.escalate_overdue() == []  # due, not yet late
    late_at = control.due_at + dt.timedelta(minutes=1)
    with clock.frozen(late_at), django_capture_on_commit_callbacks(execute=True):
        assert cables.escalate_overdue() == [control]
    (mail,) = mailoutbox
    assert mail.subject == f"Overdue: control {control.pk} on No {cable.number}"
    assert f"Control {control.pk} on washington for No {cable.number}" in mail.body
    assert sorted(mail.to) == ["dobrynin@secretariat.local", "gromyko@secretariat.local"]
    for secret in (wf.SUBJECT, wf.FIRST, wf.SECOND, wf.GUIDANCE, "Vance"):
        assert secret not in mail.subject + mail.body
    control.refresh_from_db()
    assert control.escalated_at == late_at
    with clock.frozen(late_at + dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        assert cables.escalate_overdue() == []
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="control.escalated").count() == 1


def test_a_decision_opens_a_control_through_its_extract_and_the_assignees_report_closes_it(w, point):
    brezhnev, andropov, _ = w.members
    extract = wf.make_extract(w)
    due_at = wf.ISSUED_AT + dt.timedelta(days=10)
    task = "Submit proposals for the talks with Vance"
    with clock.frozen(wf.ISSUED_AT):
        message = refused_without_change(
            Refused, lambda: cables.instruct(brezhnev, extract.number, assignee=andropov, task=task, due_at=due_at)
        )
        assert message == "only the secretary of CC CPSU Politburo opens controls on its decisions"
        message = refused_without_change(
            Refused,
            lambda: cables.instruct(w.secretary, extract.number, assignee=w.bystander, task=task, due_at=due_at),
        )
        assert message == "suslov is not on the distribution of No P46/X"
        control = cables.instruct(w.secretary, extract.number, assignee=andropov, task=task, due_at=due_at)
    assert (control.assignee, control.point, control.due_at, control.status) == (andropov, point, due_at, "open")
    with clock.frozen(wf.REPORTED_AT):
        refused_without_change(Refused, lambda: cables.file_report(brezhnev, extract.number, text="Done."))
        report = cables.file_report(andropov, extract.number, text="Proposals attached.")
    control.refresh_from_db()
    assert (control.status, control.report) == (Control.Status.DONE, report)
    assert [e.principal for e in report.distribution.all()] == [w.secretary]
    assert report.kind == "report" and not hasattr(report, "cable")


def test_the_text_of_a_cable_a_reply_cable_or_an_extract_changes_only_where_it_is_kept(w, point):
    """The registry refuses a new version or attachment of a paper whose text another desk keeps."""
    extract = wf.make_extract(w)
    cable = wf.send_cable(w, point)
    reply = wf.report(w, cable)
    kept = {
        extract.number: "the protocol (a correction of its point)",
        cable.number: "the cable desk (its parts)",
        reply.number: "the cable desk (its parts)",
    }
    for number, keeper in kept.items():
        for change in (
            lambda n=number: registry.add_version(w.registrar, n, "Another text."),
            lambda n=number: registry.add_attachment(
                w.registrar, n, title="Annex", classification=wf.SECRET, text="An annex."
            ),
        ):
            message = refused_without_change(Refused, change)
            assert message == f"the text of No {number} is kept by {keeper}: it changes only there"
    with clock.frozen(wf.RETURNED_AT):
        note = registry.register_document(
            w.registrar, title="A note", classification=wf.SECRET, text="One.", dated=wf.MEETING_DAY
        )
        assert registry.add_version(w.registrar, note.number, "Two.").number == 2
