"""The forms of the officers' desk and of the token desk: pick from what exists (levels, compartments, roles,
kinds of unit), and say next to the field what is wrong."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from secretariat.accounts import selectors, services
from secretariat.accounts.labels import ROLE
from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.errors import Refused
from secretariat.kernel.labels import shown
from secretariat.kernel.principals import OFFICERS, Role
from secretariat.kernel.widgets import SuggestInput

LEVEL_CHOICES = [(level.label, level.label) for level in Level]
ROLE_CHOICES = [(r.value, lazy(shown, str)(ROLE, r.label)) for r in Role if r not in OFFICERS] + [
    (r.value, lazy(shown, str)(ROLE, r.label)) for r in OFFICERS
]


def picker(kind: str, *, multiple: bool = False, **attrs) -> SuggestInput:
    """A text input suggesting people, units or posts by name as the person types (`selectors.SUGGESTION_KINDS`)."""
    return SuggestInput(f"/access/suggest/?kind={kind}", multiple=multiple, attrs=attrs)


class ClassificationPicker(forms.Widget):
    """A marking picked, not typed: the level from a select, the compartments from the configured ones as boxes to
    tick. A marking written out in full under the field's own name (as a script posts it) is taken too."""

    template_name = "accounts/widgets/classification.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        try:
            chosen = Classification.parse(str(value)) if value else None
        except ValueError:
            chosen = None
        context["widget"].update(
            levels=[level.label for level in Level],
            level=chosen.level.label if chosen else "",
            compartments=[(c.code, c.name) for c in selectors.compartments()],
            chosen=sorted(chosen.compartments) if chosen else [],
        )
        return context

    def value_from_datadict(self, data, files, name):
        if data.get(name):
            return data[name]
        level = data.get(f"{name}_level", "")
        return "//".join([level, *data.getlist(f"{name}_compartments")]) if level else ""

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_level" not in data


class ClassificationField(forms.CharField):
    """A paper's marking (TOP SECRET//SPECIAL FILE), picked, cleaned to a Classification; None if left blank."""

    widget = ClassificationPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Classification"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return Classification.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=150, label=_("Name or username"))


class ClearanceForm(forms.Form):
    clearance = forms.ChoiceField(choices=LEVEL_CHOICES, label=pgettext_lazy("clearance", "Level"))
    compartments = forms.MultipleChoiceField(
        required=False, label=_("Compartments"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, principal=None, **kwargs):
        if principal is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "clearance": Level(principal.clearance).label,
                "compartments": [c.code for c in principal.compartments.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["compartments"].choices = [
            (c.code, f"{c.code} ({c.name})" if c.name else c.code) for c in selectors.compartments()
        ]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        label=_("Roles"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one role to ask for.")},
    )

    def __init__(self, *args, principal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if principal is not None:
            held = principal.role_codes
            self.fields["roles"].choices = [(value, label) for value, label in ROLE_CHOICES if value not in held]


class ResetForm(forms.Form):
    """Nothing to fill in: the request names its principal in the address."""


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label=_("Why is the account deactivated?"),
        error_messages={"required": _("Say why the account is deactivated, e.g. 'left the service'.")},
    )
    confirm = forms.BooleanField(
        label=_("Yes, deactivate: they can no longer log in, read or act"),
        error_messages={"required": _("Tick the box to confirm the deactivation.")},
    )


class UnitForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[a-z0-9][a-z0-9-]{0,59}$",
        max_length=60,
        help_text=_("lowercase letters, digits and hyphens, e.g. gd-2"),
        error_messages={"invalid": _("Enter a code of lowercase letters, digits and hyphens, like gd-2.")},
    )
    name = forms.CharField(max_length=200, label=_("Name"), help_text=_("e.g. Second European Department"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("unit", _("a unit at home (a department, a sector)")), ("post", _("a post abroad or in the field"))],
        initial="unit",
        widget=forms.RadioSelect,
    )


class CompartmentForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*[A-Za-z][A-Za-z0-9 -]{0,39}\s*$",
        max_length=40,
        help_text=_("capital letters, digits, spaces or hyphens, starting with a letter, e.g. SPECIAL FILE"),
        error_messages={"invalid": _("Enter a code that starts with a letter, like SPECIAL FILE.")},
    )
    name = forms.CharField(required=False, max_length=200, label=_("Name"))


class TokenIssueForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"), help_text=_("what the token is for, e.g. reporting script"))
    password = forms.CharField(
        widget=forms.PasswordInput,
        label=_("Your password"),
        help_text=_("to prove it is you who asks: a token acts as you"),
    )

    def __init__(self, *args, principal, **kwargs):
        super().__init__(*args, **kwargs)
        self.principal = principal

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            services.prove_identity(self.principal, password)
        except Refused:
            raise forms.ValidationError(_("That is not your password: enter the one you log in with.")) from None
        return password


class RevokeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, revoke it: whatever uses it stops working at once"),
        error_messages={"required": _("Tick the box to confirm the revocation.")},
    )
