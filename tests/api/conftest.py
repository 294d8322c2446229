"""A client that calls the API with a token of one of the demo's people (`demo`: tests/conftest.py)."""

import pytest
from django.test import Client

from secretariat.accounts import services as tokens
from secretariat.cables import services as cables
from secretariat.cables.services import Part
from secretariat.decisions.models import Point
from secretariat.demo import reference as ref
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.releases import services as releases
from secretariat.releases.models import Channel


class Api:
    """The Django test client, speaking JSON with a bearer token (or none)."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params):
        return self.client.get(f"/api{path}", params, headers=self.headers)

    def post(self, path: str, data=None, *, raw: str | None = None):
        body = raw if raw is not None else ("" if data is None else data)
        return self.client.post(f"/api{path}", body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as(demo):
    """`api_as("gromyko")`: a client with a fresh token of that demo user; `api_as(None)`: no token."""

    def make(username: str | None) -> Api:
        if username is None:
            return Api(None)
        return Api(tokens.issue_token(principal_by_username(username), "tests").secret)

    return make


@pytest.fixture
def sent_cable(demo):
    """A new cable on point X instructing Washington, carrying an announcement, approved and sent
    (not yet acknowledged): the cable and the announcement's template."""
    gromyko, secretary = principal_by_username("gromyko"), principal_by_username("secretary")
    point = Point.objects.get(meeting__number=ref.MEETING, identifier=ref.POINT)
    cable = cables.draft_cable(
        gromyko,
        subject="Follow-up",
        classification=Classification.parse("SECRET"),
        action_post=principal_by_username("dobrynin").unit,
        parts=[Part("FIRST", "See Vance again.")],
        point=point,
        report_requirement="Wire when you have done it.",
        report_days=3,
    )
    template = releases.prepare_release(
        gromyko, cable.number, channel=Channel.objects.get(code="tass"), title="Again", text="On {{day}} again."
    )
    cables.approve_cable(secretary, cable.number, point)
    cables.send_cable(gromyko, cable.number)
    return cable, template


@pytest.fixture
def clients_of(api_as):
    """`clients_of("registrar", "gromyko")`: a client getter with those people's clients made first, before
    anything is measured (issuing their tokens is audited too); anyone else's is made when first asked for."""

    def made_first(*usernames):
        made = {}

        def client(username):
            if username not in made:
                made[username] = api_as(username)
            return made[username]

        for username in usernames:
            client(username)
        return client

    return made_first
