"""Case files: the papers of one matter, closed only when nothing of them is still out."""

import datetime as dt

import pytest

from secretariat.audit.models import AuditEvent
from secretariat.cables import services as cables
from secretariat.cases import selectors
from secretariat.cases import services as cases
from secretariat.kernel import clock
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.registry import services as registry
from tests import workflow as wf
from tests.refusals import refused_without_change


@pytest.fixture
def w(db):
    return wf.build_world()


@pytest.fixture
def matter(w):
    """Extract P46/X out in three copies, and its cable sent with the report still owed."""
    point = wf.record_point(w)
    extract = wf.make_extract(w)
    cable = wf.send_cable(w, point)
    with clock.frozen(wf.RETURNED_AT):
        case = cases.open_case(w.registrar, "Instructions to the Ambassador", [extract.number, cable.number])
    return extract, cable, case


def close(w, case):
    with clock.frozen(wf.CLOSED_AT):
        return cases.close_case(w.registrar, case.number)


def test_a_case_does_not_close_while_a_copy_is_out_or_a_control_open(w, matter):
    extract, cable, case = matter
    control = wf.control_on(cable)
    message = refused_without_change(Refused, lambda: close(w, case))
    assert message == (
        f"case {case.number} cannot close: "
        f"control {control.pk} on WASHINGTON for No {cable.number} is open (due 25 Feb 1977); "
        "copy 1 of No P46/X is issued (brezhnev, due 25 Feb 1977); "
        "copy 2 of No P46/X is issued (andropov, due 25 Feb 1977); "
        "copy 3 of No P46/X is issued (gromyko, due 25 Feb 1977)"
    )
    wf.report(w, cable)
    with clock.frozen(wf.RETURNED_AT):
        registry.return_copy(w.registrar, extract.number, 1)
        registry.return_copy(w.registrar, extract.number, 2)
        registry.record_destruction(w.registrar, extract.number, 3, "Act 7/77")
    message = refused_without_change(Refused, lambda: close(w, case))
    assert message == f"case {case.number} cannot close: copy 3 of No P46/X is issued (gromyko, due 25 Feb 1977)"
    with clock.frozen(wf.RETURNED_AT):
        registry.witness_destruction(w.witness, extract.number, 3)
    closed = close(w, case)
    assert (closed.closed_at, closed.closed_by) == (wf.CLOSED_AT, w.registrar)
    event = AuditEvent.objects.last()
    assert (event.action, sorted(event.data["documents"])) == ("case.closed", ["P46/X", cable.number])
    assert {d.number: d.filed_at for d in closed.documents.all()} == {"P46/X": wf.CLOSED_AT, cable.number: wf.CLOSED_AT}
    # A filed paper takes no new obligation: the secretary cannot open a control on the extract now.
    with clock.frozen(wf.CLOSED_AT):
        message = refused_without_change(
            Refused,
            lambda: cables.instruct(
                w.secretary,
                extract.number,
                assignee=w.members[0],
                task="Report again",
                due_at=wf.CLOSED_AT + dt.timedelta(days=7),
            ),
        )
    assert message == f"No {extract.number} is in a closed case file: no new obligation can be put on it"


def test_a_lost_copy_is_neither_back_nor_destroyed(w, matter):
    extract, cable, case = matter
    wf.report(w, cable)
    with clock.frozen(wf.RETURNED_AT):
        registry.return_copy(w.registrar, extract.number, 1)
        registry.return_copy(w.registrar, extract.number, 2)
        registry.report_loss(w.registrar, extract.number, 3, "left on a train")
    message = refused_without_change(Refused, lambda: close(w, case))
    assert message == f"case {case.number} cannot close: copy 3 of No P46/X is lost (gromyko)"


def test_a_cancelled_control_keeps_no_case_open(w, matter):
    extract, cable, case = matter
    with clock.frozen(wf.RETURNED_AT):
        for k in (1, 2, 3):
            registry.return_copy(w.registrar, extract.number, k)
        cables.cancel_control(w.drafter, wf.control_on(cable).pk, "the conversation did not take place")
    assert selectors.still_missing(case) == []
    assert close(w, case).is_closed


def test_a_closed_case_takes_no_more_papers_and_closes_once(w, matter):
    extract, cable, case = matter
    wf.report(w, cable)
    with clock.frozen(wf.RETURNED_AT):
        for k in (1, 2, 3):
            registry.return_copy(w.registrar, extract.number, k)
    close(w, case)
    report = cable.controls.get().report
    message = refused_without_change(Refused, lambda: cases.add_to_case(w.registrar, case.number, [report.number]))
    assert message == f"case {case.number} is closed"
    refused_without_change(Refused, lambda: close(w, case))


def test_papers_are_entered_once_and_must_exist(w, matter):
    extract, cable, case = matter
    message = refused_without_change(Refused, lambda: cases.add_to_case(w.registrar, case.number, [extract.number]))
    assert message == f"already in case {case.number}: No P46/X"
    refused_without_change(NotFound, lambda: cases.add_to_case(w.registrar, case.number, ["P99/X"]))
    refused_without_change(InvalidInput, lambda: cases.add_to_case(w.registrar, case.number, []))
    refused_without_change(
        InvalidInput, lambda: cases.open_case(w.registrar, "Twice", [extract.number, extract.number])
    )
    refused_without_change(InvalidInput, lambda: cases.open_case(w.registrar, "  ", [extract.number]))
    refused_without_change(NotFound, lambda: cases.add_to_case(w.registrar, "CASE-99", [extract.number]))
    assert [e.document.number for e in case.entries.all()] == ["P46/X", cable.number]


def test_only_registry_staff_keep_case_files(w, matter):
    extract, _, case = matter
    for who in (w.secretary, w.members[0]):
        refused_without_change(Refused, lambda who=who: cases.open_case(who, "Mine", [extract.number]))
        refused_without_change(Refused, lambda who=who: cases.close_case(who, case.number))
    assert list(selectors.case_files(w.secretary)) == []
    assert selectors.case_file(w.registrar, case.number) == case


def test_an_empty_case_does_not_close(w):
    with clock.frozen(wf.RETURNED_AT):
        case = cases.open_case(w.registrar, "Nothing yet")
    assert case.number == "CASE-1"
    message = refused_without_change(Refused, lambda: close(w, case))
    assert message == "case CASE-1 holds no papers"


def test_case_numbers_step_over_one_entered_by_hand_and_keep_apart_from_documents(w):
    with clock.frozen(wf.MEETING_AT):
        cases.open_case(w.registrar, "entered by hand", [], number="CASE-2")
        numbers = [cases.open_case(w.registrar, f"case {k}", []).number for k in range(3)]
        document = registry.register_document(
            w.registrar, series="CASE", title="A paper", classification=wf.SECRET, text="t", dated=wf.MEETING_DAY
        )
    assert numbers == ["CASE-1", "CASE-3", "CASE-4"]
    assert document.number == "CASE-1"  # the documents' own series
