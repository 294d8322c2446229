"""Build the reference case into an empty registry, through the services only.

Every step is a service call with its audit event, at the instant the clock is stood at, so
the log reads as the registry's journal of February 1977. Steps the reference file does not
date are marked ILLUSTRATIVE in `reference`.
"""

import base64
import datetime as dt
import io
import secrets
from dataclasses import dataclass, field

import img2pdf
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.accounts import services as accounts
from secretariat.accounts.models import Principal
from secretariat.archive import selectors as archive_selectors
from secretariat.archive import services as archives
from secretariat.audit import services as audit
from secretariat.cables import services as cables
from secretariat.cables.services import Part
from secretariat.cases import services as cases
from secretariat.cases.models import CaseFile
from secretariat.decisions import services as decisions
from secretariat.demo import reference as ref
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.desks import needs_second_factor
from secretariat.kernel.errors import Refused
from secretariat.kernel.principals import Role, principal_by_username
from secretariat.kernel.restriction import Action
from secretariat.registry import services as registry
from secretariat.registry.models import Document
from secretariat.releases import services as releases
from secretariat.scans import synthetic
from secretariat.scans.files import SAME_BYTES
from secretariat.web.worker import run_queued

TOP_SECRET = Classification(Level.TOP_SECRET)
SECRET = Classification(Level.SECRET)


@dataclass
class Login:
    username: str
    password: str
    who: str
    sees: str
    authenticator_key: str = ""  # base32, for an authenticator app; empty when no second factor is needed

    @property
    def otpauth_uri(self) -> str:
        """The key as an authenticator app scans or takes it (RFC 6238 defaults: SHA-1, 6 digits, 30 s)."""
        if not self.authenticator_key:
            return ""
        return f"otpauth://totp/Secretariat:{self.username}?secret={self.authenticator_key}&issuer=Secretariat"


def current_code(username: str) -> str:
    """The code a demo login's authenticator shows now (the demo enrolled it, so the demo may say it)."""
    principal = principal_by_username(username)
    device = TOTPDevice.objects.filter(user=principal, confirmed=True).first()
    if device is None:
        raise Refused(f"{username} has no authenticator: their clearance needs no second factor")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@dataclass
class Step:
    at: dt.datetime
    what: str


@dataclass
class Demo:
    document: Document
    registrar: Principal
    cases: list[CaseFile] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


