"""The secretary's desk: the bodies whose protocols I keep, their meetings and points, signing,
corrections and extracts. (The cables on a protocol's decisions that wait for my approval are
the cable desk's panel on the protocol's page.)

Pages read through the selectors (a protocol through `read_protocol`, an audited read). Each
form posts to one service and comes back to the page; a refusal shows the service's message
with the form as it was sent, and changes nothing.
"""

import re

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from secretariat.accounts.forms import ClassificationField, picker
from secretariat.accounts.selectors import addressees_by_name, units
from secretariat.decisions import selectors, services
from secretariat.decisions.models import Body
from secretariat.kernel import clock
from secretariat.kernel.cli import listed
from secretariat.kernel.desks import desk, login_required, perform
from secretariat.kernel.errors import NotFound
from secretariat.kernel.labels import choices_shown
from secretariat.kernel.panels import panels
from secretariat.kernel.principals import Role, principal_by_username
from secretariat.kernel.widgets import DayInput, suggested
from secretariat.registry.labels import KIND
from secretariat.registry.models import Document


def _body(principal, prefix: str) -> Body:
    body = selectors.bodies_kept_by(principal).filter(prefix=prefix).first()
    if body is None:
        raise Http404("no such page")
    return body


def _meeting_url(body: Body, number: int) -> str:
    return f"/secretary/{body.prefix}/{number}/"


class MeetingForm(forms.Form):
    number = forms.IntegerField(label=gettext_lazy("Protocol No"))
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DayInput())


class PointForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("Point"), help_text=gettext_lazy("as the body writes it, e.g. X, 12 or 45/III")
    )
    title = forms.CharField(label=gettext_lazy("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.CharField(label=gettext_lazy("Decision"), widget=forms.Textarea(attrs={"rows": 6}))
    classification = ClassificationField()
    addressees = forms.CharField(
        label=gettext_lazy("Addressees"),
        required=False,
        widget=picker("addressees", multiple=True),
        help_text=gettext_lazy("who the decision goes to: type a name and pick; several, separated by commas"),
    )
    approver = forms.CharField(
        label=gettext_lazy("Approver"),
        required=False,
        widget=picker("people"),
        help_text=gettext_lazy("who approves its drafts (default: the secretary)"),
    )


class AttachmentForm(forms.Form):
    identifier = forms.CharField(label=gettext_lazy("Point"))
    title = forms.CharField(label=gettext_lazy("Title"))
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    classification = ClassificationField()
    page_count = forms.IntegerField(label=pgettext_lazy("page count", "Pages"), initial=1)


class CorrectionForm(forms.Form):
    identifier = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.CharField(label=gettext_lazy("Decision"), widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(
        label=gettext_lazy("Reason"), help_text=gettext_lazy("why the signed protocol is corrected")
    )


class ExtractForm(forms.Form):
    identifier = forms.CharField(widget=forms.HiddenInput)
    signatory = forms.CharField(
        label=gettext_lazy("Signatory"), required=False, help_text=gettext_lazy("default: the secretary of the body")
    )


@login_required
@require_safe
def suggest_points(request):
    """A point picker's suggestions (htmx): points of signed protocols the person knows, the latest first."""
    return suggested(request, lambda text: selectors.points_to_cite(request.user, text))


@require_safe
@desk(Role.SECRETARY)
def secretary_desk(request):
    principal = request.user
    bodies = [
        (body, list(selectors.meetings(principal, body).order_by("-number")))
        for body in selectors.bodies_kept_by(principal)
    ]
    form = MeetingForm(initial={"held_on": clock.now().date()})
    return render(request, "decisions/desk.html", {"bodies": bodies, "form": form})


@desk(Role.SECRETARY)
@require_POST
def record_meeting(request, prefix: str):
    body = _body(request.user, prefix)
    return perform(
        request,
        MeetingForm(request.POST),
        lambda d: services.record_meeting(request.user, body, d["number"], d["held_on"]),
        title=_("Record a meeting of %(body)s") % {"body": body},
        back="/secretary/",
        done=lambda meeting: _meeting_url(body, meeting.number),
    )


@require_safe
@desk(Role.SECRETARY)
def meeting_page(request, prefix: str, number: int):
    principal, body = request.user, _body(request.user, prefix)
    try:
        protocol = selectors.read_protocol(principal, body, number)
    except NotFound:
        raise Http404("no such page") from None
    points = []
    for point, attachments in protocol.points:
        version, key = point.current(), f"p{point.pk}-%s"
        points.append(
            {
                "point": point,
                "version": version,
                "attachments": attachments,
                "extracts": selectors.extract_numbers(principal, point),
                "correction": CorrectionForm(
                    initial={"identifier": point.identifier, "title": version.title, "decision": version.decision},
                    auto_id=f"correct-{key}",
                ),
                "extract": ExtractForm(initial={"identifier": point.identifier}, auto_id=f"extract-{key}"),
            }
        )
    context = {
        "body": body,
        "meeting": protocol.meeting,
        "points": points,
        "panels": panels("decisions.protocol", request, body=body, meeting=protocol.meeting),
        "point_form": PointForm(auto_id="point-%s"),
        "attachment_form": AttachmentForm(auto_id="attach-%s"),
    }
    return render(request, "decisions/meeting.html", context)


def _on_meeting(request, prefix: str, number: int, form_class, title, act):
    """An action on one protocol: its body must be one the user keeps; back to the protocol."""
    body = _body(request.user, prefix)
    return perform(
        request,
        form_class(request.POST),
        lambda d: act(body, d),
        title=_("%(action)s: protocol No %(number)s of %(body)s") % {"action": title, "number": number, "body": body},
        back=_meeting_url(body, number),
    )


@desk(Role.SECRETARY)
@require_POST
def record_point(request, prefix: str, number: int):
    def act(body, d):
        return services.record_point(
            request.user,
            body,
            number,
            d["identifier"],
            title=d["title"],
            decision=d["decision"],
            classification=d["classification"],
            addressees=addressees_by_name(listed(d["addressees"])),
            approver=principal_by_username(d["approver"]) if d["approver"] else None,
        )

    return _on_meeting(request, prefix, number, PointForm, _("Record a point"), act)


@desk(Role.SECRETARY)
@require_POST
def attach(request, prefix: str, number: int):
    def act(body, d):
        return services.attach_to_point(
            request.user,
            body,
            number,
            d["identifier"],
            title=d["title"],
            text=d["text"],
            classification=d["classification"],
            page_count=d["page_count"],
        )

    return _on_meeting(request, prefix, number, AttachmentForm, _("Attach a paper"), act)


@desk(Role.SECRETARY)
@require_POST
def sign(request, prefix: str, number: int):
    return _on_meeting(
        request,
        prefix,
        number,
        forms.Form,
        _("Sign"),
        lambda body, d: services.sign_protocol(request.user, body, number),
    )


@desk(Role.SECRETARY)
@require_POST
def correct(request, prefix: str, number: int):
    def act(body, d):
        return services.correct_point(
            request.user, body, number, d["identifier"], title=d["title"], decision=d["decision"], reason=d["reason"]
        )

    return _on_meeting(request, prefix, number, CorrectionForm, _("Correct a point"), act)


@desk(Role.SECRETARY)
@require_POST
def make_extract(request, prefix: str, number: int):
    def act(body, d):
        return services.make_extract(request.user, body, number, d["identifier"], signatory=d["signatory"])

    return _on_meeting(request, prefix, number, ExtractForm, _("Make the extract"), act)


# --- bodies: the administrator sets them up, the registrar registers their papers ------------------------------

BODIES = "/secretary/bodies/"


def _body_url(body: Body) -> str:
    return f"{BODIES}{body.prefix}/"


def _named_body(prefix: str) -> Body:
    try:
        return selectors.body_by_prefix(prefix)
    except NotFound:
        raise Http404("no such page") from None


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, principal) -> str:
        return str(principal)


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, principal) -> str:
        return str(principal)


class BodyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200, help_text=gettext_lazy("e.g. Politburo of the CC CPSU")
    )
    prefix = forms.CharField(
        label=gettext_lazy("Prefix"),
        max_length=8,
        help_text=gettext_lazy("capital Latin letters and digits, e.g. P: its extracts are numbered P46/X"),
    )
    return_days = forms.IntegerField(
        label=gettext_lazy("Return period (days)"),
        min_value=1,
        max_value=3650,
        initial=7,
        help_text=gettext_lazy("how long its papers may be out"),
    )
    registry_unit = forms.ModelChoiceField(
        queryset=units(),
        required=False,
        to_field_name="code",
        label=gettext_lazy("Registry unit"),
        empty_label=gettext_lazy("none"),
        help_text=gettext_lazy("the unit its papers go back to"),
    )
    motto = forms.CharField(
        label=gettext_lazy("Motto"), required=False, help_text=gettext_lazy("the line above the letterhead")
    )
    letterhead = forms.CharField(label=gettext_lazy("Letterhead"), required=False)
    salutation = forms.CharField(
        label=gettext_lazy("Salutation"),
        required=False,
        help_text=gettext_lazy("how its papers address people, e.g. comrades"),
    )

    def clean_prefix(self) -> str:
        prefix = self.cleaned_data["prefix"].strip().upper()
        if not re.fullmatch(r"[A-Z][A-Z0-9]{0,7}", prefix):
            raise forms.ValidationError(
                _("Enter capital Latin letters and digits, starting with a letter, e.g. P or CC2")
            )
        return prefix


class MembersForm(forms.Form):
    members = PeopleChoice(
        queryset=selectors.candidates(),
        to_field_name="username",
        label=gettext_lazy("Members"),
        help_text=gettext_lazy("choose one or more people"),
    )


