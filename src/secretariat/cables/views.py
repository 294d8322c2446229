"""The cable desk, for anyone with a unit or post: at home, draft, approve and send cables; at a
post, acknowledge the cables addressed to it (htmx) and file the report that closes their control.

A cable's page shows its register side and its content through `read_cable` (an audited read;
the guidance only where the access rule allows). Each form posts to one service.
"""

import datetime as dt

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from secretariat.accounts.forms import ClassificationField, picker
from secretariat.accounts.models import Unit
from secretariat.accounts.selectors import addressees_by_name, unit_by_code
from secretariat.cables import selectors, services
from secretariat.cables.labels import PRECEDENCE
from secretariat.cables.models import Cable
from secretariat.cables.services import Part
from secretariat.decisions import selectors as decision_selectors
from secretariat.decisions.forms import point_picker
from secretariat.kernel import clock
from secretariat.kernel.cli import listed
from secretariat.kernel.desks import desk, login_required, paged, perform, unit_desk
from secretariat.kernel.errors import InvalidInput, NotFound, ServiceError
from secretariat.kernel.formats import iso
from secretariat.kernel.labels import choices_shown
from secretariat.kernel.lists import csv_response, filters_of, listing, offered, refused_csv
from secretariat.kernel.panels import panels
from secretariat.kernel.principals import Role
from secretariat.kernel.widgets import DayInput

DESK = "/cable-desk/"
# htmx leaves 4xx responses unswapped; a refusal's fragment is meant to be shown.
SHOW_REFUSALS = "if ([409, 422].includes(event.detail.xhr.status)) { event.detail.shouldSwap = true; event.detail.isError = false; }"


def _at_post(principal) -> bool:
    return principal.unit.kind == Unit.Kind.POST


def _cable_url(number: str) -> str:
    return f"{DESK}{number}/"


class DraftForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"))
    classification = ClassificationField()
    action_post = forms.CharField(
        label=gettext_lazy("Action post"),
        widget=picker("posts"),
        help_text=gettext_lazy("the post that acts: type its name or code and pick"),
    )
    info_posts = forms.CharField(
        label=gettext_lazy("Info posts"),
        required=False,
        widget=picker("posts", multiple=True),
        help_text=gettext_lazy("several, separated by commas"),
    )
    addressee_line = forms.CharField(
        label=gettext_lazy("Addressee line"), required=False, help_text=gettext_lazy("e.g. TO THE SOVIET AMBASSADOR")
    )
    precedence = forms.ChoiceField(
        label=gettext_lazy("Precedence"),
        choices=choices_shown(PRECEDENCE, Cable.Precedence.choices),
        initial=Cable.Precedence.ROUTINE,
    )
    first = forms.CharField(label="FIRST", widget=forms.Textarea(attrs={"rows": 6}))  # the cable's own word
    guidance = forms.CharField(
        label=gettext_lazy("Guidance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("for the action addressee alone; it follows FIRST"),
    )
    second = forms.CharField(label="SECOND", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    point = forms.CharField(
        label=gettext_lazy("Carries out point"),
        required=False,
        widget=point_picker(),
        help_text=gettext_lazy("BODY/MEETING/POINT, e.g. P/46/X (its approver approves)"),
    )
    report_requirement = forms.CharField(
        label=gettext_lazy("Report requirement"),
        required=False,
        help_text=gettext_lazy("e.g. Wire when you have done it."),
    )
    report_days = forms.IntegerField(label=gettext_lazy("Days to report"), required=False)


class ApprovalForm(forms.Form):
    point = forms.CharField(
        label=gettext_lazy("Under point"),
        widget=point_picker(),
        help_text=gettext_lazy("BODY/MEETING/POINT, e.g. P/46/X"),
    )


class ProtocolApprovalForm(forms.Form):
    cable = forms.CharField(widget=forms.HiddenInput)
    point = forms.CharField(
        label=gettext_lazy("Under point"),
        widget=point_picker(),
        help_text=gettext_lazy("BODY/MEETING/POINT, e.g. P/46/X"),
    )


class ReportForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"), required=False, help_text=gettext_lazy("default: Report on No …")
    )
    text = forms.CharField(label=gettext_lazy("Report"), widget=forms.Textarea(attrs={"rows": 6}))


def _parts(d: dict) -> list[Part]:
    """FIRST, the guidance after it, then SECOND: the cable's parts in order."""
    parts = [Part("FIRST", d["first"])]
    if d["guidance"]:
        parts.append(Part("", d["guidance"], guidance=True))
    if d["second"]:
        parts.append(Part("SECOND", d["second"]))
    return parts


def _approval_form(cable: Cable) -> ApprovalForm:
    point = cable.point
    reference = f"{point.meeting.body.prefix}/{point.meeting.number}/{point.identifier}" if point else ""
    return ApprovalForm(initial={"point": reference}, auto_id=f"approve-{cable.pk}-%s")


CABLE_FILTERS = ("q", "state")
CONTROL_FILTERS = ("q", "state")


def _my_cables(request, filters: dict[str, str]):
    state = offered(filters["state"], selectors.CABLE_STATES, _("state"))
    return selectors.drafted_or_to_approve(request.user, text=filters["q"], state=state)


@require_safe
@unit_desk
def cable_desk(request):
    principal = request.user
    on_me = paged(request, selectors.controls_on(principal).prefetch_related("document__compartments"), "controls")
    context = {
        "controls": selectors.read_controls(principal, on_me.rows),  # only this page's tasks are read
        "controls_page": on_me,
        "refusals": SHOW_REFUSALS,
    }
    status = 200
    if _at_post(principal):
        for_post = paged(
            request, selectors.cables_for_post(principal).prefetch_related("document__compartments"), "cables"
        )
        context["post_cables"], context["post_cables_page"] = for_post.rows, for_post
    else:
        filters = filters_of(request, CABLE_FILTERS)
        try:
            rows = _my_cables(request, filters)
        except InvalidInput as exc:
            context["error"], status = exc, 422
            rows = selectors.drafted_or_to_approve(principal)
        page = listing(request, rows.prefetch_related("document__compartments"), filters)
        awaiting = set(
            selectors.awaiting_approval(principal).filter(pk__in=[c.pk for c in page.rows]).values_list("pk", flat=True)
        )
        context["listing"] = page
        context["states"] = selectors.CABLE_STATES
        context["cables"] = [(c, _approval_form(c) if c.pk in awaiting else None) for c in page.rows]
        context["form"] = DraftForm()
    return render(request, "cables/desk.html", context, status=status)


@require_safe
@unit_desk
def cables_csv(request):
    """Every cable the principal drafted or must approve that the filters match, as CSV: metadata only."""
    try:
        rows = _my_cables(request, filters_of(request, CABLE_FILTERS))
    except InvalidInput as exc:
        return refused_csv(exc)
    header = ["number", "classification", "state", "precedence", "to", "dtg", "drafted", "approved", "sent"]
    rows = rows.prefetch_related("document__compartments")
    return csv_response(
        "cables.csv",
        header,
        (
            [c.document.number, c.document.classification, c.state, c.precedence, c.action_post.code, c.dtg,
             iso(c.drafted_at), iso(c.approved_at), iso(c.sent_at)]
            for c in rows.iterator(chunk_size=2000)
        ),
    )  # fmt: skip


@require_safe
@unit_desk
def cable_page(request, number: str):
    principal = request.user
    try:
        entry = selectors.cable_entry(principal, number)
        reading = selectors.read_cable(principal, number)
    except NotFound:
        raise Http404("no such page") from None
    controls = selectors.read_controls(principal, selectors.controls(principal).filter(document=entry.document))
    unit = principal.unit
    drafting = entry.state == Cable.State.DRAFTED and entry.drafted_by_id == principal.pk and not entry.in_reply_to_id
    context = {
        "cable": entry,
        "panels": panels("cables.cable", request, cable=entry, drafting=drafting),
        "reading": reading,
        "controls": controls,
        "refusals": SHOW_REFUSALS,
        "approval": _approval_form(entry)
        if selectors.awaiting_approval(principal).filter(pk=entry.pk).exists()
        else None,
        "may_send": entry.state == Cable.State.APPROVED and entry.sender_id == unit.pk,
        "may_acknowledge": entry.state == Cable.State.SENT and entry.action_post_id == unit.pk,
        "report": ReportForm()
        if any(c.status == c.Status.ACKNOWLEDGED and c.assignee_unit_id == unit.pk for c in controls)
        else None,
    }
    return render(request, "cables/cable.html", context)


@unit_desk
@require_POST
def draft(request):
    if _at_post(request.user):
        raise Http404("no such page")

    def act(d):
        return services.draft_cable(
            request.user,
            subject=d["subject"],
            classification=d["classification"],
            action_post=unit_by_code(d["action_post"]),
            info_posts=[unit_by_code(code) for code in listed(d["info_posts"])],
            addressee_line=d["addressee_line"],
            precedence=d["precedence"],
            parts=_parts(d),
            point=decision_selectors.cited_point(request.user, d["point"]) if d["point"] else None,
            report_requirement=d["report_requirement"],
            report_days=d["report_days"],
        )

    return perform(
        request,
        DraftForm(request.POST),
        act,
        title=_("Draft a cable"),
        back=DESK,
        done=lambda document: _cable_url(document.number),
    )


@unit_desk
@require_POST
def approve(request, number: str):
    return perform(
        request,
        ApprovalForm(request.POST),
        lambda d: services.approve_cable(
            request.user, number, decision_selectors.cited_point(request.user, d["point"])
        ),
        title=_("Approve cable No %(number)s") % {"number": number},
        back=_cable_url(number),
    )


@unit_desk
@require_POST
def send(request, number: str):
    return perform(
        request,
        forms.Form(request.POST),
        lambda d: services.send_cable(request.user, number),
        title=_("Send cable No %(number)s") % {"number": number},
        back=_cable_url(number),
    )


@unit_desk
@require_POST
def acknowledge(request, number: str):
    """From the post's list (htmx) the cable's row comes back updated; else back to the cable."""
    if not request.headers.get("HX-Request"):
        return perform(
            request,
            forms.Form(request.POST),
            lambda d: services.acknowledge_cable(request.user, number),
            title=_("Acknowledge cable No %(number)s") % {"number": number},
            back=_cable_url(number),
        )
    error, status = None, 200
    try:
        services.acknowledge_cable(request.user, number)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        error, status = exc.message, 422 if isinstance(exc, InvalidInput) else 409
    try:
        cable = selectors.cable_entry(request.user, number)
    except NotFound:
        raise Http404("no such page") from None
    return render(request, "cables/_post_cable.html", {"cable": cable, "error": error}, status=status)


@unit_desk
@require_POST
def report(request, number: str):
    return perform(
        request,
        ReportForm(request.POST),
        lambda d: services.file_report(request.user, number, text=d["text"], title=d["title"]),
        title=_("Report on cable No %(number)s") % {"number": number},
        back=_cable_url(number),
    )


def approvals_panel(request, *, body, meeting) -> str:
    """On a protocol's page: the cables carrying out its decisions that wait for my approval."""
    awaiting = [
        (
            cable,
            ProtocolApprovalForm(
                initial={
                    "cable": cable.document.number,
                    "point": f"{body.prefix}/{meeting.number}/{cable.point.identifier}",
                },
                auto_id=f"approve-{cable.pk}-%s",
            ),
        )
        for cable in selectors.awaiting_approval(request.user).filter(point__meeting=meeting)
    ]
    if not awaiting:
        return ""
    context = {"awaiting": awaiting, "body": body, "meeting": meeting}
    return render_to_string("cables/_protocol_approvals.html", context, request=request)


@desk(Role.SECRETARY)
@require_POST
def approve_under_protocol(request, prefix: str, number: int):
    """The secretary approves a cable from the page of the protocol whose decision it carries out."""
    body = decision_selectors.bodies_kept_by(request.user).filter(prefix=prefix).first()
    if body is None:
        raise Http404("no such page")
    protocol = f"/secretary/{body.prefix}/{number}/"
    return perform(
        request,
        ProtocolApprovalForm(request.POST),
        lambda d: services.approve_cable(
            request.user, d["cable"], decision_selectors.cited_point(request.user, d["point"])
        ),
        title=_("Approve a cable: protocol No %(number)s of %(body)s") % {"number": number, "body": body},
        back=protocol,
    )


# --- controls: the secretary puts an extract's decision under control; whoever opened a control cancels it ------

CONTROLS = f"{DESK}controls/"


class InstructForm(forms.Form):
    assignee = forms.ChoiceField(
        label=gettext_lazy("Put on"), help_text=gettext_lazy("someone on the extract's distribution")
    )
    task = forms.CharField(
        label=gettext_lazy("Task"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        help_text=gettext_lazy("what is to be done"),
    )
    due = forms.DateField(
        label=gettext_lazy("Due by"),
        widget=DayInput(),
        help_text=gettext_lazy("the end of that day (UTC)"),
    )

    def __init__(self, assignees, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose who must answer")), *assignees]

    def clean_due(self) -> dt.datetime:
        due = dt.datetime.combine(self.cleaned_data["due"], dt.time(23, 59), tzinfo=dt.UTC)
        if due <= clock.now():
            raise forms.ValidationError(
                _("Enter a day after today, e.g. %(example)s")
                % {"example": f"{(clock.now() + dt.timedelta(days=14)):%d %m %Y}"}
            )
        return due


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=gettext_lazy("why the obligation no longer stands; the assignee and the log will see it"),
    )


def _extract(principal, number: str):
    try:
        return selectors.extract_to_instruct(principal, number)
    except NotFound:
        raise Http404("no such page") from None


def _opened_controls(request, filters: dict[str, str]):
    state = offered(filters["state"], selectors.CONTROL_STATES, _("state"))
    return selectors.opened_by(request.user, text=filters["q"], state=state, as_of=clock.now())


@require_safe
@desk(Role.SECRETARY)
def controls_page(request):
    """The secretary's controls: the controls they opened, searched, filtered and paged, each with its cancel link
    while open; and each extract of their bodies with the form to put it under control."""
    principal = request.user
    extracts = [
        (extract, InstructForm(selectors.assignees(request.user, extract), auto_id=f"instruct-{extract.pk}-%s"))
        for extract in selectors.extracts_to_instruct(principal)
    ]
    filters = filters_of(request, CONTROL_FILTERS)
    error, status = None, 200
    try:
        rows = _opened_controls(request, filters)
    except InvalidInput as exc:
        error, status = exc, 422
        rows = selectors.opened_by(principal)
    page = listing(request, rows, filters)
    context = {
        "extracts": extracts,
        "listing": page,
        "opened": selectors.read_controls(principal, page.rows),  # only this page's tasks are read
        "states": selectors.CONTROL_STATES,
        "now": clock.now(),
        "error": error,
    }
    return render(request, "cables/controls.html", context, status=status)


@require_safe
@desk(Role.SECRETARY)
def controls_csv(request):
    """Every control the secretary opened that the filters match, as CSV: metadata only, no task."""
    try:
        rows = _opened_controls(request, filters_of(request, CONTROL_FILTERS))
    except InvalidInput as exc:
        return refused_csv(exc)
    header = ["control", "number", "on", "status", "opened", "due", "acknowledged", "done", "report"]
    return csv_response(
        "controls.csv",
        header,
        (
            [c.pk, c.document.number, c.assignee_shown, c.status, iso(c.opened_at), iso(c.due_at),
             iso(c.acknowledged_at), iso(c.done_at), c.report.number if c.report_id else ""]
            for c in rows.iterator(chunk_size=2000)
        ),
    )  # fmt: skip


@desk(Role.SECRETARY)
@require_POST
def instruct(request, number: str):
    extract = _extract(request.user, number)
    return perform(
        request,
        InstructForm(selectors.assignees(request.user, extract), request.POST, auto_id=f"instruct-{extract.pk}-%s"),
        lambda d: services.instruct(
            request.user,
            extract.number,
            assignee=addressees_by_name([d["assignee"]])[0],
            task=d["task"],
            due_at=d["due"],
        ),
        title=_("Put No %(number)s under control") % {"number": extract.number},
        back=CONTROLS,
        said=lambda control: (
            _("Control %(control)s opened on %(assignee)s for No %(number)s, due %(due)s")
            % {
                "control": control.pk,
                "assignee": control.assignee or control.assignee_unit,
                "number": extract.number,
                "due": date_format(control.due_at, "d M Y"),
            }
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_control(request, control_id: int):
    """GET: the confirmation page (why, and what it means); POST: cancel. Only for whoever opened
    the control and while it is open: for anyone else the page does not exist."""
    principal = request.user
    try:
        control = selectors.control(principal, control_id)
    except NotFound:
        raise Http404("no such page") from None
    if control.opened_by_id != principal.pk or not control.is_open():
        raise Http404("no such page")
    on_cable = control.document.kind == control.document.Kind.CABLE and principal.unit_id is not None
    back = _cable_url(control.document.number) if on_cable else CONTROLS
    if request.method == "POST":
        return perform(
            request,
            CancelForm(request.POST),
            lambda d: services.cancel_control(principal, control.pk, d["reason"]),
            title=_("Cancel control %(control)s") % {"control": control.pk},
            back=back,
            said=_("Control %(control)s on No %(number)s cancelled")
            % {"control": control.pk, "number": control.document.number},
        )
    (control,) = selectors.read_controls(principal, [control])
    return render(request, "cables/cancel_control.html", {"control": control, "form": CancelForm(), "back": back})
