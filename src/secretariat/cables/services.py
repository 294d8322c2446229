"""Use cases of the cable desk and of controls.

A cable is drafted, approved by whoever the decision it cites names (else the body's
secretary), sent, acknowledged by the post and reported on. Its report requirement opens a
control on the action post; a report referencing the cable closes that control. Decisions
open controls too ("instruct department X to …"), through their extract.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from secretariat.accounts.models import Principal, Unit
from secretariat.audit.services import record, sign_checkpoint_as_system
from secretariat.cables.models import Cable, CablePart, Control
from secretariat.decisions import services as decisions
from secretariat.decisions.models import Point
from secretariat.decisions.selectors import body_of, decisions_known_to
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, bounded
from secretariat.kernel.leases import leased
from secretariat.kernel.restriction import Action
from secretariat.kernel.usecases import use_case
from secretariat.registry import services as registry
from secretariat.registry.models import Document
from secretariat.registry.selectors import no_document

DEFAULT_REPORT_DAYS = 7
KEPT_BY = "the cable desk (its parts)"
# The escalation sweep takes seconds; a node that died holding its lease holds it this long at most.
ESCALATION_LEASE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Part:
    """A numbered part of a cable ("FIRST"; "" continues the part before), or guidance."""

    label: str
    text: str
    guidance: bool = False


def plain_text(parts: Sequence[Part]) -> str:
    """The cable's parts as one text (the register's version of it, for search and the record).

    Guidance is left out: every reader of the document (info posts too) reads this text, while
    the guidance part is shown only to the action post and the originators."""
    return "\n\n".join(f"{p.label}. {p.text}" if p.label else p.text for p in parts if not p.guidance)


def date_time_group(at: dt.datetime) -> str:
    """Day, hour and minute in UTC, then month and year: 181300Z FEB 77."""
    utc = at.astimezone(dt.UTC)
    return utc.strftime("%d%H%MZ %b %y").upper()


def _cable_for_change(by: Principal, number: str) -> Cable:
    try:
        document = Document.objects.select_for_update(of=("self",)).restrict(by, Action.VIEW).get(number=number)
        return (
            Cable.objects.select_for_update(of=("self",))
            .select_related("document", "action_post", "sender")
            .get(document=document)
        )
    except (Document.DoesNotExist, Cable.DoesNotExist):
        raise no_document(number) from None


def _check_parts(parts: Sequence[Part]) -> None:
    if not parts or not any(p.text.strip() and not p.guidance for p in parts):
        raise InvalidInput(_("a cable needs at least one part with text"))
    if any(not p.text.strip() for p in parts):
        raise InvalidInput(_("a part of a cable has no text"))
    if parts[0].guidance:
        raise InvalidInput(_("guidance follows the part it belongs to; it cannot open the cable"))


@transaction.atomic
@use_case
def draft_cable(
    by: Principal,
    *,
    subject: str,
    classification: Classification,
    action_post: Unit,
    parts: Sequence[Part],
    dated: dt.date | None = None,
    info_posts: Sequence[Unit] = (),
    addressee_line: str = "",
    handling: Sequence[str] = (),
    precedence: str = Cable.Precedence.ROUTINE,
    references: Sequence[str] = (),
    point: Point | None = None,
    report_requirement: str = "",
    report_days: int | None = None,
    number: str | None = None,
    series: str = "TEL",
) -> Document:
    """A draft from the drafter's unit to a post; nobody outside the drafting side reads it yet."""
    if by.unit is None or by.unit.kind != Unit.Kind.UNIT:
        raise Refused(_("%(who)s belongs to no home unit to send cables from") % {"who": by.username})
    if not by.is_active:
        raise Refused(_("%(who)s is deactivated") % {"who": by.username})
    if action_post.kind != Unit.Kind.POST or any(p.kind != Unit.Kind.POST for p in info_posts):
        raise InvalidInput(_("cables go to posts: the action and info addressees must be posts"))
    if action_post in info_posts:
        raise InvalidInput(
            _("%(post)s is the action addressee; it cannot also be an info addressee") % {"post": action_post.code}
        )
    if precedence not in Cable.Precedence.values:
        raise InvalidInput(
            _("unknown precedence %(precedence)s; use %(known)s")
            % {"precedence": repr(precedence), "known": ", ".join(Cable.Precedence.values)}
        )
    subject = bounded(subject, _("the subject"), Document._meta.get_field("title").max_length)
    report_requirement = bounded(report_requirement, _("the report requirement"), 300, required=False)
    addressee_line = bounded(addressee_line, _("the addressee line"), 200, required=False)
    if point is not None and not decisions_known_to(by).filter(pk=point.pk).exists():
        raise NotFound(
            _("no point %(point)s in protocol No %(meeting)s of %(body)s")
            % {"point": point.identifier, "meeting": point.meeting.number, "body": point.meeting.body}
        )
    _check_parts(parts)
    if report_days is not None and not 1 <= report_days <= 3650:
        raise InvalidInput(_("the report period must be between 1 and 3650 days"))
    if report_days is not None and not report_requirement.strip():
        raise InvalidInput(_("a report period needs a report requirement (e.g. 'Wire when you have done it.')"))
    fields = {
        "number": number,
        "series": series,
        "title": subject,
        "kind": Document.Kind.CABLE,
        "classification": classification,
        "text": plain_text(parts),
        "dated": dated or clock.now().date(),
        "author_unit": by.unit,
        "kept_by": KEPT_BY,
    }
    if point is not None:  # a cable carrying out a decision is a paper of the body that took it
        document = decisions.enter_body_paper(by, point.meeting.body, **fields)
    else:
        document = registry.enter_in_register(by, **fields)
    cable = Cable.objects.create(
        document=document,
        precedence=precedence,
        sender=by.unit,
        action_post=action_post,
        addressee_line=addressee_line.strip(),
        handling=[h.strip().upper() for h in handling if h.strip()],
        subject=subject.strip(),
        references=[r.strip() for r in references if r.strip()],
        point=point,
        report_requirement=report_requirement.strip(),
        report_days=report_days,
        drafted_at=clock.now(),
        drafted_by=by,
    )
    cable.info_posts.set(info_posts)
    for i, p in enumerate(parts, start=1):  # one by one, as every text is checked on save (kernel/texts.py)
        CablePart.objects.create(
            cable=cable, position=i, label=p.label.strip().upper(), text=p.text.strip(), guidance=p.guidance
        )
    record(
        by,
        "cable.drafted",
        document,
        {
            "precedence": precedence,
            "action": action_post.code,
            "info": [p.code for p in info_posts],
            "parts": len(parts),
            "report_days": report_days,
        },
    )
    return document


