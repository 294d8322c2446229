"""Login: password (argon2id, throttled by django-axes), then a TOTP second factor for anyone
cleared SECRET or above. Activation: with the one-time code an officer handed over, the person
sets their own password and, right then, enrols their authenticator (never at a plain login)."""

import base64

import segno
from django import forms
from django.contrib import auth
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import user_has_device

from secretariat.accounts import presenters, selectors, services
from secretariat.kernel.classification import Level
from secretariat.kernel.desks import desk, needs_second_factor, perform, refusal
from secretariat.kernel.errors import NotFound, Refused, ServiceError
from secretariat.kernel.principals import OFFICERS, Role


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
        error = "Wrong username or password, or too many attempts: wait and try again."
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
            error = "That code is not right. Codes change every 30 seconds."
        return render(request, "accounts/second_factor.html", {"error": error, "next": _next(request)})
    try:
        device = services.enrol_totp(principal)
    except Refused as exc:
        return render(request, "accounts/no_authenticator.html", {"message": exc.message}, status=403)
    if request.method == "POST":
        if services.confirm_totp(principal, device, request.POST.get("token", "").strip(), request):
            return redirect(_next(request))
        error = "That code is not right. Check the authenticator's clock and try the next code."
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
            error = "The two passwords differ: type the same one twice."
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
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(required=False, max_length=150)
    last_name = forms.CharField(required=False, max_length=150)
    email = forms.EmailField(required=False)
    clearance = forms.ChoiceField(
        choices=[(level.label, level.label) for level in Level], initial=Level.UNCLASSIFIED.label
    )
    compartments = forms.CharField(required=False, help_text="codes, separated by commas, e.g. SPECIAL FILE")
    roles = forms.MultipleChoiceField(
        choices=[(r.value, r.label) for r in Role if r not in OFFICERS] + [(r.value, r.label) for r in OFFICERS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "none")] + [(u.code, f"{u.name} ({u.code})") for u in selectors.units()]


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=500)


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

    return perform(request, form, ask, title="The request was not made", back=ACCESS_DESK)


@require_POST
@officers_desk
def approve(request, request_id: int):
    """Approved: the page shows the activation code, once, for the officer to hand over."""
    try:
        approved = services.approve(request.user, request_id)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        return refusal(request, exc, title="Not approved", back=ACCESS_DESK)
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
        title="Not turned down",
        back=ACCESS_DESK,
    )
