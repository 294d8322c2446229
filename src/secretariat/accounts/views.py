"""Login: password (argon2id, throttled by django-axes), then a TOTP second factor for anyone
cleared SECRET or above. Activation: with the one-time code an officer handed over, the person
sets their own password and, right then, enrols their authenticator (never at a plain login)."""

import base64

import segno
from django import forms
from django.contrib import auth, messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import user_has_device

from secretariat.accounts import forms as forms_
from secretariat.accounts import presenters, selectors, services
from secretariat.accounts.labels import REQUEST
from secretariat.accounts.models import AccessRequest
from secretariat.kernel.classification import Level
from secretariat.kernel.desks import desk, login_required, needs_second_factor, perform, refusal
from secretariat.kernel.errors import NotFound, Refused, ServiceError
from secretariat.kernel.labels import shown
from secretariat.kernel.principals import OFFICERS, Role
from secretariat.kernel.widgets import suggested


def _next(request, default: str = "/in-tray/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return target


@require_http_methods(["GET", "POST"])
def login(request):
    error = None
    if request.method == "POST":
        username = request.POST.get("username", "")
        principal = (
            None  # no username holds NUL, and PostgreSQL would refuse the lookup
            if "\x00" in username
            else auth.authenticate(request, username=username, password=request.POST.get("password", ""))
        )
        if principal is not None and principal.is_active:
            services.log_in(request, principal)
            if needs_second_factor(principal):
                return redirect(f"/login/second-factor/?next={_next(request)}")
            return redirect(_next(request))
        error = _("Wrong username or password, or too many attempts: wait and try again.")
    return render(
        request, "accounts/login.html", {"error": error, "next": _next(request)}, status=400 if error else 200
    )


@require_http_methods(["GET", "POST"])
def second_factor(request):
    principal = request.user
    if not principal.is_authenticated:
        return redirect("/login/")
    if not needs_second_factor(principal) or principal.is_verified():
        return redirect(_next(request))
    error = None
    if user_has_device(principal):
        if request.method == "POST":
            if services.pass_second_factor(request, principal, request.POST.get("token", "").strip()):
                return redirect(_next(request))
            error = _("That code is not right. Codes change every 30 seconds.")
        return render(request, "accounts/second_factor.html", {"error": error, "next": _next(request)})
    try:
        device = services.enrol_totp(principal)
    except Refused as exc:
        return render(request, "accounts/no_authenticator.html", {"message": exc.message}, status=403)
    if request.method == "POST":
        if services.confirm_totp(principal, device, request.POST.get("token", "").strip(), request):
            return redirect(_next(request))
        error = _("That code is not right. Check the authenticator's clock and try the next code.")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    return render(
        request,
        "accounts/enrol.html",
        {"error": error, "next": _next(request), "qr": qr, "secret": _base32(device.bin_key)},
    )


def _base32(key: bytes) -> str:
    """The key as authenticator apps take it when typed in."""
    return base64.b32encode(key).decode().rstrip("=")


@require_http_methods(["GET", "POST"])
def activate(request):
    """Redeem an activation code: set your own password; then enrol your authenticator."""
    error, values = None, {"username": request.GET.get("username", "")}
    if request.method == "POST":
        values = {"username": request.POST.get("username", "").strip()}
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            error = _("The two passwords differ: type the same one twice.")
        else:
            try:
                principal = services.activate(values["username"], request.POST.get("code", ""), password)
            except ServiceError as exc:
                error = exc.message
            else:
                services.log_in(request, principal)
                return redirect("/login/second-factor/" if needs_second_factor(principal) else "/in-tray/")
    return render(request, "accounts/activate.html", {"error": error, **values}, status=422 if error else 200)


@require_POST
def logout(request):
    services.log_out(request)
    return redirect("/login/")


# The officers' desk: requests for access, asked by an administrator, decided by a second officer
# (whose session, past its second factor, is the proof of who approves).

officers_desk = desk(*OFFICERS)
ACCESS_DESK = "/access/"


class PrincipalRequestForm(forms.Form):
    username = forms.CharField(max_length=150, label=gettext_lazy("Username"))
    first_name = forms.CharField(required=False, max_length=150, label=gettext_lazy("First name"))
    last_name = forms.CharField(required=False, max_length=150, label=gettext_lazy("Last name"))
    email = forms.EmailField(required=False, label=pgettext_lazy("a principal's", "Email"))
    clearance = forms.ChoiceField(
        label=gettext_lazy("Clearance"),
        choices=[(level.label, level.label) for level in Level],
        initial=Level.UNCLASSIFIED.label,
    )
    compartments = forms.CharField(
        required=False,
        label=gettext_lazy("Compartments"),
        help_text=gettext_lazy("codes, separated by commas, e.g. SPECIAL FILE"),
    )
    roles = forms.MultipleChoiceField(
        choices=forms_.ROLE_CHOICES,
        required=False,
        label=gettext_lazy("Roles"),
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ChoiceField(required=False, label=gettext_lazy("Unit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("none"))] + [(u.code, f"{u.name} ({u.code})") for u in selectors.units()]


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=500, label=gettext_lazy("Reason"))


@require_safe
@officers_desk
def access_desk(request):
    principal = request.user
    pending = selectors.access_requests(principal)
    decided = (
        selectors.access_requests(principal, pending_only=False).exclude(state="pending").order_by("-decided_at")[:20]
    )

    context = {
        "pending": pending,
        "decided": decided,
        "form": PrincipalRequestForm() if principal.has_role(Role.ADMIN) else None,
        "reject_form": RejectForm(),
    }
    return render(request, "accounts/access_desk.html", context)


@require_POST
@officers_desk
def request_principal(request):
    form = PrincipalRequestForm(request.POST)

    def ask(d):
        return services.request_principal(
            request.user,
            d["username"],
            clearance=d["clearance"],
            compartments=[c.strip() for c in d["compartments"].split(",") if c.strip()],
            roles=d["roles"],
            unit=d["unit"] or None,
            first_name=d["first_name"],
            last_name=d["last_name"],
            email=d["email"],
        )

    return perform(
        request,
        form,
        ask,
        title=_("The request was not made"),
        back=ACCESS_DESK,
        said=lambda r: (
            _("Request %(id)s for a new principal %(username)s made: another officer approves it here.")
            % {"id": r.pk, "username": r.username}
        ),
    )


@require_POST
@officers_desk
def approve(request, request_id: int):
    """Approved: the page shows the activation code, once, for the officer to hand over."""
    try:
        approved = services.approve(request.user, request_id)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        return refusal(request, exc, title=_("Not approved"), back=ACCESS_DESK)
    data = presenters.approved_json(approved)
    expires_at = approved.activation.expires_at if approved.activation else None
    response = render(request, "accounts/approved.html", {"approved": data, "expires_at": expires_at})
    response["Cache-Control"] = "no-store"  # the code is shown once: no copy in a cache
    return response


@require_POST
@officers_desk
def reject(request, request_id: int):
    return perform(
        request,
        RejectForm(request.POST),
        lambda d: services.reject(request.user, request_id, d["reason"]),
        title=_("Not turned down"),
        back=ACCESS_DESK,
        said=lambda r: (
            _("Request %(id)s (%(kind)s for %(username)s) turned down.")
            % {"id": r.pk, "kind": shown(REQUEST, r.get_kind_display()), "username": r.username}
        ),
    )


# Principals, units and compartments: the officers' lists, a principal's page and the actions on it. What
# grants access (a raise, roles, a reset) is a request another officer approves on the access desk.

PAGE_SIZE = 50


def _principal_page(username: str) -> str:
    return reverse("access-principal", args=[username])


def _by_name(principal) -> str:
    return principal.get_full_name() or principal.username


@require_safe
@officers_desk
def principals(request):
    search = forms_.SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(selectors.principals_matching(request.user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"search": search, "query": query, "page": page, "admin": request.user.has_role(Role.ADMIN)}
    return render(request, "accounts/principals.html", context)


@require_safe
@officers_desk
def principal(request, username: str):
    try:
        shown = selectors.principal_for_officer(request.user, username)
    except NotFound:
        raise Http404("no such page") from None
    may_act = request.user.has_role(Role.ADMIN) and shown.pk != request.user.pk and shown.is_active
    context = {
        "shown": shown,
        "pending": selectors.pending_requests_for(shown),
        "may_act": may_act,
        "clearance_form": forms_.ClearanceForm(principal=shown) if may_act else None,
        "roles_form": forms_.RolesForm(principal=shown) if may_act else None,
    }
    return render(request, "accounts/principal.html", context)


def _target(request, username: str):
    try:
        return selectors.principal_for_officer(request.user, username)
    except NotFound:
        raise Http404("no such page") from None


def _clearance_said(result) -> str:
    if isinstance(result, AccessRequest):
        return _(
            "Request %(id)s to give %(name)s %(asked)s made: "
            "it takes effect when another officer approves it on the access desk."
        ) % {"id": result.pk, "name": _by_name(result.principal), "asked": result.asked}
    return _("%(name)s's clearance is now %(classification)s.") % {
        "name": _by_name(result),
        "classification": result.classification,
    }


@require_POST
@officers_desk
def change_clearance(request, username: str):
    shown = _target(request, username)
    form = forms_.ClearanceForm(request.POST)
    return perform(
        request,
        form,
        lambda d: services.change_clearance(
            request.user, shown, clearance=d["clearance"], compartments=d["compartments"]
        ),
        title=_("The clearance was not changed"),
        back=_principal_page(shown.username),
        said=_clearance_said,
    )


@require_POST
@officers_desk
def grant_roles(request, username: str):
    shown = _target(request, username)
    return perform(
        request,
        forms_.RolesForm(request.POST, principal=shown),
        lambda d: services.grant_roles(request.user, shown, d["roles"]),
        title=_("No roles were asked for"),
        back=_principal_page(shown.username),
        said=lambda r: (
            _(
                "Request %(id)s to grant %(name)s the %(asked)s made: "
                "it takes effect when another officer approves it on the access desk."
            )
            % {"id": r.pk, "name": _by_name(shown), "asked": r.asked}
        ),
    )


@require_POST
@officers_desk
def request_reset(request, username: str):
    shown = _target(request, username)
    return perform(
        request,
        forms_.ResetForm(request.POST),
        lambda d: services.request_reset(request.user, shown),
        title=_("No reset was asked for"),
        back=_principal_page(shown.username),
        said=lambda r: (
            _(
                "Request %(id)s to reset %(name)s's password and authenticator made: another officer "
                "approves it on the access desk and hands over the new activation code."
            )
            % {"id": r.pk, "name": _by_name(shown)}
        ),
    )


@require_http_methods(["GET", "POST"])
@officers_desk
def deactivate(request, username: str):
    """A confirmation page that says what deactivating does; the POST, confirmed, deactivates."""
    shown = _target(request, username)
    back = _principal_page(shown.username)
    if request.method == "GET":
        form = forms_.DeactivateForm()
        return render(request, "accounts/deactivate.html", {"shown": shown, "form": form, "back": back})
    form = forms_.DeactivateForm(request.POST)
    if not form.is_valid():
        context = {"shown": shown, "form": form, "back": back}
        return render(request, "accounts/deactivate.html", context, status=422)
    return perform(
        request,
        form,
        lambda d: services.deactivate(request.user, shown, d["reason"]),
        title=_("The account was not deactivated"),
        back=back,
        said=lambda p: _("%(name)s deactivated: they can no longer log in, read or act.") % {"name": _by_name(p)},
    )


@require_http_methods(["GET", "POST"])
@officers_desk
def units(request):
    admin = request.user.has_role(Role.ADMIN)
    if request.method == "POST":
        return perform(
            request,
            forms_.UnitForm(request.POST),
            lambda d: services.add_unit(request.user, d["code"], d["name"], post=d["kind"] == "post"),
            title=_("The unit was not added"),
            back=reverse("access-units"),
            said=lambda u: (
                (_("Post %(name)s (%(code)s) added.") if u.kind == "post" else _("Unit %(name)s (%(code)s) added."))
                % {"name": u.name, "code": u.code}
            ),
        )
    context = {"units": selectors.units_with_members(), "form": forms_.UnitForm() if admin else None}
    return render(request, "accounts/units.html", context)


@require_http_methods(["GET", "POST"])
@officers_desk
def compartments(request):
    admin = request.user.has_role(Role.ADMIN)
    if request.method == "POST":
        return perform(
            request,
            forms_.CompartmentForm(request.POST),
            lambda d: services.add_compartment(request.user, d["code"], d["name"]),
            title=_("The compartment was not added"),
            back=reverse("access-compartments"),
            said=lambda c: _("Compartment %(code)s added; you hold it, and may now grant it.") % {"code": c.code},
        )
    context = {
        "compartments": selectors.compartments_with_holders(),
        "form": forms_.CompartmentForm() if admin else None,
    }
    return render(request, "accounts/compartments.html", context)


# API tokens: anyone logged in lists, issues and revokes their own. Issuing asks for the password again, as
# the command line does (a session left open is not enough to mint a credential that outlives it).

TOKENS = "/access/tokens/"


@require_http_methods(["GET", "POST"])
@login_required
def tokens(request):
    if request.method == "POST":
        form = forms_.TokenIssueForm(request.POST, principal=request.user)
        if form.is_valid():
            try:
                issued = services.issue_token(request.user, form.cleaned_data["name"])
            except ServiceError as exc:
                return refusal(request, exc, title=_("No token was issued"), back=TOKENS)
            messages.success(
                request,
                _("Token %(prefix)s… (%(name)s) issued.") % {"prefix": issued.token.prefix, "name": issued.token.name},
            )
            response = render(request, "accounts/token_issued.html", {"issued": issued})
            response["Cache-Control"] = "no-store"  # the secret is shown once: no copy in a cache
            return response
        status = 422
    else:
        form, status = forms_.TokenIssueForm(principal=request.user), 200
    context = {"tokens": selectors.own_tokens(request.user), "form": form}
    return render(request, "accounts/tokens.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def revoke_token(request, token_id: int):
    try:
        token = selectors.own_token(request.user, token_id)
    except NotFound:
        raise Http404("no such page") from None
    if request.method == "GET" or token.is_revoked:
        form = forms_.RevokeForm()
    else:
        form = forms_.RevokeForm(request.POST)
        if form.is_valid():
            return perform(
                request,
                form,
                lambda d: services.revoke_token(request.user, token.pk),
                title=_("The token was not revoked"),
                back=TOKENS,
                said=lambda t: (
                    _("Token %(prefix)s… (%(name)s) revoked: it no longer works.")
                    % {"prefix": t.prefix, "name": t.name}
                ),
            )
    status = 422 if form.is_bound else 200
    return render(request, "accounts/revoke_token.html", {"token": token, "form": form}, status=status)


@login_required
@require_safe
def suggest(request):
    """A people, unit or post picker's suggestions (htmx), by login, code or name: nothing until something is typed."""
    kind = request.GET.get("kind", "")
    if kind not in selectors.SUGGESTION_KINDS:
        raise Http404("no such kind of suggestion")
    return suggested(request, lambda text: selectors.suggestions(text, kind) if text else [])
