"""The same flow for a body nobody modelled on the reference case: a company board.

Board of Directors of Northwind Engineering plc (prefix BD, papers back within 14 days, "To:
directors", no motto): a Confidential decision to close the Lyon paint shop goes out as an
extract to three directors; a cable instructs the Lyon branch, approved by the director the
decision names; the branch manager acknowledges and reports; the press statement goes out
through the company newsroom; the copies come back (one destroyed by two people); the case
closes. Everything through the services, as the reference case is built.
"""

import datetime as dt

import pytest

from secretariat.accounts import services as accounts
from secretariat.audit import services as audit
from secretariat.audit.models import AuditEvent
from secretariat.audit.verification import verify_log
from secretariat.cables import selectors as cable_selectors
from secretariat.cables import services as cables
from secretariat.cables.models import Cable, Control
from secretariat.cables.services import Part
from secretariat.cases import services as cases
from secretariat.decisions import services as decisions
from secretariat.kernel import clock
from secretariat.kernel.classification import UNCLASSIFIED, Classification
from secretariat.kernel.errors import NotFound, Refused
from secretariat.registry import selectors as registry_selectors
from secretariat.registry import services as registry
from secretariat.releases import services as releases
from tests import grants
from tests.refusals import refused_without_change

PARIS = dt.timezone(dt.timedelta(hours=1))
CONFIDENTIAL = Classification.parse("CONFIDENTIAL")
BOARD = "Board of Directors of Northwind Engineering plc"
DECISION = "The paint shop of the Lyon branch is to be closed by 31 March; the draft instruction is approved."
FIRST = "Stop taking orders for the paint shop and inform the works council on Monday."
GUIDANCE = "For the branch manager: the buyer under discussion is Peinture Rhone SA; do not name them."
SECOND = "After the works council, the newsroom will publish the statement prepared by Head Office."
STATEMENT = "On {{date}} Northwind Engineering closed the paint shop of its Lyon branch."


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=PARIS)


@pytest.fixture
def company(db):
    with clock.frozen(at(2, 9)):
        admin = grants.install("it-admin", clearance="TOP SECRET")[0]
        secretariat = accounts.add_unit(admin, "co-sec", "Company Secretariat, Northwind Engineering plc")
        accounts.add_unit(admin, "group-ops", "Group Operations")
        lyon = accounts.add_unit(admin, "lyon", "Lyon branch", post=True)

        def person(username, roles=(), clearance="CONFIDENTIAL", unit=None):
            return grants.add_principal(
                admin, username, clearance=clearance, roles=roles, unit=unit, email=f"{username}@northwind.example"
            )

        people = {
            "chair": person("chair", ["member"]),
            "cfo": person("cfo", ["member"]),
            "coo": person("coo", ["member"], unit="group-ops"),
            "nonexec": person("nonexec", ["member"]),
            "cosec": person("cosec", ["secretary"], "SECRET"),
            "doccontrol": person("doccontrol", ["registrar"], "SECRET", "co-sec"),
            "doccontrol2": person("doccontrol2", ["registrar"], "SECRET", "co-sec"),
            "opsmanager": person("opsmanager", unit="group-ops"),
            "branch": person("branch", ["post_officer"], unit="lyon"),
            "comms": person("comms", ["press_officer"]),
            "auditor": person("auditor", ["auditor"], "SECRET"),
        }
        board = decisions.add_body(
            admin, BOARD, "BD", return_days=14, registry_unit=secretariat, salutation="directors"
        )
        decisions.add_members(admin, board, [people[d] for d in ("chair", "cfo", "coo", "nonexec")])
        decisions.appoint_secretary(admin, board, people["cosec"])
        newsroom = releases.add_channel(admin, "newsroom", "Company newsroom", series="NEWS", editors=[people["comms"]])
    return board, lyon, newsroom, people