def _password(username: str, **names) -> str:
    """A random password the validators accept for this person: now and then a random string
    looks too much like a name or an address ("secretariat"), and the account would be refused."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password, Principal(username=username, **names))
        except ValidationError:
            continue
        return password


class _Builder:
    def __init__(self):
        self.logins: list[Login] = []
        self.steps: list[Step] = []
        self.security_officer = None  # who approves what the administrator asks, once installed

    def step(self, what: str) -> None:
        self.steps.append(Step(clock.now(), what))

    def activate(self, activated: accounts.Activated, who: str, sees: str, **names) -> Principal:
        """The person redeems their activation code, sets their own password and, when their
        clearance calls for it, enrols an authenticator (password and key printed: it is a demo)."""
        username = activated.principal.username
        password = _password(username, **names)
        principal = accounts.activate(username, activated.code, password)
        key = ""
        if needs_second_factor(principal):  # enrolled as its holder would, right after activation
            device = accounts.enrol_totp(principal)
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
            accounts.confirm_totp(principal, device, f"{code:0{device.digits}d}")
            key = base64.b32encode(device.bin_key).decode().rstrip("=")
        self.logins.append(Login(username, password, who, sees, key))
        return principal

    def install(self) -> Principal:
        """The ceremony: the first administrator and security officer, each activated by code."""
        ceremony = accounts.bootstrap("admin", "security", clearance=Level.TOP_SECRET)
        admin = self.activate(
            ceremony.admin, "administrator of accounts", "asks for grants of access; no classified content"
        )
        self.security_officer = self.activate(
            ceremony.security_officer, "security officer", "approves the grants of access the administrator asks for"
        )
        self.step("installation: the administrator and the security officer, each activated with a one-time code")
        return admin

    def person(self, admin, username, clearance, roles, *, first_name="", last_name="", unit=None, who="", sees=""):
        """A two-person grant: the administrator asks, the security officer approves, and the
        person activates their account with the code the approval gives."""
        names = {"first_name": first_name, "last_name": last_name, "email": f"{username}@secretariat.local"}
        request = accounts.request_principal(admin, username, clearance=clearance, roles=roles, unit=unit, **names)
        approved = accounts.approve(self.security_officer, request.pk)
        return self.activate(approved.activation, who, sees, **names)


@transaction.atomic
def build(*, archive: bool = True) -> Demo:
    """The whole reference case, from the accounts to the closed case and (unless `archive` is
    false) its declassification in the archive, plus a second case left open.

    One transaction: the demo is built completely or not at all.
    """
    b = _Builder()
    with clock.frozen(ref.SET_UP_AT):
        admin = b.install()
        registry_unit = accounts.add_unit(admin, *ref.REGISTRY_UNIT)
        accounts.add_unit(admin, *ref.MFA)
        post = accounts.add_unit(admin, *ref.POST, post=True)
        people = {}
        for p in ref.ADDRESSEES:
            people[p.username] = b.person(
                admin,
                p.username,
                Level.TOP_SECRET,
                [Role.MEMBER],
                first_name=p.first_name,
                last_name=p.last_name,
                unit=ref.MFA[0] if p.username == "gromyko" else None,
                who=p.office,
                sees="extract P46/X as an addressee"
                + ("; the protocol's points as a member" if p.username in ref.MEMBERS else "")
                + ("; drafts and sends the cable" if p.username == "gromyko" else ""),
            )
        secretary = b.person(
            admin,
            "secretary",
            Level.TOP_SECRET,
            [Role.SECRETARY],
            last_name="Secretary of the CC",
            who="secretary of the Politburo",
            sees="protocols, points, extracts; approves the cable on point X",
        )
        dobrynin = b.person(
            admin,
            ref.DOBRYNIN.username,
            Level.SECRET,
            [Role.POST_OFFICER],
            first_name=ref.DOBRYNIN.first_name,
            last_name=ref.DOBRYNIN.last_name,
            unit=ref.POST[0],
            who=ref.DOBRYNIN.office,
            sees="the cable to Washington (with its guidance); files the report",
        )
        registrar = b.person(
            admin,
            "registrar",
            Level.TOP_SECRET,
            [Role.REGISTRAR],
            last_name="Registrar, General Department 1st sector",
            unit=ref.REGISTRY_UNIT[0],
            who="registry clerk",
            sees="the register of every paper (number, classification, holders, dates), no content",
        )
        tass = b.person(
            admin,
            "tass",
            Level.SECRET,
            [Role.PRESS_OFFICER],
            last_name="TASS editor",
            who="editor of the TASS channel",
            sees="the announcement to release; releases it once the report is in",
        )
        archivist = b.person(
            admin,
            "archivist",
            Level.TOP_SECRET,
            [Role.ARCHIVIST],
            last_name="Archivist",
            who="archivist of TsKhSD",
            sees="the archive desk: closed case files whole, the review queue, items to publish",
        )
        auditor = b.person(
            admin, "auditor", Level.TOP_SECRET, [Role.AUDITOR], last_name="Auditor", who="auditor", sees="the audit log"
        )
        b.person(
            admin,
            "visitor",
            Level.UNCLASSIFIED,
            [],
            last_name="Visitor",
            who="uncleared visitor",
            sees="public releases",
        )
        body = decisions.add_body(
            admin,
            ref.BODY,
            ref.BODY_PREFIX,
            return_days=ref.RETURN_DAYS,
            registry_unit=registry_unit,
            motto=ref.MOTTO,
            letterhead=ref.LETTERHEAD,
            salutation=ref.SALUTATION,
        )
        decisions.add_members(admin, body, [people[u] for u in ref.MEMBERS])
        decisions.appoint_secretary(admin, body, secretary)
        channel = releases.add_channel(admin, *ref.CHANNEL[:2], series=ref.CHANNEL[2], editors=[tass])
        b.step(
            "accounts (each asked for by the administrator, approved by the security officer and activated by its "
            "holder's code), the Politburo (prefix P, 7 days), the Washington post and the TASS channel set up"
        )

    addressees = [people[p.username] for p in ref.ADDRESSEES]
    with clock.frozen(ref.MEETING_AT):
        decisions.record_meeting(secretary, body, ref.MEETING, ref.MEETING_DAY)
        decisions.record_point(
            secretary,
            body,
            ref.MEETING,
            ref.POINT,
            title=ref.title(),
            decision=ref.decision(),
            classification=TOP_SECRET,
            addressees=addressees,
        )
        decisions.attach_to_point(
            secretary,
            body,
            ref.MEETING,
            ref.POINT,
            title=ref.draft_cable_title(),
            text=ref.draft_cable(),
            classification=SECRET,
            page_count=ref.DRAFT_PAGES,
        )
        b.step("meeting 46 recorded; point X with its decision and the attached draft (Secret)")
    with clock.frozen(ref.SIGNED_AT):
        decisions.sign_protocol(secretary, body, ref.MEETING)
        b.step("protocol No 46 signed by the secretary")
    point = body.meetings.get(number=ref.MEETING).points.get(identifier=ref.POINT)

    with clock.frozen(ref.DRAFTED_AT):
        cable_doc = cables.draft_cable(
            people["gromyko"],
            subject=ref.cable_subject(),
            classification=SECRET,
            action_post=post,
            addressee_line=ref.cable_addressee_line(),
            parts=[
                Part("FIRST", ref.cable_first()),
                Part("", ref.cable_guidance(), guidance=True),
                Part("", ref.cable_first_continued()),
                Part("SECOND", ref.cable_second()),
            ],
            references=[ref.cable_reference()],
            point=point,
            precedence="immediate",
            report_requirement=ref.report_requirement(),
            report_days=ref.REPORT_DAYS,
            dated=ref.MEETING_DAY,
        )
        template = releases.prepare_release(
            people["gromyko"], cable_doc.number, channel=channel, title=ref.tass_title(), text=ref.tass_template()
        )
        b.step(f"cable No {cable_doc.number} to Washington drafted on point X (Secret), TASS announcement inside it")
    with clock.frozen(ref.APPROVED_AT):
        cables.approve_cable(secretary, cable_doc.number, point)
        b.step(f"cable No {cable_doc.number} approved by the secretary under point X of protocol No 46")

    with clock.frozen(ref.ISSUED_AT):
        extract = decisions.make_extract(secretary, body, ref.MEETING, ref.POINT, signatory=ref.signatory())
        registry.issue_copies(registrar, extract.number)
        b.step(f"extract No {extract.number} registered (Top secret); nine copies issued, due 25 February")
    with clock.frozen(ref.SENT_AT):
        cable = cables.send_cable(people["gromyko"], cable_doc.number)
        b.step(f"cable No {cable_doc.number} sent ({cable.dtg}); control on Washington opened, due 25 February")
    with clock.frozen(ref.ACKNOWLEDGED_AT):
        cables.acknowledge_cable(dobrynin, cable_doc.number)
        b.step("the Washington post acknowledged the cable")
    for k in ref.RETURNS:
        with clock.frozen(ref.RECEIPTS_AT + dt.timedelta(minutes=10 * k)):
            registry.confirm_receipt(people[ref.ADDRESSEES[k - 1].username], extract.number, k)
    with clock.frozen(ref.REPORTED_AT):
        report = cables.file_report(dobrynin, cable_doc.number, text=ref.report_text(), title="Report: done")
        b.step(f"Dobrynin's report No {report.number} filed; the control on the cable is done")
    with clock.frozen(ref.RELEASED_AT):
        released = releases.release(tass, template.pk, {"day": str(ref.CONVERSATION_DAY)})
        b.step(f"TASS release No {released.document.number} out, unclassified: 'On February {ref.CONVERSATION_DAY} …'")
    for k, at in sorted(ref.RETURNS.items()):
        with clock.frozen(at):
            registry.return_copy(registrar, extract.number, k)
            if k == len(ref.RETURNS):
                b.step("all nine copies of the extract returned by 25 February")
    with clock.frozen(ref.CLOSED_AT):
        case = cases.open_case(
            registrar,
            "Instructions to the Ambassador in Washington on 'human rights' (P46/X)",
            [extract.number, cable_doc.number, report.number, released.document.number],
        )
        case = cases.close_case(registrar, case.number)
        b.step(f"case {case.number} opened with the extract, the cable, the report and the release, and closed")

    open_case = _second_case(b, body, secretary, registrar, people)
    if archive:
        _archive(b, archivist, case)
    with clock.frozen(ref.DECLASSIFIED_AT if archive else ref.SECOND_CASE_AT):
        audit.sign_checkpoint(auditor)
        b.step("the auditor signed a checkpoint of the log")
    extract.refresh_from_db()
    return Demo(document=extract, registrar=registrar, cases=[case, open_case], logins=b.logins, steps=b.steps)


def _archive(b: _Builder, archivist: Principal, case: CaseFile) -> None:
    """The paper's last life: CASE-1 received into fond 89, reviewed once the CPSU's activity
    had ended, declassified with one redaction and published on the researcher copy's date."""
    code, name = ref.ARCHIVE
    extract = f"{code}/{ref.FOND}/{ref.OPIS}/{ref.DOCUMENT}"
    with clock.frozen(ref.TRANSFERRED_AT):
        archives.add_repository(archivist, code, name)
        archives.describe_unit(archivist, code, ref.FOND, title=ref.FOND_TITLE)
        transfer = archives.transfer_case(
            archivist, case.number, repository=code, fond=ref.FOND, opis=ref.OPIS, first_item=ref.DOCUMENT
        )
        scanned = archives.add_item_scan(
            archivist,
            extract,
            name=f"{code}-{ref.FOND}-{ref.OPIS}-{ref.DOCUMENT}.pdf",
            data=SCANS["extract"](),
        )
        run_queued()  # the worker's turn, taken here so that the demo is whole when it is served
        scanned.scan.refresh_from_db()
        b.step(
            f"ILLUSTRATIVE: the extract scanned as the archive holds it ({scanned.scan.page_count} sheets, 300 dpi, "
            f"the margin note and the archive stamp) and read by OCR in Russian and English: {scanned.scan.state}"
        )
        archives.set_instruction(archivist, extract, kind="event", event=ref.DECLASSIFICATION_EVENT)
        archives.record_event(archivist, extract, ref.CPSU_DISSOLVED)
        b.step(
            f"ILLUSTRATIVE 1992: case {case.number} transferred into {code}, fond {ref.FOND}, opis {ref.OPIS}, "
            f"as documents {ref.DOCUMENT}-{ref.DOCUMENT + transfer.items.count() - 1} (BagIt bag {transfer.bag}); "
            f"No {ref.NUMBER} to be reviewed after {ref.DECLASSIFICATION_EVENT}"
        )
    _russian_paper(b, archivist)
    with clock.frozen(ref.REVIEW_SWEPT_AT):
        archives.sweep_reviews()
    with clock.frozen(ref.DECLASSIFIED_AT):
        phrase, reason = ref.REDACTED
        item = archive_selectors.item(archivist, extract, Action.VIEW)
        spans = archives.phrase_redactions(item, phrase, reason)
        archives.decide_review(archivist, extract, "redact", redactions=spans, note="ILLUSTRATIVE: a named diplomat")
        archives.publish(archivist, extract)
        b.step(
            f"31 March 1994: {extract} declassified with one redaction ({reason}) and published in the reading room, "
            f"its scan's pages rasterised afresh with {phrase!r} burned out"
        )