@transaction.atomic
@use_case
def approve_cable(by: Principal, number: str, point: Point) -> Cable:
    """Approval by whoever the cited decision names (else the body's secretary), citing it.

    The point is read as it stands now: the caller's copy may predate the signature or a new secretary."""
    cable = _cable_for_change(by, number)
    point = Point.objects.select_related("meeting__body__secretary", "approver").get(pk=point.pk)
    if cable.state != Cable.State.DRAFTED:
        raise Refused(
            _("%(cable)s is %(state)s, not a draft awaiting approval") % {"cable": cable.spoken, "state": cable.state}
        )
    if cable.in_reply_to_id is not None:
        raise Refused(_("%(cable)s is a report; reports are not approved") % {"cable": cable.spoken})
    if cable.point_id is None:
        raise Refused(
            _("%(cable)s cites no decision: a cable is approved under the point it carries out")
            % {"cable": cable.spoken}
        )
    if cable.point_id != point.pk:
        raise Refused(
            _("%(cable)s implements %(implements)s; it cannot be approved under %(point)s")
            % {"cable": cable.spoken, "implements": cable.point, "point": point}
        )
    if not point.meeting.is_signed:
        raise Refused(_("%(meeting)s is not signed: its decisions are not in force") % {"meeting": point.meeting})
    named = point.approver or point.meeting.body.secretary
    if named is None or named.pk != by.pk:
        who = named.username if named else _("nobody (the body has no secretary)")
        raise Refused(
            _("%(point)s names %(named)s to approve; %(who)s may not")
            % {"point": point, "named": who, "who": by.username}
        )
    if cable.drafted_by_id == by.pk:
        raise Refused(
            _("%(who)s drafted %(cable)s; a second person approves it") % {"who": by.username, "cable": cable.spoken}
        )
    cable.state = Cable.State.APPROVED
    cable.approved_at = clock.now()
    cable.approved_by = by
    cable.approval_point = point
    cable.point = point
    cable.save(update_fields=["state", "approved_at", "approved_by", "approval_point", "point"])
    decisions.file_with_body(cable.document, point.meeting.body)
    record(by, "cable.approved", cable.document, {"point": str(point), "meeting": point.meeting.number})
    return cable


