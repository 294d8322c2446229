"""Duties on a body give need to know, so who may hold them is guarded (found by review)."""

import pytest

from secretariat.cables import services as cables
from secretariat.decisions import selectors
from secretariat.decisions import services as decisions
from secretariat.kernel import clock
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from tests import grants
from tests import workflow as wf
from tests.refusals import refused_without_change


@pytest.fixture
def w(db):
    return wf.build_world()


def test_keepers_of_the_registry_hold_no_duty_on_a_body(w):
    auditor = grants.add_principal(w.admin, "auditor", clearance="TOP SECRET", roles=["auditor"])
    for keeper in (w.registrar, auditor):
        message = refused_without_change(Refused, lambda k=keeper: decisions.add_members(w.admin, w.body, [k]))
        assert message.endswith(f"a keeper of the registry may not be a member of {w.body}")
    message = refused_without_change(Refused, lambda: decisions.add_members(w.admin, w.body, [w.admin]))
    assert message == f"nobody makes themselves a member of {w.body}"


def test_a_named_approver_is_no_keeper_and_is_cleared(w):
    with clock.frozen(wf.MEETING_AT):
        decisions.record_meeting(w.secretary, w.body, 46, wf.MEETING_DAY)
    for approver, error in ((w.registrar, "a keeper of the registry"), (w.officer, "is not cleared for TOP SECRET")):
        with clock.frozen(wf.MEETING_AT):
            message = refused_without_change(
                Refused,
                lambda a=approver: decisions.record_point(
                    w.secretary, w.body, 46, "X", title="T", decision="D", classification=wf.TOP_SECRET, approver=a
                ),
            )
        assert error in message


def test_a_point_identifier_or_title_longer_than_its_column_is_refused_clearly(w):
    with clock.frozen(wf.MEETING_AT):
        decisions.record_meeting(w.secretary, w.body, 46, wf.MEETING_DAY)
        record = decisions.record_point
        refused_without_change(
            InvalidInput,
            lambda: record(w.secretary, w.body, 46, "X" * 21, title="T", decision="D", classification=wf.SECRET),
        )
        message = refused_without_change(
            InvalidInput,
            lambda: record(w.secretary, w.body, 46, "X", title="T" * 501, decision="D", classification=wf.SECRET),
        )
    assert message == "the title is 501 characters long; at most 500 are allowed"


def test_a_cable_cites_only_a_decision_its_drafter_may_read(w):
    hidden = wf.record_point(w, identifier="Y", addressees=[w.members[0]])  # gromyko is a member: make one he isn't
    outsider = grants.add_principal(w.admin, "clerk", clearance="TOP SECRET", unit="mfa")
    known = selectors.point_by_reference(w.drafter, w.body, 46, "Y")
    assert known == hidden  # a member reads it
    missing = refused_without_change(NotFound, lambda: selectors.point_by_reference(outsider, w.body, 46, "Z"))
    forbidden = refused_without_change(NotFound, lambda: selectors.point_by_reference(outsider, w.body, 46, "Y"))
    assert forbidden.replace("Y", "Z") == missing
    with clock.frozen(wf.DRAFTED_AT):
        refused_without_change(
            NotFound,
            lambda: cables.draft_cable(
                outsider,
                subject="S",
                classification=wf.SECRET,
                action_post=w.post,
                parts=[cables.Part("FIRST", "Do it.")],
                point=hidden,
            ),
        )
