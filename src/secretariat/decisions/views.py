"""The secretary's desk: the bodies whose protocols I keep, their meetings and points, signing,
corrections and extracts. (The cables on a protocol's decisions that wait for my approval are
the cable desk's panel on the protocol's page.)

Pages read through the selectors (a protocol through `read_protocol`, an audited read). Each
form posts to one service and comes back to the page; a refusal shows the service's message
with the form as it was sent, and changes nothing.
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from secretariat.accounts.selectors import addressees_by_name
from secretariat.decisions import selectors, services
from secretariat.decisions.models import Body
from secretariat.kernel import clock
from secretariat.kernel.cli import listed
from secretariat.kernel.desks import CLASSIFICATION_HELP, classification, desk, perform
from secretariat.kernel.errors import NotFound
from secretariat.kernel.panels import panels
from secretariat.kernel.principals import Role, principal_by_username


def _body(principal, prefix: str) -> Body:
    body = selectors.bodies_kept_by(principal).filter(prefix=prefix).first()
    if body is None:
        raise Http404("no such page")
    return body


def _meeting_url(body: Body, number: int) -> str:
    return f"/secretary/{body.prefix}/{number}/"


class MeetingForm(forms.Form):
    number = forms.IntegerField(label="Protocol No")
    held_on = forms.DateField(label="Held on", widget=forms.DateInput(attrs={"type": "date"}))


class PointForm(forms.Form):
    identifier = forms.CharField(label="Point", help_text="as the body writes it, e.g. X, 12 or 45/III")
    title = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    classification = forms.CharField(help_text=CLASSIFICATION_HELP)
    addressees = forms.CharField(
        required=False, help_text="who the decision goes to: usernames, or unit:CODE, separated by commas"
    )
    approver = forms.CharField(required=False, help_text="username of who approves its drafts (default: the secretary)")


class AttachmentForm(forms.Form):
    identifier = forms.CharField(label="Point")
    title = forms.CharField()
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    classification = forms.CharField(help_text=CLASSIFICATION_HELP)
    page_count = forms.IntegerField(label="Pages", initial=1)


class CorrectionForm(forms.Form):
    identifier = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    reason = forms.CharField(help_text="why the signed protocol is corrected")


class ExtractForm(forms.Form):
    identifier = forms.CharField(widget=forms.HiddenInput)
    signatory = forms.CharField(required=False, help_text="default: the secretary of the body")


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
        title=f"Record a meeting of {body}",
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


def _on_meeting(request, prefix: str, number: int, form_class, title: str, act):
    """An action on one protocol: its body must be one the user keeps; back to the protocol."""
    body = _body(request.user, prefix)
    return perform(
        request,
        form_class(request.POST),
        lambda d: act(body, d),
        title=f"{title}: protocol No {number} of {body}",
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
            classification=classification(d["classification"]),
            addressees=addressees_by_name(listed(d["addressees"])),
            approver=principal_by_username(d["approver"]) if d["approver"] else None,
        )

    return _on_meeting(request, prefix, number, PointForm, "Record a point", act)


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
            classification=classification(d["classification"]),
            page_count=d["page_count"],
        )

    return _on_meeting(request, prefix, number, AttachmentForm, "Attach a paper", act)


@desk(Role.SECRETARY)
@require_POST
def sign(request, prefix: str, number: int):
    return _on_meeting(
        request, prefix, number, forms.Form, "Sign", lambda body, d: services.sign_protocol(request.user, body, number)
    )


@desk(Role.SECRETARY)
@require_POST
def correct(request, prefix: str, number: int):
    def act(body, d):
        return services.correct_point(
            request.user, body, number, d["identifier"], title=d["title"], decision=d["decision"], reason=d["reason"]
        )

    return _on_meeting(request, prefix, number, CorrectionForm, "Correct a point", act)


@desk(Role.SECRETARY)
@require_POST
def make_extract(request, prefix: str, number: int):
    def act(body, d):
        return services.make_extract(request.user, body, number, d["identifier"], signatory=d["signatory"])

    return _on_meeting(request, prefix, number, ExtractForm, "Make the extract", act)