@transaction.atomic
@use_case
def send_cable(by: Principal, number: str) -> Cable:
    """Send an approved cable: the posts are addressed, the date-time group set, and the
    report requirement opens a control on the action post."""
    cable = _cable_for_change(by, number)
    if cable.state == Cable.State.DRAFTED:
        raise Refused(_("%(cable)s is not approved yet: it cannot be sent") % {"cable": cable.spoken})
    if cable.state != Cable.State.APPROVED:
        raise Refused(_("%(cable)s is %(state)s already") % {"cable": cable.spoken, "state": cable.state})
    if by.unit_id != cable.sender_id:
        raise Refused(
            _("only the sending unit, %(unit)s, sends %(cable)s") % {"unit": cable.sender.code, "cable": cable.spoken}
        )
    now = clock.now()
    cable.state = Cable.State.SENT
    cable.sent_at = now
    cable.sent_by = by
    cable.dtg = date_time_group(now)
    cable.save(update_fields=["state", "sent_at", "sent_by", "dtg"])
    for post in [cable.action_post, *cable.info_posts.order_by("code")]:
        registry.add_addressee(by, cable.document, post)
    record(by, "cable.sent", cable.document, {"dtg": cable.dtg, "action": cable.action_post.code})
    if cable.report_requirement:
        _open_control(
            by,
            cable.document,
            task=cable.report_requirement,
            assignee=cable.action_post,
            due_at=now + dt.timedelta(days=cable.report_days or DEFAULT_REPORT_DAYS),
            point=cable.point,
        )
    return cable


def _is_officer_of(by: Principal, post: Unit) -> bool:
    return by.is_active and by.unit_id == post.pk


@transaction.atomic
@use_case
def acknowledge_cable(by: Principal, number: str) -> Cable:
    """The action post confirms it has the cable; its control is then acknowledged."""
    cable = _cable_for_change(by, number)
    if not _is_officer_of(by, cable.action_post):
        raise Refused(
            _("only an officer of %(post)s acknowledges %(cable)s")
            % {"post": cable.action_post.code, "cable": cable.spoken}
        )
    if cable.state != Cable.State.SENT:
        raise Refused(
            _("%(cable)s is %(state)s; only a sent cable is acknowledged")
            % {"cable": cable.spoken, "state": cable.state}
        )
    now = clock.now()
    cable.state = Cable.State.RECEIVED
    cable.received_at = now
    cable.received_by = by
    cable.save(update_fields=["state", "received_at", "received_by"])
    record(by, "cable.received", cable.document, {"post": cable.action_post.code})
    for control in Control.objects.select_for_update().filter(document=cable.document, status=Control.Status.OPEN):
        control.status = Control.Status.ACKNOWLEDGED
        control.acknowledged_at = now
        control.save(update_fields=["status", "acknowledged_at"])
        record(by, "control.acknowledged", control, {"document": number})
    return cable


def _open_control(
    by: Principal,
    document: Document,
    *,
    task: str,
    assignee: Principal | Unit,
    due_at: dt.datetime,
    point: Point | None = None,
) -> Control:
    task = bounded(task, _("the task"), 2_000)
    if document.filed_at is not None:
        raise Refused(
            _("No %(number)s is in a closed case file: no new obligation can be put on it")
            % {"number": document.number}
        )
    if isinstance(assignee, Principal) and not assignee.is_active:
        raise Refused(_("%(who)s is deactivated") % {"who": assignee.username})
    if due_at <= clock.now():
        raise InvalidInput(_("a control's due date must be in the future"))
    if isinstance(assignee, Principal) and not assignee.classification.dominates(document.classification):
        raise Refused(
            _("%(who)s is not cleared for No %(number)s") % {"who": assignee.username, "number": document.number}
        )
    control = Control.objects.create(
        document=document,
        point=point,
        task=task.strip(),
        assignee=assignee if isinstance(assignee, Principal) else None,
        assignee_unit=assignee if isinstance(assignee, Unit) else None,
        opened_at=clock.now(),
        opened_by=by,
        due_at=due_at,
    )
    record(
        by,
        "control.opened",
        control,
        {"document": document.number, "assignee": control.assignee_name, "due_at": due_at.isoformat()},
    )
    return control


