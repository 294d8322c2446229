"""The access desk: an administrator asks for a principal in the browser, a second officer approves it
there and is shown the activation code once; the person activates with it. Nobody else gets the desk."""

import re

import pytest

from secretariat.accounts.models import AccessRequest, Principal
from secretariat.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "the minister's own pass phrase"


def test_an_admin_asks_a_second_officer_approves_and_the_person_activates(officers, login, make_principal, client):
    admin, security = login("admin"), login("security")
    ask = {"username": "ustinov", "last_name": "Ustinov", "clearance": "SECRET", "roles": ["member"], "unit": ""}
    assert admin.post("/access/request/", ask)["Location"] == "/access/"
    request = AccessRequest.objects.get(username="ustinov")
    desk = admin.get("/access/").content.decode()
    assert "ustinov" in desk and "SECRET; roles member" in desk and "yours: another officer decides" in desk
    assert f"Approve request {request.pk}" not in desk  # the requester is offered no approval
    refused = admin.post(f"/access/{request.pk}/approve/")
    assert refused.status_code == 409 and "nobody approves their own request" in refused.content.decode()
    assert not Principal.objects.filter(username="ustinov").exists()

    assert f"Approve request {request.pk}" in security.get("/access/").content.decode()
    approved = security.post(f"/access/{request.pk}/approve/")
    page = approved.content.decode()
    assert approved.status_code == 200 and approved["Cache-Control"] == "no-store"
    code = re.search(r"<code>([A-Z2-9]{5}(?:-[A-Z2-9]{5}){3})</code>", page).group(1)
    assert "It is shown only now" in page
    again = security.post(f"/access/{request.pk}/approve/")
    assert again.status_code == 409 and code not in again.content.decode()

    activated = client.post(
        "/activate/", {"username": "ustinov", "code": code, "password": PASSWORD, "password2": PASSWORD}
    )
    assert activated["Location"] == "/login/second-factor/"  # SECRET: the authenticator comes next
    assert b"Set up your authenticator" in client.get("/login/second-factor/").content
    actions = list(AuditEvent.objects.filter(object_type="accounts.accessrequest").values_list("action", "actor_name"))
    assert actions == [("access.requested", "admin"), ("access.approved", "security")]


def test_a_request_turned_down_makes_nobody(officers, login):
    admin, security = login("admin"), login("security")
    admin.post("/access/request/", {"username": "spy2", "clearance": "TOP SECRET", "roles": ["member"], "unit": ""})
    request = AccessRequest.objects.get(username="spy2")
    assert security.post(f"/access/{request.pk}/reject/", {"reason": "nobody known by that name"}).status_code == 302
    request.refresh_from_db()
    assert (request.state, request.reason) == ("rejected", "nobody known by that name")
    assert "nobody known by that name" in security.get("/access/").content.decode()
    assert not Principal.objects.filter(username="spy2").exists()


def test_the_desk_is_the_officers(officers, make_principal, login):
    make_principal("registrar", roles=("registrar",))
    make_principal("gromyko")
    for who in ("registrar", "gromyko"):
        client = login(who)
        assert client.get("/access/").status_code == 404
        assert client.post("/access/request/", {"username": "x"}).status_code == 404
    assert not AccessRequest.objects.filter(username="x").exists()
