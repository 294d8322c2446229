"""Releases: the one way a classified paper's announcement becomes public, and only once."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from secretariat.cables import services as cables
from secretariat.cables.models import Control
from secretariat.cables.services import Part
from secretariat.cases import services as cases
from secretariat.decisions import services as decisions
from secretariat.decisions.models import Point
from secretariat.kernel import clock
from secretariat.kernel.classification import UNCLASSIFIED, Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, ServiceError
from secretariat.registry import selectors as registry_selectors
from secretariat.registry import services as registry
from secretariat.registry.models import Document
from secretariat.releases import selectors
from secretariat.releases import services as releases
from tests import grants
from tests import workflow as wf
from tests.refusals import refused_without_change


@pytest.fixture
def w(db):
    return wf.build_world()


@pytest.fixture
def cable(w):
    return wf.send_cable(w, wf.record_point(w), announce=True)


@pytest.fixture
def template(w, cable):
    return wf.announcement(cable)


@pytest.fixture
def reported(w, cable, template):
    """The cable's control done: the announcement may go out."""
    wf.report(w, cable)
    return template


def release(w, template, values=None, by=None):
    with clock.frozen(wf.RELEASED_AT):
        return releases.release(by or w.editor, template.pk, {"day": "21"} if values is None else values)


def test_only_an_editor_of_the_channel_releases(w, reported):
    rival = grants.add_principal(w.admin, "reuters", clearance="SECRET", roles=["press_officer"])
    message = refused_without_change(Refused, lambda: release(w, reported, by=w.drafter))  # reads it, edits nothing
    assert message == "only an editor of tass releases through it"
    refused_without_change(NotFound, lambda: release(w, reported, by=rival))  # may not even read it
    assert release(w, reported).reviewer == w.editor


def test_a_release_waits_until_the_cables_control_is_done(w):
    point = wf.record_point(w)
    cable = wf.draft_cable(w, point)
    template = wf.prepare_announcement(w, cable)
    message = refused_without_change(Refused, lambda: release(w, template))
    assert message == f"cable No {cable.number} has not been sent: nothing it announces can go out"
    with clock.frozen(wf.APPROVED_AT):
        cables.approve_cable(w.secretary, cable.number, point)
    refused_without_change(Refused, lambda: release(w, template))
    with clock.frozen(wf.SENT_AT):
        cables.send_cable(w.drafter, cable.number)
    with clock.frozen(wf.ACKNOWLEDGED_AT):
        cables.acknowledge_cable(w.officer, cable.number)
    message = refused_without_change(Refused, lambda: release(w, template))
    assert message == f"the control on cable No {cable.number} is not done: the announcement waits for the report"
    wf.report(w, cable)
    assert release(w, template).document.is_public


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({}, "fill every blank: missing day"),
        ({"day": "21", "month": "February"}, "no such blank(s): month"),
        ({"day": "21\nFebruary"}, "one line"),
        ({"day": "21\rFebruary"}, "one line"),
        ({"day": "21\u2028February"}, "one line"),
        ({"day": "{{day}}"}, "without braces"),
        ({"day": 21}, "one line of 1 to 200 characters"),
        ({"day": "  "}, "1 to 200 characters"),
        ({"day": "2" * 201}, "1 to 200 characters"),
    ],
)
def test_every_blank_is_filled_with_one_line(w, reported, values, complaint):
    message = refused_without_change(InvalidInput, lambda: release(w, reported, values))
    assert complaint in message


def test_the_released_text_has_its_blanks_filled(w, reported):
    released = release(w, reported, {"day": " 21 "})
    text = registry_selectors.read_document(AnonymousUser(), released.document.number).version.text
    assert text == "On February 21 the USSR Ambassador in the USA visited the Secretary of State."
    assert released.values == {"day": "21"}
    assert selectors.released(released.document.number) == released


