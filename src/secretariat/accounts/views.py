"""Login: password (argon2id, throttled by django-axes), then a TOTP second factor for anyone
cleared SECRET or above; enrolment of the authenticator at the first such login."""

import base64

import segno
from django.contrib import auth
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from secretariat.accounts import services
from secretariat.kernel.desks import needs_second_factor


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
        principal = auth.authenticate(
            request, username=request.POST.get("username", ""), password=request.POST.get("password", "")
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
    device = services.enrol_totp(principal)
    if request.method == "POST":
        if services.confirm_totp(request, principal, device, request.POST.get("token", "").strip()):
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


@require_POST
def logout(request):
    services.log_out(request)
    return redirect("/login/")
