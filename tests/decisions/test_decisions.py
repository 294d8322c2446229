"""Bodies, meetings, protocol points and extracts."""

import datetime as dt

import pytest

from secretariat.accounts import services as accounts
from secretariat.decisions import services as decisions
from secretariat.decisions.models import Extract, Meeting
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, Refused
from secretariat.registry import services as registry
from secretariat.registry.models import Document
from tests import grants
from tests import workflow as wf
from tests.refusals import refused_without_change


@pytest.fixture
def w(db):
    return wf.build_world()


def point_fields(w, **fields):
    return {"title": "On the visit", "decision": "To be approved.", "classification": wf.SECRET, **fields}


def test_meetings_are_numbered_per_body(w):
    board = decisions.add_body(w.admin, "Council of Ministers", "CM")
    decisions.appoint_secretary(w.admin, board, w.secretary)
    with clock.frozen(wf.MEETING_AT):
        decisions.record_meeting(w.secretary, w.body, 46, wf.MEETING_DAY)
        decisions.record_meeting(w.secretary, board, 46, wf.MEETING_DAY)
        message = refused_without_change(
            Refused, lambda: decisions.record_meeting(w.secretary, w.body, 46, wf.MEETING_DAY)
        )
        assert message == "protocol No 46 of CC CPSU Politburo exists already"
        refused_without_change(InvalidInput, lambda: decisions.record_meeting(w.secretary, w.body, 0, wf.MEETING_DAY))
    assert sorted(Meeting.objects.values_list("body__prefix", "number")) == [("CM", 46), ("P", 46)]


def test_only_the_bodys_secretary_records_signs_and_makes_extracts(w):
    rival = grants.add_principal(w.admin, "rival", clearance="TOP SECRET", roles=["secretary"])
    board = decisions.add_body(w.admin, "Council of Ministers", "CM")
    decisions.appoint_secretary(w.admin, board, rival)
    wf.record_point(w, 46, "X", sign=False)
    day = wf.MEETING_DAY
    for who in (rival, w.members[0], w.registrar):
        attempts = [
            lambda who=who: decisions.record_meeting(who, w.body, 47, day),
            lambda who=who: decisions.record_point(who, w.body, 46, "XI", **point_fields(w)),
            lambda who=who: decisions.attach_to_point(
                who, w.body, 46, "X", title="Draft", text="Draft text", classification=wf.SECRET
            ),
            lambda who=who: decisions.sign_protocol(who, w.body, 46),
        ]
        for attempt in attempts:
            message = refused_without_change(Refused, attempt)
            assert message in (
                f"{who.username} is not the secretary of CC CPSU Politburo",
                f"{who.username} is not a secretary: only a secretary may record protocols",
            )
    with clock.frozen(wf.SIGNED_AT):
        decisions.sign_protocol(w.secretary, w.body, 46)
    for who in (rival, w.members[0]):
        refused_without_change(Refused, lambda who=who: decisions.make_extract(who, w.body, 46, "X"))
        refused_without_change(
            Refused,
            lambda who=who: decisions.correct_point(who, w.body, 46, "X", title="T", decision="D", reason="typo"),
        )
    assert decisions.make_extract(w.secretary, w.body, 46, "X").number == "P46/X"


def test_a_signed_protocol_takes_no_new_points_nor_attachments(w):
    wf.record_point(w)
    message = refused_without_change(
        Refused, lambda: decisions.record_point(w.secretary, w.body, 46, "XI", **point_fields(w))
    )
    assert message == "protocol No 46 of CC CPSU Politburo is signed: correct a point instead, giving a reason"
    refused_without_change(
        Refused,
        lambda: decisions.attach_to_point(
            w.secretary, w.body, 46, "X", title="Another draft", text="Text", classification=wf.SECRET
        ),
    )
    refused_without_change(Refused, lambda: decisions.sign_protocol(w.secretary, w.body, 46))


def test_a_correction_after_signing_needs_a_reason_and_keeps_the_old_text(w):
    point = wf.record_point(w)
    for reason in ("", "   "):
        message = refused_without_change(
            InvalidInput,
            lambda reason=reason: decisions.correct_point(
                w.secretary, w.body, 46, "X", title="About the instructions", decision="Corrected.", reason=reason
            ),
        )
        assert message == "the reason for a correction is required"
    with clock.frozen(wf.ISSUED_AT):
        version = decisions.correct_point(
            w.secretary, w.body, 46, "x", title="About the instructions", decision="Corrected.", reason="typist's slip"
        )
    assert list(point.versions.values_list("number", "decision", "reason")) == [
        (1, "The draft of the instructions is to be approved.", ""),
        (2, "Corrected.", "typist's slip"),
    ]
    assert (version.created_at, point.current()) == (wf.ISSUED_AT, version)
    extract = decisions.make_extract(w.secretary, w.body, 46, "X")
    assert extract.current_version().text == "Corrected."
    assert Extract.objects.get(document=extract).point_version == version