def test_a_released_text_is_public_unclassified_and_never_changes(w, reported):
    released = release(w, reported)
    document = Document.objects.get(pk=released.document.pk)
    assert (document.number, document.kind, document.is_public) == ("TASS-1", "announcement", True)
    assert document.classification == UNCLASSIFIED
    message = refused_without_change(Refused, lambda: release(w, reported, {"day": "22"}))
    assert message == f"release {reported.pk} went out already; a released text never changes"
    for change in (
        lambda: registry.add_version(w.registrar, "TASS-1", "On February 22 …"),
        lambda: registry.add_attachment(w.registrar, "TASS-1", title="Photo", classification=UNCLASSIFIED),
    ):
        assert refused_without_change(Refused, change) == "No TASS-1 is released and public: it never changes"
    assert document.current_version().number == 1


# --- nothing else makes a paper public ---------------------------------------------------

OPERATION_NAMES = sorted(
    "register add_version add_attachment distribute issue confirm return destroy witness lose meeting point "
    "attach sign correct extract draft approve send acknowledge report instruct cancel escalate prepare "
    "open_case add_to_case close_case".split()
)
MARKINGS = ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
IDENTIFIERS = ["X", "XI"]


def _pick(options, k):
    return options[k % len(options)]


def _numbers(kind: str | None = None) -> list[str]:
    """Numbers of the papers so far (of one kind), and one that is not registered."""
    papers = Document.objects.filter(kind=kind) if kind else Document.objects.all()
    return [*papers.order_by("pk").values_list("number", flat=True), "NO-SUCH-1"]


def _operations(w: wf.World) -> dict:
    """Every service call that changes papers, except `release`: name -> (who would do it, call(by, a, b))."""
    people = [w.registrar, w.witness, w.secretary, *w.members, w.bystander, w.officer, w.info_officer, w.editor]
    registrars, members = [w.registrar, w.witness], w.members

    def number(k, kind=None):
        return _pick(_numbers(kind), k)

    def point(k):
        return _pick(list(Point.objects.order_by("pk")), k)

    def marking(k):
        return Classification.parse(_pick(MARKINGS, k))

    def meeting(k):
        return 46 + k % 3

    return {
        "register": (
            registrars,
            lambda by, a, b: registry.register_document(
                by, title="Note", classification=marking(a), text="text", dated=wf.MEETING_DAY
            ),
        ),
        "add_version": (registrars, lambda by, a, b: registry.add_version(by, number(a), "new text")),
        "add_attachment": (
            registrars,
            lambda by, a, b: registry.add_attachment(by, number(a), title="Annex", classification=marking(b)),
        ),
        "distribute": (registrars, lambda by, a, b: registry.add_to_distribution(by, number(a), [_pick(people, b)])),
        "issue": (registrars, lambda by, a, b: registry.issue_copies(by, number(a))),
        "confirm": (members, lambda by, a, b: registry.confirm_receipt(by, number(a), b % 4 + 1)),
        "return": (registrars, lambda by, a, b: registry.return_copy(by, number(a), b % 4 + 1)),
        "destroy": (registrars, lambda by, a, b: registry.record_destruction(by, number(a), b % 4 + 1, "Act 1")),
        "witness": (registrars, lambda by, a, b: registry.witness_destruction(by, number(a), b % 4 + 1)),
        "lose": (registrars, lambda by, a, b: registry.report_loss(by, number(a), b % 4 + 1, "gone")),
        "meeting": ([w.secretary], lambda by, a, b: decisions.record_meeting(by, w.body, meeting(a), wf.MEETING_DAY)),
        "point": (
            [w.secretary],
            lambda by, a, b: decisions.record_point(
                by,
                w.body,
                meeting(a),
                _pick(IDENTIFIERS, b),
                title="T",
                decision="D",
                classification=marking(b),
                addressees=members[: b % 3 + 1],
            ),
        ),
        "attach": (
            [w.secretary],
            lambda by, a, b: decisions.attach_to_point(
                by, w.body, meeting(a), _pick(IDENTIFIERS, b), title="Draft", text="D", classification=marking(a)
            ),
        ),
        "sign": ([w.secretary], lambda by, a, b: decisions.sign_protocol(by, w.body, meeting(a))),
        "correct": (
            [w.secretary],
            lambda by, a, b: decisions.correct_point(
                by, w.body, meeting(a), _pick(IDENTIFIERS, b), title="T", decision="D2", reason="slip"
            ),
        ),
        "extract": (
            [w.secretary],
            lambda by, a, b: decisions.make_extract(
                by, w.body, meeting(a), _pick(IDENTIFIERS, b), classification=marking(a) if b % 2 else None
            ),
        ),
        "draft": (
            [w.drafter],
            lambda by, a, b: cables.draft_cable(
                by,
                subject="S",
                classification=marking(a),
                action_post=w.post,
                parts=[Part("FIRST", "Do it."), Part("", "Quietly.", guidance=True)],
                point=point(b) if b % 2 else None,
                report_requirement="Wire when done.",
                report_days=a % 5 + 1,
            ),
        ),
        "approve": (
            [w.secretary, w.members[1]],
            lambda by, a, b: cables.approve_cable(by, number(a, "cable"), point(b)),
        ),
        "send": ([w.drafter], lambda by, a, b: cables.send_cable(by, number(a, "cable"))),
        "acknowledge": ([w.officer], lambda by, a, b: cables.acknowledge_cable(by, number(a, "cable"))),
        "report": (
            [w.officer, *members],
            lambda by, a, b: cables.file_report(
                by, number(a), text="Done.", classification=marking(b) if b % 2 else None
            ),
        ),
        "instruct": (
            [w.secretary],
            lambda by, a, b: cables.instruct(
                by,
                number(a, "extract"),
                assignee=_pick(people, b),
                task="Do",
                due_at=clock.now() + dt.timedelta(days=1),
            ),
        ),
        "cancel": (
            [w.secretary, w.drafter],
            lambda by, a, b: cables.cancel_control(
                by, _pick([*Control.objects.values_list("pk", flat=True), 0], a), "no longer needed"
            ),
        ),
        "escalate": ([None], lambda by, a, b: cables.escalate_overdue(by)),
        "prepare": (
            [w.drafter],
            lambda by, a, b: releases.prepare_release(
                by, number(a, "cable"), channel=w.channel, title="T", text="On {{day}}"
            ),
        ),
        "open_case": (registrars, lambda by, a, b: cases.open_case(by, "Case", [number(a)])),
        "add_to_case": (registrars, lambda by, a, b: cases.add_to_case(by, f"CASE-{b % 3 + 1}", [number(a)])),
        "close_case": (registrars, lambda by, a, b: cases.close_case(by, f"CASE-{b % 3 + 1}")),
    }, [*people, w.drafter]