def test_a_company_board_runs_the_whole_flow(company, django_capture_on_commit_callbacks):
    board, lyon, newsroom, p = company
    directors = [p["chair"], p["cfo"], p["coo"]]
    assert (board.salutation, board.motto, board.return_days) == ("directors", "", 14)

    with clock.frozen(at(10, 10)):
        decisions.record_meeting(p["cosec"], board, 12, dt.date(2026, 3, 10))
        point = decisions.record_point(
            p["cosec"],
            board,
            12,
            "7",
            title="Closure of the Lyon paint shop",
            decision=DECISION,
            classification=CONFIDENTIAL,
            addressees=[*directors, p["opsmanager"].unit],  # operations carries it out: it drafts the instruction
            approver=p["coo"],
        )
        decisions.attach_to_point(
            p["cosec"],
            board,
            12,
            "7",
            title="Draft instruction to the Lyon branch",
            text=f"FIRST. {FIRST}\nSECOND. {SECOND}",
            classification=CONFIDENTIAL,
        )
        decisions.sign_protocol(p["cosec"], board, 12)

    with clock.frozen(at(10, 14)):
        extract = decisions.make_extract(p["cosec"], board, 12, "7")
        copies = registry.issue_copies(p["doccontrol"], extract.number)
    assert extract.number == "BD12/7" and extract.classification == CONFIDENTIAL
    assert extract.signatory == f"SECRETARY OF THE {BOARD.upper()}"
    assert [(c.number, c.holder) for c in copies] == list(enumerate(directors, start=1))
    assert {c.due_at for c in copies} == {at(24, 14)}
    assert extract.return_instruction() == (
        "Must be returned within 14 days to Company Secretariat, Northwind Engineering plc"
    )

    with clock.frozen(at(10, 15)):
        cable = cables.draft_cable(
            p["opsmanager"],
            subject="Closure of the paint shop",
            classification=CONFIDENTIAL,
            action_post=lyon,
            addressee_line="TO THE BRANCH MANAGER",
            parts=[Part("FIRST", FIRST), Part("", GUIDANCE, guidance=True), Part("SECOND", SECOND)],
            point=point,
            report_requirement="Confirm when the paint shop has stopped taking orders.",
            report_days=5,
        )
        template = releases.prepare_release(
            p["opsmanager"], cable.number, channel=newsroom, title="Lyon paint shop closes", text=STATEMENT
        )
    with clock.frozen(at(10, 16)):
        refused_without_change(Refused, lambda: cables.send_cable(p["opsmanager"], cable.number))
        message = refused_without_change(Refused, lambda: cables.approve_cable(p["cosec"], cable.number, point))
        assert message == "point 7 of protocol No 12 names coo to approve; cosec may not"
        assert cables.approve_cable(p["coo"], cable.number, point).approved_by == p["coo"]
    with clock.frozen(at(10, 17)):
        sent = cables.send_cable(p["opsmanager"], cable.number)
    control = Control.objects.get(document=cable)
    assert (control.assignee_unit, control.due_at) == (lyon, at(15, 17))
    assert sent.dtg == "101600Z MAR 26"

    with clock.frozen(at(11, 9)):
        reading = cable_selectors.read_cable(p["branch"], cable.number)
        assert [part.text for part in reading.parts] == [FIRST, GUIDANCE, SECOND]
        cables.acknowledge_cable(p["branch"], cable.number)
        refused_without_change(Refused, lambda: releases.release(p["comms"], template.pk, {"date": "12 March 2026"}))
    with clock.frozen(at(12, 11)):
        report = cables.file_report(
            p["branch"], cable.number, text="The paint shop took its last order today; the works council is informed."
        )
    assert report.number == "LYON-1"
    assert [e.unit.code for e in report.distribution.all()] == ["group-ops"]  # the sending unit, the COO's own
    assert Cable.objects.get(document=cable).state == Cable.State.REPORTED

    with clock.frozen(at(12, 15)):
        released = releases.release(p["comms"], template.pk, {"date": "12 March 2026"})
    statement = registry_selectors.read_document(None, released.document.number)
    assert statement.version.text == "On 12 March 2026 Northwind Engineering closed the paint shop of its Lyon branch."
    assert statement.document.is_public and statement.document.classification == UNCLASSIFIED
    assert statement.document.number == "NEWS-1"

    with clock.frozen(at(13, 10)):
        registry.return_copy(p["doccontrol"], extract.number, 1)
        registry.return_copy(p["doccontrol"], extract.number, 2)
        registry.record_destruction(p["coo"], extract.number, 3, "Shredding record 2026/14")
        refused_without_change(Refused, lambda: registry.witness_destruction(p["coo"], extract.number, 3))
        registry.witness_destruction(p["doccontrol2"], extract.number, 3)
    with clock.frozen(at(13, 12)):
        case = cases.open_case(
            p["doccontrol"],
            "Closure of the Lyon paint shop (BD12/7)",
            [extract.number, cable.number, report.number, released.document.number],
        )
        assert cases.close_case(p["doccontrol"], case.number).is_closed
        with django_capture_on_commit_callbacks(execute=True):
            audit.sign_checkpoint(p["auditor"])

    (balance,) = registry_selectors.balances(p["doccontrol"], at(13, 13), extract.number)
    assert (balance.issued, balance.returned, balance.destroyed, balance.outstanding) == (3, 2, 1, 0)
    report_of_log = verify_log()
    assert report_of_log.ok, report_of_log.problems
    assert report_of_log.size == AuditEvent.objects.count() and report_of_log.checkpoints_checked == 1

    # Directors see the decision, not the cable: neither the one on no list nor an addressee of the extract.
    for director in (p["nonexec"], p["chair"]):
        for selector in (cable_selectors.read_cable, cable_selectors.cable_entry):
            with pytest.raises(NotFound) as forbidden:
                selector(director, cable.number)
            with pytest.raises(NotFound) as missing:
                selector(director, "TEL-99")
            assert str(forbidden.value).replace(cable.number, "N") == str(missing.value).replace("TEL-99", "N")
