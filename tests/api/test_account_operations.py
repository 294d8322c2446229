"""The accounts operations of the API on the demo: principals listed and shown to officers, a lowered
clearance at once, a raise, roles and a reset as requests a second officer approves, deactivation, units and
compartments; refusals as problems, and nothing changed by them."""

from secretariat.accounts.models import AccessRequest, Compartment, Principal, Unit
from secretariat.kernel.classification import Level
from tests.api.checks import PROBLEM


def principal(username: str) -> Principal:
    return Principal.objects.ready_to_act().get(username=username)


def test_officers_list_principals_a_page_at_a_time(api_as):
    security = api_as("security")
    everyone = security.get("/principals").json()
    assert [p["username"] for p in everyone] == sorted(Principal.objects.values_list("username", flat=True))[:50]
    page = security.get("/principals", limit=2, offset=1).json()
    assert [p["username"] for p in page] == [p["username"] for p in everyone[1:3]]
    found = security.get("/principals", q="Gromyko").json()
    assert [p["username"] for p in found] == ["gromyko"]
    assert security.get("/principals", limit=501).status_code == 422


def test_a_principal_with_their_pending_requests(api_as):
    admin = api_as("admin")
    admin.post("/principals/gromyko/roles", {"roles": ["archivist"]})
    shown = admin.get("/principals/gromyko").json()
    assert shown["name"] == principal("gromyko").get_full_name() and shown["active"] is True
    assert shown["level"] == "TOP SECRET" and "archivist" not in shown["roles"]
    assert [(r["kind"], r["change"]) for r in shown["pending_requests"]] == [("roles", {"roles": ["archivist"]})]
    missing = admin.get("/principals/nobody")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM


def test_others_are_refused_the_principals(api_as):
    registrar = api_as("registrar")
    listed = registrar.get("/principals")
    assert listed.status_code == 409 and listed["Content-Type"] == PROBLEM
    assert registrar.get("/principals/gromyko").status_code == 404  # the same as a missing one
    for path, body in [
        ("/principals/gromyko/clearance", {"clearance": "UNCLASSIFIED"}),
        ("/principals/gromyko/roles", {"roles": ["archivist"]}),
        ("/principals/gromyko/reset", None),
        ("/principals/gromyko/deactivate", {"reason": "gone"}),
    ]:
        assert registrar.post(path, body).status_code == 404, path
    assert registrar.post("/units", {"code": "evil", "name": "Evil"}).status_code == 409
    assert registrar.post("/compartments", {"code": "EVIL"}).status_code == 409
    gromyko = principal("gromyko")
    assert gromyko.is_active and gromyko.clearance == Level.TOP_SECRET
    assert not AccessRequest.objects.filter(username="gromyko", state="pending").exists()
    assert not Unit.objects.filter(code="evil").exists() and not Compartment.objects.filter(code="EVIL").exists()


def test_lowering_a_clearance_is_immediate(api_as):
    lowered = api_as("admin").post("/principals/gromyko/clearance", {"clearance": "SECRET"})
    assert lowered.status_code == 200 and lowered.json()["clearance"] == "SECRET"
    assert principal("gromyko").clearance == Level.SECRET


def test_a_raise_is_a_request_the_requester_cannot_approve(api_as):
    admin, security = api_as("admin"), api_as("security")
    assert admin.post("/compartments", {"code": "SPECIAL FILE", "name": "Special File"}).json()["holders"] == 1
    asked = admin.post("/principals/gromyko/clearance", {"compartments": ["SPECIAL FILE"]})
    assert asked.status_code == 202
    request = asked.json()
    assert (request["kind"], request["state"], request["asked"]) == ("clearance", "pending", "TOP SECRET//SPECIAL FILE")
    assert not principal("gromyko").compartments.exists()
    own = admin.post(f"/access-requests/{request['id']}/approve")
    assert own.status_code == 409 and "nobody approves their own request" in own.json()["detail"]
    assert security.post(f"/access-requests/{request['id']}/approve").status_code == 200
    assert [c.code for c in principal("gromyko").compartments.all()] == ["SPECIAL FILE"]


def test_roles_and_a_reset_are_requests(api_as):
    admin = api_as("admin")
    roles = admin.post("/principals/gromyko/roles", {"roles": ["archivist"]})
    assert roles.status_code == 202 and roles.json()["change"] == {"roles": ["archivist"]}
    assert "archivist" not in principal("gromyko").role_codes
    clash = admin.post("/principals/registrar/roles", {"roles": ["security_officer"]})
    assert clash.status_code == 409 and "may not be held by one principal" in clash.json()["detail"]
    reset = admin.post("/principals/dobrynin/reset")
    assert reset.status_code == 202 and reset.json()["kind"] == "reset"
    again = admin.post("/principals/dobrynin/reset")
    assert again.status_code == 409 and "awaits approval already" in again.json()["detail"]
    assert AccessRequest.objects.filter(kind="reset", username="dobrynin", state="pending").count() == 1
    assert admin.post("/principals/gromyko/roles", {"roles": ["pope"]}).status_code == 422


def test_deactivate(api_as):
    admin = api_as("admin")
    assert admin.post("/principals/dobrynin/deactivate", {"reason": "  "}).status_code == 422
    assert principal("dobrynin").is_active
    done = admin.post("/principals/dobrynin/deactivate", {"reason": "recalled"})
    assert done.status_code == 200 and done.json()["active"] is False
    assert not principal("dobrynin").is_active
    themselves = admin.post("/principals/admin/deactivate", {"reason": "bored"})
    assert themselves.status_code == 409 and principal("admin").is_active


def test_units_and_compartments(api_as):
    admin = api_as("admin")
    before = {u["code"] for u in admin.get("/units").json()}
    assert before == set(Unit.objects.values_list("code", flat=True))
    added = admin.post("/units", {"code": "gd-2", "name": "Second European", "post": True})
    assert added.status_code == 201 and added.json() == {
        "code": "gd-2",
        "name": "Second European",
        "kind": "post",
        "members": 0,
    }
    assert admin.post("/units", {"code": "gd-2", "name": "Again"}).status_code == 409
    assert admin.post("/units", {"code": "Bad Code", "name": "x"}).status_code == 422
    made = admin.post("/compartments", {"code": "SPECIAL FILE"})
    assert made.status_code == 201 and made.json()["code"] == "SPECIAL FILE"
    assert {"code": "SPECIAL FILE", "name": "", "holders": 1} in api_as("gromyko").get("/compartments").json()
    assert admin.post("/compartments", {"code": "SPECIAL FILE"}).status_code == 409