class SecretaryForm(forms.Form):
    secretary = PersonChoice(
        queryset=selectors.candidates(Role.SECRETARY),
        to_field_name="username",
        label=gettext_lazy("Secretary"),
        empty_label=gettext_lazy("Choose a holder of the secretary role"),
    )


class BodyPaperForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)
    classification = ClassificationField()
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=choices_shown(KIND, Document.Kind.choices), initial=Document.Kind.NOTE
    )
    dated = forms.DateField(
        label=gettext_lazy("Dated"),
        widget=DayInput(),
        help_text=gettext_lazy("e.g. 18 02 1977"),
    )
    number = forms.CharField(
        label=gettext_lazy("Number"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("e.g. P46/X; leave empty for the next R number"),
    )
    page_count = forms.IntegerField(label=pgettext_lazy("page count", "Pages"), min_value=1, initial=1)
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    people = PeopleChoice(
        queryset=selectors.candidates(),
        to_field_name="username",
        required=False,
        label=gettext_lazy("Distribution: people"),
    )
    units = forms.ModelMultipleChoiceField(
        queryset=units(), required=False, to_field_name="code", label=gettext_lazy("Distribution: units and posts")
    )


@require_safe
@desk(Role.ADMIN, Role.REGISTRAR)
def bodies_page(request):
    admin = request.user.has_role(Role.ADMIN)
    context = {"bodies": selectors.bodies(), "form": BodyForm(auto_id="body-%s") if admin else None}
    return render(request, "decisions/bodies.html", context)


@desk(Role.ADMIN)
@require_POST
def add_body(request):
    def act(d):
        return services.add_body(
            request.user,
            d["name"],
            d["prefix"],
            return_days=d["return_days"],
            registry_unit=d["registry_unit"],
            motto=d["motto"],
            letterhead=d["letterhead"],
            salutation=d["salutation"],
        )

    return perform(
        request,
        BodyForm(request.POST, auto_id="body-%s"),
        act,
        title=_("Add a body"),
        back=BODIES,
        done=_body_url,
        said=lambda body: (
            _("Body %(name)s added (prefix %(prefix)s): now appoint its secretary and members")
            % {"name": body.name, "prefix": body.prefix}
        ),
    )


@require_safe
@desk(Role.ADMIN, Role.REGISTRAR)
def body_page(request, prefix: str):
    body, principal = _named_body(prefix), request.user
    admin = principal.has_role(Role.ADMIN)
    context = {
        "body": body,
        "members": sorted(body.members.all(), key=str),
        "members_form": MembersForm(auto_id="members-%s") if admin else None,
        "secretary_form": SecretaryForm(auto_id="secretary-%s") if admin else None,
        "paper_form": BodyPaperForm(auto_id="paper-%s", initial={"dated": clock.now().date()})
        if principal.has_role(Role.REGISTRAR)
        else None,
    }
    return render(request, "decisions/body.html", context)


@desk(Role.ADMIN)
@require_POST
def add_members(request, prefix: str):
    body = _named_body(prefix)

    def act(d):
        services.add_members(request.user, body, list(d["members"]))
        return d["members"]

    return perform(
        request,
        MembersForm(request.POST, auto_id="members-%s"),
        act,
        title=_("Add members to %(body)s") % {"body": body},
        back=_body_url(body),
        said=lambda people: (
            _("Added to %(body)s: %(people)s") % {"body": body.name, "people": ", ".join(str(p) for p in people)}
        ),
    )


@desk(Role.ADMIN)
@require_POST
def appoint_secretary(request, prefix: str):
    body = _named_body(prefix)
    return perform(
        request,
        SecretaryForm(request.POST, auto_id="secretary-%s"),
        lambda d: services.appoint_secretary(request.user, body, d["secretary"]),
        title=_("Appoint the secretary of %(body)s") % {"body": body},
        back=_body_url(body),
        said=lambda body: (
            _("%(secretary)s appointed secretary of %(body)s") % {"secretary": body.secretary, "body": body.name}
        ),
    )


@desk(Role.REGISTRAR)
@require_POST
def register_body_paper(request, prefix: str):
    body = _named_body(prefix)

    def act(d):
        return services.register_body_paper(
            request.user,
            body,
            number=d["number"].strip() or None,
            title=d["title"],
            classification=d["classification"],
            kind=d["kind"],
            dated=d["dated"],
            page_count=d["page_count"],
            text=d["text"],
            distribution=[*d["people"], *d["units"]],
        )

    return perform(
        request,
        BodyPaperForm(request.POST, auto_id="paper-%s"),
        act,
        title=_("Register a paper of %(body)s") % {"body": body},
        back=_body_url(body),
        done=lambda document: f"/registry/{document.number}/",
        said=lambda document: (
            _("No %(number)s registered as a paper of %(body)s") % {"number": document.number, "body": body.name}
        ),
    )