def _extract_sheets() -> list:
    """The extract as the archive keeps it: typed sheets at 300 dpi, each a little skewed and speckled, the margin
    note by hand, the archive stamp on the sheet after."""
    sheets = []
    for n, sheet in enumerate(ref.scan_sheets()):
        sheets += synthetic.typed_pages(
            sheet["lines"],
            dpi=300,
            skew_degrees=(0.4, -0.6, 0.3)[n],
            noise=0.25,
            seed=ref.DOCUMENT + n,
            margin_notes=sheet.get("margin_notes", ()),
            stamp=sheet.get("stamp"),
        )
    return sheets


def _scanned(sheets) -> bytes:
    """Typed sheets as a scanner's PDF sends them: one JPEG a page at 300 dpi, wrapped as they are."""
    pages = []
    for sheet in sheets:
        out = io.BytesIO()
        sheet.image.save(out, "JPEG", quality=85, dpi=(300, 300))
        pages.append(out.getvalue())
    return img2pdf.convert(pages, **SAME_BYTES)


def _russian_sheets() -> list:
    return synthetic.transcript_pages(
        ref.source_text(ref.RUSSIAN_SOURCE), dpi=300, skew_degrees=-0.5, noise=0.25, seed=195, stamp=ref.RUSSIAN_STAMP
    )