@transaction.atomic
@use_case
def instruct(
    by: Principal, extract_number: str, *, assignee: Principal | Unit, task: str, due_at: dt.datetime
) -> Control:
    """A control from a decision itself ("instruct department X to …"), opened by the body's
    secretary on the extract that carries the decision; the assignee must be on its distribution."""
    try:
        document = (
            Document.objects.select_for_update(of=("self",))
            .restrict(by, Action.VIEW)
            .select_related("extract__point__meeting__body")
            .get(number=extract_number)
        )
    except Document.DoesNotExist:
        raise no_document(extract_number) from None
    if not hasattr(document, "extract"):
        raise Refused(
            _("No %(number)s is not an extract: decisions instruct through their extract") % {"number": extract_number}
        )
    point = document.extract.point
    if point.meeting.body.secretary_id != by.pk:
        raise Refused(
            _("only the secretary of %(body)s opens controls on its decisions") % {"body": point.meeting.body}
        )
    on_list = document.distribution.filter(
        **({"principal": assignee} if isinstance(assignee, Principal) else {"unit": assignee})
    ).exists()
    if not on_list:
        raise Refused(
            _("%(who)s is not on the distribution of No %(number)s")
            % {"who": getattr(assignee, "username", None) or assignee.code, "number": extract_number}
        )
    return _open_control(by, document, task=task, assignee=assignee, due_at=due_at, point=point)


def _is_assignee(by: Principal, control: Control) -> bool:
    return by.is_active and (
        control.assignee_id == by.pk or (by.unit_id is not None and control.assignee_unit_id == by.unit_id)
    )


@transaction.atomic
@use_case
def file_report(
    by: Principal,
    references: str,
    *,
    text: str,
    control: int | None = None,
    title: str = "",
    classification: Classification | None = None,
    dated: dt.date | None = None,
    series: str | None = None,
) -> Document:
    """Report that a control's task is done: a report referencing the paper it came from.

    From a post about a cable, the report is a reply cable to the sending unit; otherwise a
    report to the body's secretary. It closes the control it references, and only that one.
    """
    try:
        original = Document.objects.select_for_update(of=("self",)).restrict(by, Action.VIEW).get(number=references)
    except Document.DoesNotExist:
        raise no_document(references) from None
    if control is not None:
        chosen = Control.objects.select_for_update(of=("self",)).restrict(by, Action.VIEW).filter(pk=control).first()
        if chosen is None:
            raise NotFound(_("no control %(control)s") % {"control": control})
        if chosen.document_id != original.pk:
            raise Refused(
                _("control %(control)s is on No %(number)s; a report referencing No %(references)s cannot close it")
                % {"control": control, "number": chosen.document.number, "references": references}
            )
        if not chosen.is_open() or not _is_assignee(by, chosen):
            raise Refused(
                _("control %(control)s is %(status)s, on %(assignee)s: not %(who)s's to close")
                % {"control": control, "status": chosen.status, "assignee": chosen.assignee_name, "who": by.username}
            )
    else:
        mine = [c for c in Control.objects.select_for_update().open().filter(document=original) if _is_assignee(by, c)]
        if not mine:
            raise Refused(
                _("%(who)s has no open control on No %(number)s to report on")
                % {"who": by.username, "number": references}
            )
        if len(mine) > 1:
            raise InvalidInput(
                ngettext(
                    "%(count)d control on No %(number)s is open: name the one this report closes",
                    "%(count)d controls on No %(number)s are open: name the one this report closes",
                    len(mine),
                )
                % {"count": len(mine), "number": references}
            )
        (chosen,) = mine
    text = bounded(text, _("the report's text"), 1_000_000)
    classification = classification or original.classification
    body = body_of(original)
    cable = getattr(original, "cable", None)
    if cable is not None and cable.state == Cable.State.SENT and chosen.status == Control.Status.OPEN:
        raise Refused(
            _("%(cable)s is not acknowledged yet: the post acknowledges it before reporting on it")
            % {"cable": cable.spoken}
        )
    title_limit = Document._meta.get_field("title").max_length
    subject = bounded(title, _("the report's title"), title_limit, required=False)
    task = " ".join(chosen.task.split())  # a title is one line; the task may run over several
    subject = subject or f"Report on No {original.number}: {task}"[:title_limit]
    if cable is not None and by.unit is not None and by.unit.kind == Unit.Kind.POST:
        distribution = [cable.sender]
        if cable.approved_by is not None and cable.approved_by.unit_id != cable.sender_id:
            distribution.append(cable.approved_by)
    else:
        secretary = body.secretary if body is not None else None
        distribution = [secretary] if secretary is not None else [chosen.opened_by]
    fields = {
        "series": series or (re.sub(r"[^A-Z0-9]", "", by.unit.code.upper())[:16] or "REP" if by.unit else "REP"),
        "title": subject,
        "kind": Document.Kind.REPORT,
        "classification": classification,
        "text": text,
        "dated": dated or clock.now().date(),
        "author_unit": by.unit,
        "distribution": [d for d in distribution if d != by],
        "kept_by": KEPT_BY if cable is not None else "",  # a reply cable's text is its parts
    }
    if body is not None:  # a report on a body's paper is the body's too
        report = decisions.enter_body_paper(by, body, **fields)
    else:
        report = registry.enter_in_register(by, **fields)
    now = clock.now()
    if cable is not None:
        reply = Cable.objects.create(
            document=report,
            state=Cable.State.SENT,
            sender=by.unit or cable.action_post,
            action_post=cable.sender,
            subject=subject,
            references=[f"No {original.number}"],
            in_reply_to=cable,
            drafted_at=now,
            drafted_by=by,
            sent_at=now,
            sent_by=by,
            dtg=date_time_group(now),
        )
        CablePart.objects.create(cable=reply, position=1, label="", text=text.strip())
        if not Control.objects.open().filter(document=original).exclude(pk=chosen.pk).exists():
            cable.state = Cable.State.REPORTED
            cable.reported_at = now
            cable.save(update_fields=["state", "reported_at"])
            record(by, "cable.reported", original, {"report": report.number})
    chosen.status = Control.Status.DONE
    chosen.done_at = now
    chosen.report = report
    chosen.save(update_fields=["status", "done_at", "report"])
    record(by, "control.done", chosen, {"document": original.number, "report": report.number})
    return report


