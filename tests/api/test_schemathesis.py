"""Schemathesis over the API as its OpenAPI document describes it: every operation, bounded examples, as the
anonymous and four of the demo's people, in process (the Django WSGI handler, over the demo database).

For each operation Schemathesis sends its coverage cases (the document's boundaries: each parameter missing,
empty, too long, of the wrong type...) and `EXAMPLES` generated ones, both valid and invalid. Each is sent as
one principal, chosen from the case's own content (so that a case, and a shrunk one, is always sent as the same
person; Hypothesis's `given` would switch the coverage cases off), and answered from the demo as built: it runs
in a savepoint rolled back afterwards, so a revoked token or a closed case does not carry over to the next.

Each response must pass Schemathesis's checks:
- no server error (5xx);
- its status is one the operation documents, its content type and headers are those documented for that
  status, and its body matches the documented schema (the problem shape for every error);
- a request the document allows is not refused: it gets 2xx, 401, 404 or 409 (the checks' defaults), or a 422
  only for what the registry's state alone decides (`STATE_REFUSALS`);
- a token is needed where the document says so (ignored_auth), a required header really is, a method the
  address does not take is a 405.
Not checked: that every request the document forbids is refused (negative_data_rejection). The API takes what
is well-formed and ignores the rest, as HTTP APIs commonly do: an unknown query parameter is ignored, `register=1`
is taken for true (pydantic), "ts" for TOP SECRET, where the document's JSON Schema would refuse them. What it
does refuse, it refuses with a documented 4xx and a problem, which the checks above hold it to.
"""

import re
import zlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from secretariat.accounts import services as tokens
from secretariat.kernel.principals import principal_by_username

# Who asks: nobody (no token), the registry, a reader and drafter (Gromyko holds copies, drafts cables, has a
# control on him), the post in Washington (acknowledges and reports), the press desk (publishes releases), the
# Politburo's secretary (records its meetings and points, makes extracts), the administrator (sets up bodies).
PRINCIPALS = [None, "registrar", "gromyko", "dobrynin", "tass", "secretary", "admin"]
EXAMPLES = 25  # generated cases per operation, beyond its coverage cases

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {"enabled": False},  # see the module's docstring
            # The defaults (2xx, 3xx, 401, 403, 404, 409, 429, 5xx) and 422, which
            # `refused_only_for_the_registrys_state` narrows to STATE_REFUSALS; a 5xx fails not_a_server_error.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422"]},
        }
    }
)
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler(), config=CONFIG)

# What the demo holds, for the path: a random number or id names nothing (a 404), so half the cases take one
# of these instead, and reach the documents, copies, cables, cases, announcements and tokens themselves.
KNOWN = {
    "identifier": ["tskhsd-89-25-44", "tskhsd-89-25-45", "tskhsd-89-25-47"],
    "code": ["tass"],
    "control_id": [1, 2],
    "number": ["P46/X", "P47/5", "TEL-1", "WASHINGTON-1", "TASS-1", "CASE-1", "CASE-2"],
    "copy_number": [1, 2, 3, 9],
    "template_id": [1, 2],
    "token_id": [1, 2, 3, 4, 5],
    "request_id": [1, 2, 17],
    "prefix": ["P"],
    "meeting": [46, 47],
    "point": ["X", "5"],
}


@SCHEMA.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    known = st.fixed_dictionaries({name: st.sampled_from(KNOWN[name]) for name in path_parameters if name in KNOWN})
    return st.one_of(st.just(path_parameters), known.map(lambda values: {**path_parameters, **values}))


