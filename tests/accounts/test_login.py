"""Login in the browser's terms: password, throttling, the second factor for SECRET and up, sessions."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.accounts import services as accounts
from secretariat.audit.models import AuditEvent
from tests.cli import run

PASSWORD = "a long enough pass phrase"


def approved(admin, security_officer, username, clearance):
    """A new principal, two officers later: the activation code to hand over."""
    request = accounts.request_principal(admin, username, clearance=clearance)
    return accounts.approve(security_officer, request.pk).activation.code


@pytest.fixture
def people(admin, security_officer, settings):
    """A clerk and a minister, each activated with their code (the minister's authenticator not yet enrolled)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clerk = accounts.activate("clerk", approved(admin, security_officer, "clerk", "CONFIDENTIAL"), PASSWORD)
    gromyko = accounts.activate("gromyko", approved(admin, security_officer, "gromyko", "TOP SECRET"), PASSWORD)
    return clerk, gromyko


def log_in(client, username, password=PASSWORD, next_="/in-tray/"):
    return client.post("/login/", {"username": username, "password": password, "next": next_})


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_confidential_principal_logs_in_with_a_password_and_gets_a_new_session(client, people):
    client.get("/login/")
    before = client.session.session_key
    response = log_in(client, "clerk")
    assert response.status_code == 302 and response["Location"] == "/in-tray/"
    assert client.session.session_key != before
    page = client.get("/in-tray/")
    assert page.status_code == 200 and b"In-tray" in page.content and b"You hold no copies." in page.content


def test_a_wrong_password_is_one_clear_message_and_no_session(client, people):
    response = log_in(client, "clerk", "wrong")
    assert response.status_code == 400 and b"Wrong username or password" in response.content
    assert client.get("/in-tray/")["Location"] == "/login/?next=/in-tray/"


def test_secret_and_above_enrol_an_authenticator_at_activation_then_need_its_code(
    client, admin, security_officer, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    activation = approved(admin, security_officer, "gromyko", "TOP SECRET")
    form = client.get("/activate/")
    assert form.status_code == 200 and b"Activate your account" in form.content
    mismatch = {"username": "gromyko", "code": activation, "password": PASSWORD, "password2": PASSWORD + "!"}
    assert b"The two passwords differ" in client.post("/activate/", mismatch).content
    wrong = client.post("/activate/", {**mismatch, "code": "AAAAA-AAAAA-AAAAA-AAAAA", "password2": PASSWORD})
    assert wrong.status_code == 422 and b"wrong, used or expired" in wrong.content
    response = client.post("/activate/", {**mismatch, "password2": PASSWORD})
    assert response["Location"] == "/login/second-factor/"
    gromyko = accounts.Principal.objects.get(username="gromyko")
    assert client.get("/in-tray/")["Location"] == "/login/second-factor/?next=/in-tray/"
    page = client.get("/login/second-factor/")
    assert b"<svg" in page.content and b"Set up your authenticator" in page.content
    device = TOTPDevice.objects.get(user=gromyko)
    wrong = client.post("/login/second-factor/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert b"That code is not right" in wrong.content
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1  # django-otp backs off after a failure
    device.throttle_reset()  # rather than wait out the back-off
    assert client.post("/login/second-factor/", {"token": code(device), "next": "/in-tray/"})["Location"] == "/in-tray/"
    assert client.get("/in-tray/").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=gromyko).values_list("action", flat=True))
    assert actions == [
        "principal.activated",
        "principal.logged_in",
        "principal.totp_enrolment_started",
        "principal.totp_confirmed",
    ]

    again = Client()
    log_in(again, "gromyko")
    page = again.get("/login/second-factor/")
    assert b"Six-digit code" in page.content and b"<svg" not in page.content  # enrolled: no new key shown
    device.refresh_from_db()
    device.last_t = -1  # a code may be used once; the test reuses this 30-second window
    device.save()
    assert again.post("/login/second-factor/", {"token": code(device)})["Location"] == "/in-tray/"
    again.post("/logout/")
    actions = list(AuditEvent.objects.filter(actor=gromyko).values_list("action", flat=True))
    assert actions[4:] == ["principal.logged_in", "principal.second_factor_passed", "principal.logged_out"]


def test_a_password_alone_enrols_no_authenticator(client, people):
    """Whoever knows a password but was not there at the activation meets no enrolment page."""
    _, gromyko = people
    with accounts.clock.frozen(accounts.clock.now() + accounts.ENROLMENT_WINDOW * 2):
        log_in(client, "gromyko")
        page = client.get("/login/second-factor/")
    assert page.status_code == 403 and b"No authenticator for this account" in page.content
    assert b"<svg" not in page.content and not TOTPDevice.objects.filter(user=gromyko).exists()


def test_five_failures_lock_the_username_out_even_with_the_right_password(client, people):
    for _ in range(5):
        log_in(client, "clerk", "wrong")
    response = log_in(client, "clerk")
    assert response.status_code in (400, 403, 429)
    assert client.get("/in-tray/").status_code == 302


def test_forms_need_their_csrf_token(people):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "clerk", "password": PASSWORD}).status_code == 403


def test_sessions_end_after_thirty_idle_minutes(client, people, settings, monkeypatch):
    """Working on keeps the session; 30 idle minutes end it. It is saved at most once a minute, not per request."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    log_in(client, "clerk")
    assert client.get("/in-tray/").status_code == 200
    for minutes in range(20, 121, 20):  # a page every 20 minutes for two hours: still in
        monkeypatch.setattr(timezone, "now", lambda minutes=minutes: start + dt.timedelta(minutes=minutes))
        assert client.get("/in-tray/").status_code == 200, minutes
    with CaptureQueriesContext(connection) as seconds_later:  # within the minute: the session is not written
        assert client.get("/in-tray/").status_code == 200
    assert not [q for q in seconds_later.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=120 + 30, seconds=1))
    assert client.get("/in-tray/")["Location"].startswith("/login/")  # 30 idle minutes: logged out


def test_an_open_redirect_is_not_followed(client, people):
    assert log_in(client, "clerk", next_="https://evil.example/")["Location"] == "/in-tray/"


@pytest.mark.slow
@pytest.mark.embedded
def test_production_settings_pass_check_deploy(tmp_path):
    result = run(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