# (operation, who: mostly whoever would do it, sometimes anyone, and two arguments)
STEPS = st.lists(
    st.tuples(st.sampled_from(OPERATION_NAMES), st.integers(0, 11), st.integers(0, 11), st.integers(0, 11)),
    min_size=10,
    max_size=30,
)


def test_nothing_but_a_release_makes_a_paper_public_or_lowers_its_classification(db):
    """Random runs of every other service call, from a world with a sent cable, an extract out
    and an announcement prepared, never make a paper public nor mark one lower."""
    w = wf.build_world()
    point = wf.record_point(w)
    wf.send_cable(w, point, announce=True)
    wf.draft_cable(w, point, subject="Awaiting approval")
    wf.make_extract(w)
    operations, everyone = _operations(w)
    assert sorted(operations) == OPERATION_NAMES

    @settings(max_examples=20, deadline=None)
    @given(steps=STEPS)
    def run(steps):
        with transaction.atomic():  # a savepoint per example: each starts from the same world
            seen: dict[int, Classification] = {}
            at = wf.SENT_AT
            for name, who, a, b in steps:
                natural, call = operations[name]
                by = _pick(natural, who) if who < 9 else _pick(everyone, who)
                at += dt.timedelta(hours=7)
                with clock.frozen(at):
                    try:
                        call(by, a, b)
                    except ServiceError:
                        pass
                assert not Document.objects.filter(is_public=True).exists(), f"{name} made a paper public"
                for document in Document.objects.prefetch_related("compartments"):
                    before = seen.setdefault(document.pk, document.classification)
                    assert document.classification.dominates(before), f"{name} lowered No {document.number}"
                    seen[document.pk] = document.classification
            transaction.set_rollback(True)

    run()


def test_a_channel_may_not_take_the_press_desks_address(w):
    message = refused_without_change(
        InvalidInput, lambda: releases.add_channel(w.admin, "press", "Press Agency", series="PA")
    )
    assert message == "'press' is the address of the press desk (/channels/press/): choose another code"