# The demo's scans, each a scanner's PDF made afresh (the same bytes each time: OCR's cache knows them again).
SCANS = {
    "extract": lambda: _scanned(_extract_sheets()),
    "russian": lambda: _scanned(_russian_sheets()),
}


def _russian_paper(b: _Builder, archivist: Principal) -> None:
    """ILLUSTRATIVE: a Russian paper of the importer's corpus comes in as a transcription with its scan, which
    the worker reads: the archive desk shows the pages OCR read beside the text the importer read."""
    text = ref.source_text(ref.RUSSIAN_SOURCE)
    with clock.frozen(ref.TRANSFERRED_AT):
        item = archives.import_transcription(archivist, text, source=ref.RUSSIAN_SOURCE, repository=ref.ARCHIVE[0])
        reference = archive_selectors.reference(item)
        scan = archives.add_item_scan(archivist, reference, name="st-195-3s.pdf", data=SCANS["russian"]()).scan
        run_queued()
        scan.refresh_from_db()
        b.step(
            f"ILLUSTRATIVE: a Russian paper, {reference} (Secretariat, 29 January 1980), imported with its "
            f"transcription and a scan of {scan.page_count} sheet(s), read by OCR: {scan.state}"
        )


def _second_case(b: _Builder, body, secretary, registrar, people) -> CaseFile:
    """ILLUSTRATIVE, not in the reference file: a later point whose extract is still out and
    whose control is still open, so the desks show live work."""
    second = ref.SECOND_CASE
    with clock.frozen(ref.SECOND_CASE_AT):
        decisions.record_meeting(secretary, body, second["meeting"], ref.SECOND_CASE_AT.date())
        decisions.record_point(
            secretary,
            body,
            second["meeting"],
            second["point"],
            title=second["title"],
            decision=second["decision"],
            classification=SECRET,
            addressees=[people[u] for u in second["to"]],
        )
        decisions.sign_protocol(secretary, body, second["meeting"])
        extract = decisions.make_extract(secretary, body, second["meeting"], second["point"], signatory=ref.signatory())
        registry.issue_copies(registrar, extract.number)
        cables.instruct(
            secretary,
            extract.number,
            assignee=people[second["assignee"]],
            task=second["task"],
            due_at=second["due_at"],
        )
        case = cases.open_case(registrar, second["case_title"], [extract.number])
        b.step(
            f"ILLUSTRATIVE second case {case.number}: extract No {extract.number} issued, "
            f"control on {second['assignee']} due {second['due_at']:%d %B %Y}; left open"
        )
    with clock.frozen(ref.SECOND_CASE_AT + dt.timedelta(days=3)):
        registry.return_copy(registrar, extract.number, 1)
    return case
