"""A small world for the workflow tests (decisions, cables, controls, releases, case files),
built through the services on the reference case's days: a body with its secretary and
members, a home unit that drafts cables, an action post, an info post, another post, and a
news channel with its editor."""

import datetime as dt
from dataclasses import dataclass

from secretariat.accounts import services as accounts
from secretariat.accounts.models import Principal, Unit
from secretariat.cables import services as cables
from secretariat.cables.models import Cable, Control
from secretariat.cables.services import Part
from secretariat.decisions import services as decisions
from secretariat.decisions.models import Body, Point
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.registry import services as registry
from secretariat.registry.models import Document
from secretariat.releases import services as releases
from secretariat.releases.models import Channel, ReleaseTemplate
from tests import grants

MSK = dt.timezone(dt.timedelta(hours=3))


def msk(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(1977, 2, day, hour, minute, tzinfo=MSK)


SET_UP_AT = msk(14, 9)
MEETING_DAY = dt.date(1977, 2, 18)
MEETING_AT = msk(18, 11)
SIGNED_AT = msk(18, 13)
DRAFTED_AT = msk(18, 14)
APPROVED_AT = msk(18, 15)
ISSUED_AT = msk(18, 16)
SENT_AT = msk(18, 20)
ACKNOWLEDGED_AT = msk(19, 17)
REPORTED_AT = msk(21, 18)
RELEASED_AT = msk(22, 10)
RETURNED_AT = msk(23, 10)
CLOSED_AT = msk(25, 17)

TOP_SECRET = Classification.parse("TOP SECRET")
SECRET = Classification.parse("SECRET")
CONFIDENTIAL = Classification.parse("CONFIDENTIAL")

FIRST = "Meet with Vance and tell him that you have instructions to inform President Carter."
GUIDANCE = "For the Soviet Ambassador: if asked who, you could name the First secretary Pressel (sic)"
SECOND = "After the conversation send the announcement via the TASS channel."
SUBJECT = 'Instructions to the Soviet Ambassador in Washington on "human rights"'
ANNOUNCEMENT = "On February {{day}} the USSR Ambassador in the USA visited the Secretary of State."


@dataclass
class World:
    admin: Principal
    registrar: Principal
    witness: Principal  # a second registrar, for two-person destruction
    secretary: Principal
    members: list[Principal]  # brezhnev, andropov, gromyko: the point's addressees
    bystander: Principal  # suslov: a member of the body the point does not address
    drafter: Principal  # gromyko, of the ministry: drafts and sends cables
    officer: Principal  # of the action post
    info_officer: Principal  # of the info post
    stranger: Principal  # an officer of a post the cable does not go to
    editor: Principal
    body: Body
    ministry: Unit
    post: Unit
    info_post: Unit
    other_post: Unit
    channel: Channel


def build_world() -> World:
    with clock.frozen(SET_UP_AT):
        admin = grants.install("admin", clearance="TOP SECRET")[0]
        registry_unit = accounts.add_unit(admin, "cc-gd-1", "CC CPSU (General Department, 1st sector)")
        ministry = accounts.add_unit(admin, "mfa", "USSR Ministry of Foreign Affairs")
        post = accounts.add_unit(admin, "washington", "WASHINGTON", post=True)
        info_post = accounts.add_unit(admin, "london", "LONDON", post=True)
        other_post = accounts.add_unit(admin, "ottawa", "OTTAWA", post=True)

        def person(username, clearance="TOP SECRET", roles=("member",), unit=None):
            return grants.add_principal(
                admin, username, clearance=clearance, roles=roles, unit=unit, email=f"{username}@secretariat.local"
            )

        brezhnev, andropov = person("brezhnev"), person("andropov")
        gromyko = person("gromyko", unit="mfa")
        suslov = person("suslov")
        secretary = person("secretary", roles=("secretary",))
        registrar = person("registrar", roles=("registrar",), unit="cc-gd-1")
        witness = person("registrar2", roles=("registrar",), unit="cc-gd-1")
        officer = person("dobrynin", "SECRET", ("post_officer",), "washington")
        info_officer = person("london", "SECRET", ("post_officer",), "london")
        stranger = person("ottawa", "SECRET", ("post_officer",), "ottawa")
        editor = person("tass", "SECRET", ("press_officer",))
        body = decisions.add_body(admin, "CC CPSU Politburo", "P", return_days=7, registry_unit=registry_unit)
        decisions.add_members(admin, body, [brezhnev, andropov, gromyko, suslov])
        decisions.appoint_secretary(admin, body, secretary)
        channel = releases.add_channel(admin, "tass", "TASS", series="TASS", editors=[editor])
    return World(
        admin=admin,
        registrar=registrar,
        witness=witness,
        secretary=secretary,
        members=[brezhnev, andropov, gromyko],
        bystander=suslov,
        drafter=gromyko,
        officer=officer,
        info_officer=info_officer,
        stranger=stranger,
        editor=editor,
        body=body,
        ministry=ministry,
        post=post,
        info_post=info_post,
        other_post=other_post,
        channel=channel,
    )


def record_point(w: World, meeting: int = 46, identifier: str = "X", *, sign: bool = True, **fields) -> Point:
    """Point X of protocol No 46 (Top Secret, to the three members, a Secret draft attached), signed."""
    with clock.frozen(MEETING_AT):
        if not w.body.meetings.filter(number=meeting).exists():
            decisions.record_meeting(w.secretary, w.body, meeting, MEETING_DAY)
        point = decisions.record_point(
            w.secretary,
            w.body,
            meeting,
            identifier,
            title=fields.pop("title", "About the instructions to the Soviet Ambassador in Washington"),
            decision=fields.pop("decision", "The draft of the instructions is to be approved."),
            classification=fields.pop("classification", TOP_SECRET),
            addressees=fields.pop("addressees", w.members),
            **fields,
        )
        decisions.attach_to_point(
            w.secretary,
            w.body,
            meeting,
            identifier,
            title="Draft instructions to the Soviet Ambassador",
            text=f"FIRST. {FIRST}\n({GUIDANCE})\nSECOND. {SECOND}",
            classification=SECRET,
        )
    if sign:
        with clock.frozen(SIGNED_AT):
            decisions.sign_protocol(w.secretary, w.body, meeting)
    return point


def make_extract(w: World, meeting: int = 46, identifier: str = "X") -> Document:
    """The extract of a signed point, with a copy issued to each addressee."""
    with clock.frozen(ISSUED_AT):
        extract = decisions.make_extract(w.secretary, w.body, meeting, identifier)
        registry.issue_copies(w.registrar, extract.number)
    return extract


def draft_cable(w: World, point: Point | None, **fields) -> Document:
    """A Secret cable to the action post (the info post informed): FIRST, guidance, SECOND, a report in 7 days."""
    with clock.frozen(DRAFTED_AT):
        return cables.draft_cable(
            w.drafter,
            subject=fields.pop("subject", SUBJECT),
            classification=fields.pop("classification", SECRET),
            action_post=fields.pop("action_post", w.post),
            info_posts=fields.pop("info_posts", [w.info_post]),
            parts=[Part("FIRST", FIRST), Part("", GUIDANCE, guidance=True), Part("SECOND", SECOND)],
            point=point,
            report_requirement=fields.pop("report_requirement", "Wire when you have done it."),
            report_days=fields.pop("report_days", 7),
            dated=MEETING_DAY,
            **fields,
        )


def send_cable(
    w: World, point: Point, approver: Principal | None = None, *, announce: bool = False, **fields
) -> Document:
    """Draft (with the TASS announcement prepared in the draft if `announce`), approve (by the
    secretary unless named) and send a cable on `point`."""
    cable = draft_cable(w, point, **fields)
    if announce:
        prepare_announcement(w, cable)
    with clock.frozen(APPROVED_AT):
        cables.approve_cable(approver or w.secretary, cable.number, point)
    with clock.frozen(SENT_AT):
        cables.send_cable(w.drafter, cable.number)
    return cable


def control_on(cable: Document) -> Control:
    return Control.objects.get(document=cable)


def prepare_announcement(w: World, cable: Document, text: str = ANNOUNCEMENT) -> ReleaseTemplate:
    with clock.frozen(DRAFTED_AT):
        return releases.prepare_release(
            w.drafter, cable.number, channel=w.channel, title="Soviet Ambassador visited C. Vance", text=text
        )


def announcement(cable: Document) -> ReleaseTemplate:
    """The announcement prepared in the cable's draft."""
    return ReleaseTemplate.objects.get(cable=cable)


def report(w: World, cable: Document, **fields) -> Document:
    """The action post acknowledges the cable (if it has not yet) and reports it done."""
    if Cable.objects.get(document=cable).state == Cable.State.SENT:
        with clock.frozen(REPORTED_AT):
            cables.acknowledge_cable(w.officer, cable.number)
    with clock.frozen(REPORTED_AT):
        return cables.file_report(w.officer, cable.number, text=fields.pop("text", "Done on February 21."), **fields)
