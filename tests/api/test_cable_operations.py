"""The cable desk's operations over the API, against the demo: draft, approve, send; instruct and cancel controls."""

import datetime as dt

from secretariat.audit.models import AuditEvent
from secretariat.cables.models import Cable, CablePart, Control
from secretariat.kernel import clock
from tests.api.checks import PROBLEM, events

DRAFT = {
    "subject": "Follow-up on human rights",
    "classification": "SECRET",
    "to": "washington",
    "parts": [
        {"label": "first", "text": "See Vance again.", "guidance": "Mention Pressel only if asked."},
        {"label": "", "text": "Report what he says."},
        {"label": "SECOND", "text": "Keep the tone calm."},
    ],
    "point": "P/46/X",
    "precedence": "priority",
    "report": {"requirement": "Wire when you have done it.", "days": 3},
    "references": ["Your No 12"],
}


def test_a_cable_is_drafted_approved_and_sent_each_with_its_event(api_as):
    gromyko, secretary = api_as("gromyko"), api_as("secretary")
    drafted = gromyko.post("/cables/drafts", DRAFT)
    assert drafted.status_code == 201, drafted.content
    cable = drafted.json()
    number = cable["number"]
    assert cable["state"] == "drafted" and cable["action"] == "washington" and cable["precedence"] == "priority"
    assert cable["point"] == "P/46/X" and cable["report_days"] == 3 and cable["drafted_by"] == "gromyko"
    row = Cable.objects.get(document__number=number)
    parts = [(p.label, p.text, p.guidance) for p in CablePart.objects.filter(cable=row).order_by("position")]
    assert parts == [
        ("FIRST", "See Vance again.", False),
        ("", "Mention Pressel only if asked.", True),
        ("", "Report what he says.", False),
        ("SECOND", "Keep the tone calm.", False),
    ]
    assert [e.object_id for e in events("cable.drafted")][-1] == str(row.document_id)

    approved = secretary.post(f"/cables/{number}/approve", {"point": "P/46/X"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved" and approved.json()["approved_by"] == "secretary"
    assert events("cable.approved", point=str(row.point)) and Cable.objects.get(pk=row.pk).state == "approved"

    sent = gromyko.post(f"/cables/{number}/send")
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "sent" and sent.json()["dtg"]
    assert events("cable.sent", dtg=sent.json()["dtg"])
    control = Control.objects.get(document=row.document)
    assert control.assignee_unit.code == "washington" and control.task == "Wire when you have done it."
    assert events("control.opened", document=number)


def test_who_may_not_draft_approve_or_send_is_refused_and_nothing_changes(api_as):
    dobrynin, gromyko = api_as("dobrynin"), api_as("gromyko")  # issuing a token is an event: before counting
    before = (Cable.objects.count(), AuditEvent.objects.count())
    refused = dobrynin.post("/cables/drafts", DRAFT | {"point": None})  # a post: no home unit
    assert refused.status_code == 409 and refused["Content-Type"] == PROBLEM
    assert dobrynin.post("/cables/drafts", DRAFT).status_code == 404  # a decision he may not read
    unknown = gromyko.post("/cables/drafts", DRAFT | {"to": "nowhere"})
    assert unknown.status_code == 422 and unknown.json()["type"] == "urn:secretariat:problem:invalid-input"
    first_blank = gromyko.post("/cables/drafts", DRAFT | {"parts": [{"label": "FIRST", "text": "  "}]})
    assert first_blank.status_code == 422 and first_blank.json()["type"] == "urn:secretariat:problem:invalid-request"
    assert (Cable.objects.count(), AuditEvent.objects.count()) == before

    number = api_as("gromyko").post("/cables/drafts", DRAFT).json()["number"]
    assert api_as("gromyko").post(f"/cables/{number}/approve", {"point": "P/46/X"}).status_code == 409  # drafter
    assert api_as("secretary").post(f"/cables/{number}/approve", {"point": "P/47/5"}).status_code == 409  # not its
    assert api_as("registrar").post(f"/cables/{number}/approve", {"point": "P/46/X"}).status_code == 404
    assert api_as("gromyko").post(f"/cables/{number}/send").status_code == 409  # not approved yet
    assert api_as("visitor").post(f"/cables/{number}/send").status_code == 404
    assert Cable.objects.get(document__number=number).state == "drafted"
    assert not events("cable.approved", point="P/47/5") and len(events("cable.sent")) == 1  # the demo's own


def test_the_secretary_instructs_on_an_extract_and_cancels_the_control(api_as):
    secretary = api_as("secretary")
    due = (clock.now() + dt.timedelta(days=14)).isoformat()
    ask = {"assignee": "andropov", "task": "Report on the security of the talks", "due_at": due}
    opened = secretary.post("/extracts/P47/5/controls", ask)
    assert opened.status_code == 201, opened.content
    control = opened.json()
    assert control["assignee"] == "andropov" and control["status"] == "open" and control["document"] == "P47/5"
    assert control["task"] == "Report on the security of the talks" and control["opened_by"] == "secretary"
    assert Control.objects.filter(pk=control["id"], assignee__username="andropov").exists()
    assert [e.object_id for e in events("control.opened", document="P47/5")][-1] == str(control["id"])

    assert api_as("gromyko").post(f"/controls/{control['id']}/cancel", {"reason": "mine"}).status_code in (404, 409)
    cancelled = secretary.post(f"/controls/{control['id']}/cancel", {"reason": "overtaken by events"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_reason"] == "overtaken by events"
    assert Control.objects.get(pk=control["id"]).status == Control.Status.CANCELLED
    assert events("control.cancelled", reason="overtaken by events")
    again = secretary.post(f"/controls/{control['id']}/cancel", {"reason": "twice"})
    assert again.status_code == 409 and not events("control.cancelled", reason="twice")


def test_only_the_secretary_instructs_and_only_on_the_distribution(api_as):
    due = (clock.now() + dt.timedelta(days=14)).isoformat()
    ask = {"assignee": "andropov", "task": "Report", "due_at": due}
    before = (Control.objects.count(), len(events("control.opened")))
    assert (
        api_as("gromyko").post("/extracts/P47/5/controls", ask).status_code == 409
    )  # on the distribution, not the secretary
    assert api_as("visitor").post("/extracts/P47/5/controls", ask).status_code == 404  # may not see the extract
    assert (
        api_as("secretary").post("/extracts/P47/5/controls", ask | {"assignee": "brezhnev"}).status_code == 409
    )  # not on it
    assert api_as("secretary").post("/extracts/P46/X/controls", ask).status_code == 409  # in a closed case
    naive = api_as("secretary").post("/extracts/P47/5/controls", ask | {"due_at": "2099-01-01T10:00:00"})
    assert naive.status_code == 422 and naive.json()["type"] == "urn:secretariat:problem:invalid-request"
    assert api_as("secretary").post("/controls/999999/cancel", {"reason": "none"}).status_code == 404
    assert (Control.objects.count(), len(events("control.opened"))) == before
