"""The press desk: the announcements waiting in cables, each with its blanks, and their release;
and, on a cable's page, the announcements the cable carries, prepared by its drafter.

The waiting announcements are read through `read_templates` (an audited read of classified
text); "Release" is one call to `releases.services.release`, refused with its message while the
cable's control is not done. Once out, the text is public at /channels/<code>/<number>/.
"""

import re

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from secretariat.kernel.desks import desk, perform, refusal, unit_desk
from secretariat.kernel.errors import InvalidInput, NotFound, ServiceError
from secretariat.kernel.principals import Role
from secretariat.releases import selectors, services

DESK = "/channels/press/"
BLANK = "blank-"
RELEASED_SHOWN = 20


@require_safe
@desk(Role.PRESS_OFFICER)
def press_desk(request):
    principal = request.user
    context = {
        "waiting": selectors.read_templates(principal, pending=True),
        "released": selectors.releases().filter(reviewer=principal)[:RELEASED_SHOWN],
        "blank": BLANK,
    }
    return render(request, "releases/desk/desk.html", context)


@desk(Role.PRESS_OFFICER)
@require_POST
def release(request, template_id: int):
    """From the desk (htmx) the announcement's card becomes the link to what went out; a
    refusal shows in the card, which keeps its form."""
    values = {key.removeprefix(BLANK): value for key, value in request.POST.items() if key.startswith(BLANK)}
    htmx = bool(request.headers.get("HX-Request"))
    try:
        released = services.release(request.user, template_id, values)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        if not htmx:
            return refusal(request, exc, title=_("Release an announcement"), back=DESK)
        response = render(
            request,
            "releases/desk/_refused.html",
            {"message": exc.message},
            status=422 if isinstance(exc, InvalidInput) else 409,
        )
        response["HX-Retarget"] = f"#template-{template_id}-error"
        response["HX-Reswap"] = "innerHTML"
        return response
    if htmx:
        return render(request, "releases/desk/_released.html", {"release": released})
    return redirect(DESK)


class AnnouncementForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=gettext_lazy("Channel"), queryset=selectors.channels(), to_field_name="code", empty_label=None
    )
    title = forms.CharField(label=gettext_lazy("Title"))
    text = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "what the channel will publish; write a blank the press desk fills as {{name}}, e.g. {{date}}"
        ),
    )


def announcements_panel(request, *, cable, drafting: bool) -> str:
    """On a cable's page: the announcements it carries (an audited read), and while it is its
    drafter's draft, the form to prepare one, so that the approval covers it."""
    announcements = selectors.read_templates(request.user, cable=cable.document)
    if not announcements and not drafting:
        return ""
    context = {"cable": cable, "announcements": announcements, "announce": AnnouncementForm() if drafting else None}
    return render_to_string("releases/_cable_announcements.html", context, request=request)


@unit_desk
@require_POST
def announce(request, number: str):
    """The drafter prepares the announcement the cable carries; approval will cover it."""
    return perform(
        request,
        AnnouncementForm(request.POST),
        lambda d: services.prepare_release(
            request.user, number, channel=d["channel"], title=d["title"], text=d["text"]
        ),
        title=_("Prepare an announcement in cable No %(number)s") % {"number": number},
        back=f"/cable-desk/{number}/",
    )


# --- channels: the administrator adds them and their editors ------------------------------------------------

CHANNELS = "/channels/press/channels/"


class EditorsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, principal) -> str:
        return str(principal)


class EditorChoice(forms.ModelChoiceField):
    def label_from_instance(self, principal) -> str:
        return str(principal)


class ChannelForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("lowercase letters, digits and hyphens, e.g. tass: its page is /channels/tass/"),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        help_text=gettext_lazy("e.g. TASS (Telegraph Agency of the Soviet Union)"),
    )
    series = forms.CharField(
        label=gettext_lazy("Series"),
        max_length=20,
        help_text=gettext_lazy("the series its releases are numbered in, e.g. TASS"),
    )
    editors = EditorsChoice(
        label=gettext_lazy("Editors"),
        queryset=selectors.press_officers(),
        to_field_name="username",
        required=False,
        help_text=gettext_lazy("press officers"),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code) or code in services.RESERVED_CODES:
            raise forms.ValidationError(
                _("Enter lowercase letters, digits and hyphens, e.g. tass (not %(reserved)s: that is the press desk)")
                % {"reserved": ", ".join(sorted(services.RESERVED_CODES))}
            )
        return code

    def clean_series(self) -> str:
        series = self.cleaned_data["series"].strip().upper()
        if not re.fullmatch(r"[A-Z][A-Z0-9]{0,19}", series):
            raise forms.ValidationError(_("Enter capital Latin letters and digits, starting with a letter, e.g. TASS"))
        return series


class EditorForm(forms.Form):
    editor = EditorChoice(
        label=gettext_lazy("Editor"),
        queryset=selectors.press_officers(),
        to_field_name="username",
        empty_label=gettext_lazy("Choose a press officer"),
    )


@require_safe
@desk(Role.ADMIN)
def channels_page(request):
    rows = [(c, EditorForm(auto_id=f"editor-{c.code}-%s")) for c in selectors.channels_with_editors()]
    return render(request, "releases/desk/channels.html", {"channels": rows, "form": ChannelForm(auto_id="channel-%s")})


@desk(Role.ADMIN)
@require_POST
def add_channel(request):
    return perform(
        request,
        ChannelForm(request.POST, auto_id="channel-%s"),
        lambda d: services.add_channel(
            request.user, d["code"], d["name"], series=d["series"], editors=list(d["editors"])
        ),
        title=_("Add a channel"),
        back=CHANNELS,
        said=lambda channel: (
            _("Channel %(name)s added at /channels/%(code)s/ (series %(series)s)")
            % {"name": channel.name, "code": channel.code, "series": channel.series}
        ),
    )


@desk(Role.ADMIN)
@require_POST
def add_editor(request, code: str):
    try:
        channel = selectors.channel(code)
    except NotFound:
        raise Http404("no such page") from None

    def act(d):
        services.add_editor(request.user, channel, d["editor"])
        return d["editor"]

    return perform(
        request,
        EditorForm(request.POST, auto_id=f"editor-{code}-%s"),
        act,
        title=_("Add an editor of %(channel)s") % {"channel": channel.name},
        back=CHANNELS,
        said=lambda editor: _("%(editor)s now edits %(channel)s") % {"editor": editor, "channel": channel.name},
    )