@transaction.atomic
@use_case
def cancel_control(by: Principal, control_id: int, reason: str) -> Control:
    """Whoever opened a control may cancel it, saying why."""
    control = (
        Control.objects.select_for_update(of=("self",)).restrict(by, Action.REGISTER).filter(pk=control_id).first()
    )
    if control is None:
        raise NotFound(_("no control %(control)s") % {"control": control_id})
    if control.opened_by_id != by.pk:
        raise Refused(
            _("only %(who)s, who opened control %(control)s, may cancel it")
            % {"who": control.opened_by.username, "control": control_id}
        )
    if not control.is_open():
        raise Refused(
            _("control %(control)s is %(status)s already") % {"control": control_id, "status": control.status}
        )
    reason = bounded(reason, _("the reason for cancelling"), 300)
    control.status = Control.Status.CANCELLED
    control.cancelled_reason = reason
    control.save(update_fields=["status", "cancelled_reason"])
    record(by, "control.cancelled", control, {"reason": control.cancelled_reason})
    return control


def _recipients(control: Control) -> list[str]:
    people = [control.opened_by]
    people += [control.assignee] if control.assignee_id else list(control.assignee_unit.members.filter(is_active=True))
    return sorted({p.email for p in people if p.email})


@use_case(faces=("cli",), because="a sweep cron runs")
def escalate_overdue(by: Principal | None = None) -> list[Control]:
    """Mark controls past due as escalated (once each) and notify the assignee and the opener.

    The mail says which control is late, never what the paper says. Run by the overdue sweep
    (`secretariat control escalate`), so `by` is None: the system. Holding the sweep's lease, so
    with the crontab on every app server one of them escalates (kernel.leases.LeaseHeld for the rest).
    """
    with leased("control escalate", ttl=ESCALATION_LEASE):
        return _escalate_overdue(by)


@transaction.atomic
def _escalate_overdue(by: Principal | None) -> list[Control]:
    now = clock.now()
    late = list(
        Control.objects.select_for_update(of=("self",))
        .overdue(now)
        .filter(escalated_at__isnull=True)
        .select_related("document", "assignee", "assignee_unit", "opened_by")
    )
    for control in late:
        control.escalated_at = now
        control.save(update_fields=["escalated_at"])
        record(
            by,
            "control.escalated",
            control,
            {
                "document": control.document.number,
                "assignee": control.assignee_name,
                "due_at": control.due_at.isoformat(),
            },
        )
        recipients = _recipients(control)
        if recipients:
            subject = f"Overdue: control {control.pk} on No {control.document.number}"
            body = (
                f"Control {control.pk} on {control.assignee_name} for No {control.document.number} "
                f"was due {control.due_at:%d %B %Y %H:%M %Z} and is not done.\n"
            )
            transaction.on_commit(
                lambda s=subject, b=body, r=recipients: send_mail(s, b, settings.DEFAULT_FROM_EMAIL, r)
            )
    sign_checkpoint_as_system("control escalate")
    return late