def test_no_extract_before_the_protocol_is_signed(w):
    wf.record_point(w, sign=False)
    message = refused_without_change(Refused, lambda: decisions.make_extract(w.secretary, w.body, 46, "X"))
    assert message == "protocol No 46 of CC CPSU Politburo is not signed yet: sign it before making extracts"


def test_an_extract_is_numbered_addressed_and_classified_from_its_point(w):
    wf.record_point(w)
    with clock.frozen(wf.ISSUED_AT):
        extract = decisions.make_extract(w.secretary, w.body, 46, "X")
    assert extract.number == "P46/X" and extract.kind == Document.Kind.EXTRACT
    assert [e.principal for e in extract.distribution.all()] == w.members
    assert extract.classification == wf.TOP_SECRET  # the join of the point and the Secret draft it carries
    (attachment,) = extract.attachments.all()
    assert (attachment.title, attachment.classification) == ("Draft instructions to the Soviet Ambassador", wf.SECRET)
    assert (extract.dated, extract.body_paper.body, extract.signatory) == (
        wf.MEETING_DAY,
        w.body,
        "SECRETARY OF THE CC CPSU POLITBURO",
    )
    refused_without_change(Refused, lambda: decisions.make_extract(w.secretary, w.body, 46, "X"))


def test_an_extract_is_never_marked_below_what_it_carries(w):
    accounts.add_compartment(w.admin, "SPECIAL FILE")
    for person in (w.secretary, *w.members):
        grants.change_clearance(w.admin, person, compartments=["SPECIAL FILE"])
    carried = Classification.parse("SECRET//SPECIAL FILE")
    wf.record_point(w, 46, "X", classification=carried, sign=False)
    wf.record_point(w, 46, "XI", classification=carried)
    for marking in ("CONFIDENTIAL//SPECIAL FILE", "TOP SECRET", "SECRET"):
        message = refused_without_change(
            Refused,
            lambda marking=marking: decisions.make_extract(
                w.secretary, w.body, 46, "X", classification=Classification.parse(marking)
            ),
        )
        assert message == f"the extract carries SECRET//SPECIAL FILE; it cannot be marked {marking}"
    assert decisions.make_extract(w.secretary, w.body, 46, "X").classification == carried
    higher = Classification.parse("TOP SECRET//SPECIAL FILE")
    assert decisions.make_extract(w.secretary, w.body, 46, "XI", classification=higher).classification == higher


def test_copies_of_an_extract_carry_the_bodys_return_period_and_instruction(w):
    board = decisions.add_body(w.admin, "Council of Ministers", "CM", return_days=14, registry_unit=w.ministry)
    decisions.add_members(w.admin, board, w.members)
    decisions.appoint_secretary(w.admin, board, w.secretary)
    with clock.frozen(wf.MEETING_AT):
        decisions.record_meeting(w.secretary, board, 3, wf.MEETING_DAY)
        decisions.record_point(w.secretary, board, 3, "12", **point_fields(w, addressees=w.members[:2]))
        decisions.sign_protocol(w.secretary, board, 3)
    wf.record_point(w)
    with clock.frozen(wf.ISSUED_AT):
        politburo = decisions.make_extract(w.secretary, w.body, 46, "X")
        council = decisions.make_extract(w.secretary, board, 3, "12")
        for extract, days in ((politburo, 7), (council, 14)):
            copies = registry.issue_copies(w.registrar, extract.number)
            assert [c.holder for c in copies] == [e.principal for e in extract.distribution.all()]
            assert {c.due_at for c in copies} == {wf.ISSUED_AT + dt.timedelta(days=days)}
    assert council.number == "CM3/12"
    assert politburo.return_instruction() == (
        "Must be returned within 7 days to CC CPSU (General Department, 1st sector)"
    )
    assert council.return_instruction() == "Must be returned within 14 days to USSR Ministry of Foreign Affairs"


def test_a_point_names_each_addressee_once(w):
    with clock.frozen(wf.MEETING_AT):
        decisions.record_meeting(w.secretary, w.body, 46, wf.MEETING_DAY)
        brezhnev = w.members[0]
        message = refused_without_change(
            InvalidInput,
            lambda: decisions.record_point(
                w.secretary, w.body, 46, "X", **point_fields(w, addressees=[brezhnev, w.members[1], brezhnev])
            ),
        )
    assert message == "an addressee is named twice: brezhnev"


def test_an_addressee_must_be_cleared_for_the_point(w):
    junior = grants.add_principal(w.admin, "junior", clearance="CONFIDENTIAL")
    with clock.frozen(wf.MEETING_AT):
        decisions.record_meeting(w.secretary, w.body, 46, wf.MEETING_DAY)
        message = refused_without_change(
            Refused,
            lambda: decisions.record_point(w.secretary, w.body, 46, "X", **point_fields(w, addressees=[junior])),
        )
    assert message == "junior is not cleared for SECRET"
