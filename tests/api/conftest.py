"""A client that calls the API with a token of one of the demo's people (`demo`: tests/conftest.py)."""

import pytest
from django.test import Client

from secretariat.accounts import services as tokens
from secretariat.kernel.principals import principal_by_username


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
