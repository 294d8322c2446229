"""The token desk (/access/tokens/): anyone logged in lists their own API tokens, issues one after typing their
password again (the secret shown once), and revokes one after a confirmation page; each says so in a banner."""

import re

from secretariat.accounts import services
from secretariat.accounts.models import ApiToken
from secretariat.audit.models import AuditEvent
from secretariat.kernel.principals import principal_by_username
from tests.accounts.test_admin_desk import banner, log_in


def password_of(demo, username: str) -> str:
    return next(login.password for login in demo.logins if login.username == username)


def test_anyone_issues_a_token_with_their_password_and_sees_it_once(demo):
    client = log_in("gromyko")
    assert "You hold no API token" in client.get("/access/tokens/").content.decode()
    issued = client.post("/access/tokens/", {"name": "reporting script", "password": password_of(demo, "gromyko")})
    assert issued.status_code == 200 and issued["Cache-Control"] == "no-store"
    page = issued.content.decode()
    secret = re.search(r"<code>(sct_[0-9a-f]{8}_[\w-]+)</code>", page).group(1)
    token = ApiToken.objects.get(principal__username="gromyko", name="reporting script")
    assert f"Token {token.prefix}… (reporting script) issued." in banner(issued)
    assert "It is shown only now" in page
    assert services.principal_for_token(secret).username == "gromyko"  # the secret shown is the token's
    listed = client.get("/access/tokens/").content.decode()
    assert "reporting script" in listed and token.prefix in listed and secret not in listed


def test_a_wrong_password_issues_nothing_and_says_so_by_the_field(demo):
    client = log_in("gromyko")
    refused = client.post("/access/tokens/", {"name": "script", "password": "not it"})
    page = refused.content.decode()
    assert refused.status_code == 422 and "That is not your password" in page and "There is a problem" in page
    assert 'value="script"' in page  # the form keeps what was typed
    assert not ApiToken.objects.filter(principal__username="gromyko").exists()


def test_the_list_is_ones_own_even_for_an_admin(demo):
    services.issue_token(principal_by_username("gromyko"), "gromyko's")
    services.issue_token(principal_by_username("admin"), "admin's")
    assert "gromyko's" not in log_in("admin").get("/access/tokens/").content.decode()
    mine = log_in("gromyko").get("/access/tokens/").content.decode()
    assert "gromyko&#x27;s" in mine and "admin&#x27;s" not in mine


def test_a_token_is_revoked_after_confirmation(demo):
    issued = services.issue_token(principal_by_username("gromyko"), "old script")
    client = log_in("gromyko")
    path = f"/access/tokens/{issued.token.pk}/revoke/"
    confirm = client.get(path)
    assert confirm.status_code == 200 and "stops working at once" in confirm.content.decode()
    unconfirmed = client.post(path, {})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm the revocation." in unconfirmed.content.decode()
    assert services.principal_for_token(issued.secret) is not None
    revoked = client.post(path, {"confirm": "on"}, follow=True)
    assert revoked.redirect_chain[-1][0] == "/access/tokens/"
    assert f"Token {issued.token.prefix}… (old script) revoked: it no longer works." in banner(revoked)
    assert services.principal_for_token(issued.secret) is None
    assert AuditEvent.objects.filter(action="token.revoked", actor_name="gromyko").exists()


def test_someone_elses_token_is_not_found(demo):
    issued = services.issue_token(principal_by_username("gromyko"), "gromyko's")
    for who in ("dobrynin", "admin"):
        client = log_in(who)
        path = f"/access/tokens/{issued.token.pk}/revoke/"
        assert client.get(path).status_code == 404
        assert client.post(path, {"confirm": "on"}).status_code == 404
    assert services.principal_for_token(issued.secret) is not None


def test_the_token_desk_needs_a_login(demo, client):
    assert client.get("/access/tokens/")["Location"] == "/login/?next=/access/tokens/"
    assert client.post("/access/tokens/", {"name": "x", "password": "y"}).status_code == 302
    assert not ApiToken.objects.filter(name="x").exists()
