"""Principals: grants of access need two officers, bounded by the requester's own clearance;
passwords are argon2id and set only by their holder, with an activation code."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secretariat.accounts import services as accounts
from secretariat.accounts.models import AccessRequest, Principal
from secretariat.audit.models import AuditEvent
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.registry import selectors
from secretariat.registry import services as registry
from tests.refusals import refused_without_change

PASSWORD = "a long enough pass phrase"


def test_an_administrator_cannot_mint_a_reader(admin, security_officer):
    """The finding: `principal add --as admin spy2 --clearance "TOP SECRET" --roles member,...
    --password-stdin` made a reader whose password the admin chose. Now the admin's request makes
    nobody; the admin cannot approve it; and nobody but spy2, with the code, sets a password."""
    roles = ["member", "archivist", "secretary"]
    request = accounts.request_principal(admin, "spy2", clearance="TOP SECRET", roles=roles)
    assert not Principal.objects.filter(username="spy2").exists()
    message = refused_without_change(Refused, lambda: accounts.approve(admin, request.pk))
    assert message == "a grant of access needs a second officer: nobody approves their own request"
    approved = accounts.approve(security_officer, request.pk)
    spy2 = approved.principal
    assert not spy2.has_usable_password()
    assert authenticate(RequestFactory().post("/login/"), username="spy2", password="") is None
    assert spy2.role_codes == set(roles)
    assert accounts.activate("spy2", approved.activation.code, PASSWORD).check_password(PASSWORD)


def test_passwords_are_hashed_with_argon2id_and_set_by_their_holder(make_principal, admin, security_officer):
    request = accounts.request_principal(admin, "gromyko")
    code = accounts.approve(security_officer, request.pk).activation.code
    principal = accounts.activate("gromyko", code.lower().replace("-", " "), PASSWORD)  # as typed from paper
    assert principal.password.startswith("argon2$argon2id$")
    http = RequestFactory().post("/login/")
    assert authenticate(http, username="gromyko", password=PASSWORD) == principal
    assert authenticate(http, username="gromyko", password="wrong") is None


def test_an_activation_code_works_once_for_its_holder_until_it_expires(admin, security_officer):
    first = accounts.approve(security_officer, accounts.request_principal(admin, "a").pk).activation
    other = accounts.approve(security_officer, accounts.request_principal(admin, "b").pk).activation
    message = refused_without_change(InvalidInput, lambda: accounts.activate("a", first.code, "123"))
    assert "password refused" in message
    refused_without_change(Refused, lambda: accounts.activate("a", other.code, PASSWORD))  # b's code
    refused_without_change(Refused, lambda: accounts.activate("a", "AAAAA-AAAAA-AAAAA-AAAAA", PASSWORD))
    accounts.activate("a", first.code, PASSWORD)
    message = refused_without_change(Refused, lambda: accounts.activate("a", first.code, "another pass phrase"))
    assert message == "that activation code is not valid for this username: wrong, used or expired"
    with clock.frozen(other.expires_at + dt.timedelta(seconds=1)):
        refused_without_change(Refused, lambda: accounts.activate("b", other.code, PASSWORD))


def test_installation_is_one_ceremony_made_once(officers):
    admin, officer = officers
    assert admin.role_codes == {"admin"} and officer.role_codes == {"security_officer"}
    assert not admin.has_usable_password() and not officer.has_usable_password()
    refused_without_change(Refused, lambda: accounts.bootstrap("second", "third"))


def test_no_authenticator_is_enrolled_with_a_password_alone(admin, security_officer):
    """The finding: the second factor was enrolled at the first login with the password alone,
    so whoever learnt the password first owned it. Now only right after activation with a code."""
    code = accounts.approve(
        security_officer, accounts.request_principal(admin, "gromyko", clearance="SECRET").pk
    ).activation.code
    gromyko = Principal.objects.get(username="gromyko")
    message = refused_without_change(Refused, lambda: accounts.enrol_totp(gromyko))
    assert "enrolled only right after activation with a code" in message
    with clock.frozen(clock.now() - accounts.ENROLMENT_WINDOW * 2):
        accounts.activate("gromyko", code, PASSWORD)
    refused_without_change(Refused, lambda: accounts.enrol_totp(gromyko))  # activated too long ago
    request = accounts.request_reset(admin, gromyko)
    code = accounts.approve(security_officer, request.pk).activation.code
    accounts.activate("gromyko", code, "yet another pass phrase")
    device = accounts.enrol_totp(gromyko)
    assert device.user_id == gromyko.pk and not device.confirmed


def test_a_reset_voids_the_password_and_the_authenticator(admin, security_officer, make_principal):
    gromyko = make_principal("gromyko")
    gromyko.set_password(PASSWORD)
    gromyko.save()
    TOTPDevice.objects.create(user=gromyko, name="phone", confirmed=True)
    refused_without_change(Refused, lambda: accounts.request_reset(admin, admin))
    request = accounts.request_reset(admin, gromyko)
    assert Principal.objects.get(pk=gromyko.pk).check_password(PASSWORD)  # nothing until approved
    accounts.approve(security_officer, request.pk)
    assert not Principal.objects.get(pk=gromyko.pk).has_usable_password()
    assert not TOTPDevice.objects.filter(user=gromyko).exists()


def test_nobody_grants_a_clearance_above_their_own(make_principal, security_officer):
    secret_admin = make_principal("sadmin", clearance="SECRET", roles=("admin",))
    message = refused_without_change(
        Refused, lambda: accounts.request_principal(secret_admin, "x", clearance="TOP SECRET")
    )
    assert "cannot grant TOP SECRET" in message
    target = make_principal("target", clearance="CONFIDENTIAL")
    refused_without_change(Refused, lambda: accounts.change_clearance(secret_admin, target, clearance="TOP SECRET"))
    request = accounts.change_clearance(secret_admin, target, clearance="SECRET")
    assert isinstance(request, AccessRequest) and Principal.objects.get(pk=target.pk).clearance == 1
    accounts.approve(security_officer, request.pk)
    assert Principal.objects.get(pk=target.pk).clearance == 2


def test_lowering_a_clearance_needs_one_officer(admin, make_principal):
    target = make_principal("target", clearance="TOP SECRET")
    lowered = accounts.change_clearance(admin, target, clearance="CONFIDENTIAL")
    assert isinstance(lowered, Principal) and lowered.clearance == 1


def test_nobody_grants_a_compartment_they_do_not_hold(admin, security_officer, make_principal):
    accounts.add_compartment(admin, "special file")
    other_admin = make_principal("oadmin", roles=("admin",))
    message = refused_without_change(
        Refused,
        lambda: accounts.request_principal(other_admin, "x", clearance="SECRET", compartments=["SPECIAL FILE"]),
    )
    assert "cannot grant SECRET//SPECIAL FILE" in message
    request = accounts.request_principal(admin, "x", clearance="SECRET", compartments=["SPECIAL FILE"])
    holder = accounts.approve(security_officer, request.pk).principal
    assert holder.classification == Classification.parse("SECRET//SPECIAL FILE")


def test_only_officers_ask_and_decide(make_principal, admin, security_officer):
    member = make_principal("gromyko")
    refused_without_change(Refused, lambda: accounts.request_principal(member, "x"))
    refused_without_change(Refused, lambda: accounts.request_principal(security_officer, "x"))
    refused_without_change(Refused, lambda: accounts.add_unit(member, "u", "Unit"))
    request = accounts.request_principal(admin, "x")
    refused_without_change(Refused, lambda: accounts.approve(member, request.pk))
    refused_without_change(Refused, lambda: accounts.reject(member, request.pk, "no"))
    refused_without_change(NotFound, lambda: accounts.approve(security_officer, request.pk + 100))
    accounts.reject(security_officer, request.pk, "not known to the office")
    refused_without_change(Refused, lambda: accounts.approve(security_officer, request.pk))
    assert not Principal.objects.filter(username="x").exists()


def test_nobody_approves_a_grant_to_themselves(admin, security_officer, make_principal):
    second_admin = make_principal("admin2", roles=("admin",))
    officer = Principal.objects.ready_to_act().get(pk=security_officer.pk)
    accounts.add_compartment(admin, "atomic")
    request = accounts.change_clearance(admin, officer, compartments=["ATOMIC"])
    message = refused_without_change(Refused, lambda: accounts.approve(security_officer, request.pk))
    assert message == "nobody approves a grant to themselves"
    accounts.approve(second_admin, request.pk)  # another officer may
    assert "ATOMIC" in Principal.objects.ready_to_act().get(pk=officer.pk).classification.compartments


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"clearance": "COSMIC"}, "unknown classification level"),
        ({"roles": ["pope"]}, "unknown role"),
        ({"compartments": ["NOFORN"]}, "unknown compartment"),
        ({"unit": "nowhere"}, "unknown unit"),
    ],
)
def test_bad_account_input_is_refused(admin, kwargs, fragment):
    message = refused_without_change(InvalidInput, lambda: accounts.request_principal(admin, "x", **kwargs))
    assert fragment in message


def test_a_malformed_or_taken_username_is_refused(admin, security_officer):
    refused_without_change(InvalidInput, lambda: accounts.request_principal(admin, "no spaces please"))
    refused_without_change(Refused, lambda: accounts.request_principal(admin, "admin"))
    first = accounts.request_principal(admin, "twice")
    refused_without_change(Refused, lambda: accounts.request_principal(admin, "twice"))  # one pending already
    accounts.reject(security_officer, first.pk, "typo")
    accounts.request_principal(admin, "twice")


def test_each_step_of_a_grant_is_an_audit_event(admin, security_officer):
    start = AuditEvent.objects.count()
    request = accounts.request_principal(admin, "gromyko", clearance="SECRET", roles=["member"])
    approved = accounts.approve(security_officer, request.pk)
    roles = accounts.grant_roles(admin, approved.principal, ["registrar"])
    accounts.approve(security_officer, roles.pk)
    accounts.activate("gromyko", approved.activation.code, PASSWORD)
    events = list(AuditEvent.objects.filter(seq__gt=start).values_list("action", "actor_name"))
    assert events == [
        ("access.requested", "admin"),
        ("principal.added", "security"),
        ("principal.activation_issued", "security"),
        ("access.approved", "security"),
        ("access.requested", "admin"),
        ("principal.roles_granted", "security"),
        ("access.approved", "security"),
        ("principal.activated", "gromyko"),
    ]
    assert Principal.objects.get(username="gromyko").role_codes == {"member", "registrar"}


def test_a_deactivated_principal_neither_acts_nor_reads(admin, make_principal, register):
    clerk = make_principal("clerk", roles=("registrar",))
    member = make_principal("gromyko")
    register(to=[member])
    accounts.deactivate(admin, clerk, "left the registry")
    accounts.deactivate(admin, member, "retired")
    message = refused_without_change(Refused, lambda: registry.issue_copies(clerk, "P46/X"))
    assert message == "clerk is deactivated and may not keep the register"
    with pytest.raises(NotFound):
        selectors.read_document(member, "P46/X")
    refused_without_change(Refused, lambda: accounts.deactivate(admin, member, "again"))
    refused_without_change(Refused, lambda: accounts.deactivate(admin, admin, "oops"))
    other = make_principal("x")
    refused_without_change(InvalidInput, lambda: accounts.deactivate(admin, other, " "))


def test_an_admin_cannot_make_themselves_a_reader(admin, make_principal):
    """Separation of duties: no self-grants, and admin never together with registrar, auditor or
    security officer (who approves what an admin asks)."""
    refused_without_change(Refused, lambda: accounts.grant_roles(admin, admin, ["registrar"]))
    refused_without_change(Refused, lambda: accounts.change_clearance(admin, admin, clearance="SECRET"))
    second = make_principal("second", roles=("admin",))
    message = refused_without_change(Refused, lambda: accounts.grant_roles(second, admin, ["auditor"]))
    assert message == "the roles admin and auditor may not be held by one principal"
    refused_without_change(Refused, lambda: accounts.grant_roles(second, admin, ["security_officer"]))
    refused_without_change(Refused, lambda: accounts.request_principal(admin, "x", roles=["admin", "registrar"]))
    member = make_principal("m")
    refused_without_change(Refused, lambda: accounts.grant_roles(second, member, []))


def test_granted_roles_show_once_approved(admin, security_officer, make_principal):
    member = make_principal("gromyko")
    request = accounts.grant_roles(admin, member, ["registrar"])
    assert Principal.objects.ready_to_act().get(pk=member.pk).role_codes == {"member"}
    assert accounts.approve(security_officer, request.pk).principal.role_codes == {"member", "registrar"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requester=st.sampled_from(["admin", "admin2"]), approver=st.sampled_from(["admin", "admin2", "security", "m"]))
def test_a_grant_takes_effect_iff_a_second_officer_approves(make_principal, requester, approver):
    """The two-person rule as a property: whoever asks, a grant of roles takes effect exactly when
    an officer other than the requester (and other than its beneficiary) approves it."""
    people = {
        p.username: p
        for p in Principal.objects.ready_to_act().filter(username__in=["admin", "admin2", "security", "m"])
    }
    if "admin2" not in people:
        people["admin2"] = make_principal("admin2", roles=("admin",))
        people["m"] = make_principal("m")
    target = make_principal(f"t{AuditEvent.objects.count()}")
    request = accounts.grant_roles(people[requester], target, ["archivist"])
    allowed = approver != requester and approver != "m"
    if allowed:
        accounts.approve(people[approver], request.pk)
    else:
        refused_without_change(Refused, lambda: accounts.approve(people[approver], request.pk))
    assert Principal.objects.ready_to_act().get(pk=target.pk).has_role("archivist") is allowed
