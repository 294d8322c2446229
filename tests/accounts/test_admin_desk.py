"""The officers' desk for principals, units and compartments (/access/...), on the demo: the administrator
acts, a raise, roles or a reset become a request the security officer approves on the access desk, every
action says what it did in a banner, and nobody else gets the pages."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.accounts import services
from secretariat.accounts.models import AccessRequest, Compartment, Principal, Unit
from secretariat.accounts.views import PAGE_SIZE
from secretariat.audit.models import AuditEvent
from secretariat.kernel.classification import Level
from secretariat.kernel.principals import principal_by_username


@pytest.fixture
def login():
    """A test client logged in as one of the demo's people, past the second factor (tests/web/conftest.py's)."""
    return log_in


def log_in(username: str) -> Client:
    client = Client()
    principal = principal_by_username(username)
    client.force_login(principal)
    if principal.clearance >= Level.SECRET:  # a real TOTP code, as the login page takes it
        device, _ = TOTPDevice.objects.get_or_create(user=principal, name="test", defaults={"confirmed": True})
        device.last_t = -1
        device.save()
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        assert client.post("/login/second-factor/", {"token": code, "next": "/in-tray/"}).status_code == 302
    return client


def banner(response) -> str:
    """The success banners of the page a redirect leads to."""
    return " ".join(str(m) for m in response.context["messages"])


def principal(username: str) -> Principal:
    return Principal.objects.ready_to_act().get(username=username)


def test_the_list_searches_by_name_and_username_and_links_each_principal(demo, login):
    security = login("security")
    page = security.get("/access/principals/").content.decode()
    assert 'href="/access/principals/gromyko/"' in page and "A. A. Gromyko" in page
    assert f"1–{Principal.objects.count()} of {Principal.objects.count()}" in page
    found = security.get("/access/principals/", {"q": "gromy"}).content.decode()
    assert "1–1 of 1" in found and "gromyko" in found and "dobrynin" not in found
    by_name = security.get("/access/principals/", {"q": "Dobrynin"}).content.decode()
    assert 'href="/access/principals/dobrynin/"' in by_name
    none = security.get("/access/principals/", {"q": "nobody-such"}).content.decode()
    assert "Nobody's name or username holds" in none


def test_the_list_pages_by_fifty(demo, login):
    admin, security = principal("admin"), principal("security")
    for n in range(PAGE_SIZE):
        request = services.request_principal(admin, f"clerk{n:02d}", last_name=f"Clerk {n:02d}")
        services.approve(security, request.pk)
    total = Principal.objects.count()
    client = login("security")
    first = client.get("/access/principals/").content.decode()
    assert f"1–{PAGE_SIZE} of {total}" in first and "page=2" in first
    second = client.get("/access/principals/", {"page": 2}).content.decode()
    assert f"{PAGE_SIZE + 1}–{total} of {total}" in second and "Previous" in second


def test_a_principals_page_shows_their_access_and_pending_requests(demo, login):
    gromyko = principal("gromyko")
    page = login("security").get("/access/principals/gromyko/").content.decode()
    assert "A. A. Gromyko" in page and gromyko.get_clearance_display() in page
    for grant in gromyko.role_grants.all():
        assert grant.get_role_display() in page
    assert "Requests awaiting a second officer" in page
    assert "Change clearance" not in page  # the security officer approves; the administrator asks
    admin_page = login("admin").get("/access/principals/gromyko/").content.decode()
    assert "Change clearance" in admin_page and "Ask for these roles" in admin_page
    assert "/access/principals/gromyko/deactivate/" in admin_page


def test_lowering_a_clearance_takes_effect_at_once_with_a_banner(demo, login):
    admin = login("admin")
    response = admin.post(
        "/access/principals/gromyko/clearance/", {"clearance": "CONFIDENTIAL", "compartments": []}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/access/principals/gromyko/"
    assert "A. A. Gromyko's clearance is now CONFIDENTIAL." in banner(response)
    assert principal("gromyko").clearance == Level.CONFIDENTIAL
    assert AuditEvent.objects.filter(action="principal.clearance_changed", actor_name="admin").exists()


def test_a_raise_is_a_request_that_another_officer_approves(demo, login):
    admin, security = login("admin"), login("security")
    admin.post("/access/compartments/", {"code": "special file", "name": "the Special File"})
    response = admin.post(
        "/access/principals/gromyko/clearance/",
        {"clearance": "TOP SECRET", "compartments": ["SPECIAL FILE"]},
        follow=True,
    )
    request = AccessRequest.objects.get(kind="clearance", username="gromyko", state="pending")
    said = banner(response)
    assert f"Request {request.pk} to give A. A. Gromyko TOP SECRET//SPECIAL FILE made" in said
    assert "another officer approves it on the access desk" in said
    assert "SPECIAL FILE" not in {c.code for c in principal("gromyko").compartments.all()}
    assert f"Request {request.pk}" in response.content.decode()  # pending, on the principal's page
    assert f"Approve request {request.pk}" not in admin.get("/access/").content.decode()
    refused = admin.post(f"/access/{request.pk}/approve/")
    assert refused.status_code == 409 and "nobody approves their own request" in refused.content.decode()
    assert f"Approve request {request.pk}" in security.get("/access/").content.decode()
    assert security.post(f"/access/{request.pk}/approve/").status_code == 200
    assert "SPECIAL FILE" in {c.code for c in principal("gromyko").compartments.all()}


def test_roles_are_asked_for_and_granted_on_approval(demo, login):
    admin, security = login("admin"), login("security")
    assert "archivist" not in principal("gromyko").role_codes
    response = admin.post("/access/principals/gromyko/roles/", {"roles": ["archivist"]}, follow=True)
    request = AccessRequest.objects.get(kind="roles", username="gromyko", state="pending")
    assert f"Request {request.pk} to grant A. A. Gromyko the roles archivist made" in banner(response)
    assert "archivist" not in principal("gromyko").role_codes
    security.post(f"/access/{request.pk}/approve/")
    assert "archivist" in principal("gromyko").role_codes


def test_roles_must_be_ticked_and_a_clash_is_refused(demo, login):
    admin = login("admin")
    empty = admin.post("/access/principals/gromyko/roles/", {})
    assert empty.status_code == 422 and "Tick at least one role to ask for." in empty.content.decode()
    clash = admin.post("/access/principals/registrar/roles/", {"roles": ["security_officer"]})
    assert clash.status_code == 409 and "may not be held by one principal" in clash.content.decode()
    assert not AccessRequest.objects.filter(kind="roles", state="pending").exists()


def test_a_reset_is_a_request_with_a_banner(demo, login):
    response = login("admin").post("/access/principals/dobrynin/reset/", follow=True)
    request = AccessRequest.objects.get(kind="reset", username="dobrynin", state="pending")
    assert f"Request {request.pk} to reset" in banner(response) and "another officer approves" in banner(response)
    desk = login("security").get("/access/").content.decode()
    assert f"Approve request {request.pk}" in desk


def test_deactivation_asks_for_confirmation_first(demo, login):
    admin = login("admin")
    confirm = admin.get("/access/principals/dobrynin/deactivate/")
    assert confirm.status_code == 200 and "will no longer be able to log in" in confirm.content.decode()
    unconfirmed = admin.post("/access/principals/dobrynin/deactivate/", {"reason": "recalled"})
    page = unconfirmed.content.decode()
    assert unconfirmed.status_code == 422 and "Tick the box to confirm the deactivation." in page
    assert principal("dobrynin").is_active
    response = admin.post(
        "/access/principals/dobrynin/deactivate/", {"reason": "recalled", "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/access/principals/dobrynin/"
    assert "deactivated: they can no longer log in" in banner(response)
    assert not principal("dobrynin").is_active
    assert AuditEvent.objects.filter(action="principal.deactivated", actor_name="admin").exists()


def test_nobody_deactivates_themselves(demo, login):
    refused = login("admin").post("/access/principals/admin/deactivate/", {"reason": "bored", "confirm": "on"})
    assert refused.status_code == 409 and "nobody deactivates their own account" in refused.content.decode()
    assert principal("admin").is_active


def test_units_and_posts_are_listed_and_added(demo, login):
    admin = login("admin")
    page = admin.get("/access/units/").content.decode()
    for unit in Unit.objects.all():
        assert unit.name in page
    response = admin.post("/access/units/", {"code": "gd-2", "name": "Second European", "kind": "post"}, follow=True)
    assert "Post Second European (gd-2) added." in banner(response)
    assert Unit.objects.get(code="gd-2").kind == Unit.Kind.POST
    bad = admin.post("/access/units/", {"code": "Not A Code", "name": "x", "kind": "unit"})
    assert bad.status_code == 422 and "lowercase letters, digits and hyphens, like gd-2" in bad.content.decode()
    again = admin.post("/access/units/", {"code": "gd-2", "name": "Again", "kind": "unit"})
    assert again.status_code == 409 and "exists already" in again.content.decode()


def test_compartments_are_listed_and_added(demo, login):
    admin = login("admin")
    response = admin.post("/access/compartments/", {"code": "special file", "name": "Special File"}, follow=True)
    assert "Compartment SPECIAL FILE added" in banner(response)
    assert "SPECIAL FILE" in response.content.decode()
    assert Compartment.objects.get(code="SPECIAL FILE").holders.filter(username="admin").exists()
    security_page = login("security").get("/access/compartments/").content.decode()
    assert "SPECIAL FILE" in security_page and "Add a compartment" not in security_page
    refused = login("security").post("/access/compartments/", {"code": "OTHER"})
    assert refused.status_code == 409 and not Compartment.objects.filter(code="OTHER").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/access/principals/",
        "/access/principals/gromyko/",
        "/access/principals/gromyko/deactivate/",
        "/access/units/",
        "/access/compartments/",
    ],
)
def test_the_pages_are_the_officers(demo, login, path):
    for who in ("registrar", "gromyko"):
        assert login(who).get(path).status_code == 404


def test_others_cannot_act(demo, login):
    registrar = login("registrar")
    posts = {
        "/access/principals/gromyko/clearance/": {"clearance": "UNCLASSIFIED"},
        "/access/principals/gromyko/roles/": {"roles": ["archivist"]},
        "/access/principals/gromyko/reset/": {},
        "/access/principals/gromyko/deactivate/": {"reason": "x", "confirm": "on"},
        "/access/units/": {"code": "evil", "name": "Evil", "kind": "unit"},
        "/access/compartments/": {"code": "EVIL"},
    }
    for path, data in posts.items():
        assert registrar.post(path, data).status_code == 404, path
    gromyko = principal("gromyko")
    assert gromyko.is_active and gromyko.clearance == Level.TOP_SECRET
    assert not AccessRequest.objects.filter(username="gromyko", state="pending").exists()
    assert not Unit.objects.filter(code="evil").exists() and not Compartment.objects.filter(code="EVIL").exists()


def test_a_missing_principal_is_not_found(demo, login):
    admin = login("admin")
    assert admin.get("/access/principals/nobody/").status_code == 404
    assert admin.post("/access/principals/nobody/reset/").status_code == 404