# The refusals of a request the document allows that only the registry's state can decide (a service's 422,
# invalid-input): the document cannot know who exists, which compartments there are, which controls are open
# on a paper, or which blanks an announcement has. Any other 422 to an allowed request is a fault of the
# document (it should say so) or of the API (it should take it): issue 11's `?mine=true&overdue=true` and
# `{"name": ""}` were two.
UNKNOWN_NAME = r"^unknown principal |^unknown unit or post |^unknown compartment\(s\): "
STATE_REFUSALS = {
    "POST /api/cables/drafts": r"^unknown unit or post |^cables go to posts|: it cannot also be an info addressee|^unknown body |^unknown compartment\(s\): ",
    "POST /api/cables/{number}/approve": r"^unknown body ",
    "POST /api/extracts/{number}/controls": r"^unknown principal |^unknown unit or post |^a control's due date must be in the future",
    "POST /api/channels": r"^unknown principal ",
    "POST /api/channels/{code}/editors": r"^unknown principal ",
    "POST /api/archive/items/{identifier}/event": r"^an event is recorded once it has happened",
    "POST /api/archive/items/{identifier}/review": r"^an item kept classified needs its next review date|^redaction \d+-\d+ lies outside |^redactions overlap at |^the item has no annotation ",
    "POST /api/archive/items": r": no archival reference found|: the classification could not be read|^unknown compartment\(s\): |^malformed |characters long; at most",
    "POST /api/documents/{number}/copies": r"^unknown principal ",
    "POST /api/cables/{number}/report": r"^unknown compartment\(s\): |^\d+ controls on No \S+ are open: name the one",
    "POST /api/releases/{template_id}/publish": r"^fill every blank: |^no such blank\(s\): ",
    "POST /api/access-requests": r"^unknown unit or post |^unknown compartment\(s\): ",
    "POST /api/documents": UNKNOWN_NAME,
    "POST /api/documents/{number}/distribution": UNKNOWN_NAME,
    "POST /api/documents/{number}/attachments": UNKNOWN_NAME,
    "POST /api/bodies": UNKNOWN_NAME,
    "POST /api/bodies/{prefix}/members": UNKNOWN_NAME,
    "POST /api/bodies/{prefix}/secretary": UNKNOWN_NAME,
    "POST /api/bodies/{prefix}/papers": UNKNOWN_NAME,
    "POST /api/bodies/{prefix}/meetings/{meeting}/points": UNKNOWN_NAME,
    "POST /api/bodies/{prefix}/meetings/{meeting}/points/{point}/attachments": UNKNOWN_NAME,
    "POST /api/bodies/{prefix}/meetings/{meeting}/points/{point}/extract": UNKNOWN_NAME,
}


def refused_only_for_the_registrys_state(ctx, response, case):
    """A request the document allows gets no 422 but for what only the registry's state decides."""
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 422:
        return None
    problem = response.json()
    allowed = STATE_REFUSALS.get(case.operation.label)
    if (
        problem["type"] != "urn:secretariat:problem:invalid-input"
        or not allowed
        or not re.search(allowed, problem["detail"])
    ):
        raise AssertionError(f"a request the document allows was refused: {problem['type']}: {problem['detail']}")
    return None


def principal_for(case) -> str | None:
    """One of PRINCIPALS, the same for the same case."""
    content = repr((case.path_parameters, case.query, case.headers, case.body)).encode()
    return PRINCIPALS[zlib.crc32(content) % len(PRINCIPALS)]


@pytest.fixture
def bearer(demo):
    """A token for each principal, and the database kept open across requests: Django closes its
    connection when a request ends (the test client keeps it, as here), which would end the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {
        username: {"Authorization": f"Bearer {tokens.issue_token(principal_by_username(username), 'fuzz').secret}"}
        for username in PRINCIPALS
        if username is not None
    } | {None: {}}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,  # a shared machine; what is checked is the answer, not its speed
    # Each case runs in a savepoint rolled back afterwards, so the function-scoped demo is the same for all.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_document_says(case, bearer):
    headers = bearer[principal_for(case)]
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    case.validate_response(response, headers=headers, additional_checks=[refused_only_for_the_registrys_state])
    assert response.status_code < 500, response.text  # validate_response raised already; said plainly here
    if response.status_code >= 400:
        headers = {name.lower(): values for name, values in response.headers.items()}
        assert headers["content-type"] == ["application/problem+json"], response.headers
