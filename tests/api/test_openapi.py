"""The OpenAPI schema, the offline docs, and every operation against the uncleared and the not-addressed."""

import re

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from secretariat.accounts import services as tokens
from secretariat.api import schemas
from secretariat.kernel import texts
from secretariat.kernel.classification import Classification, Level, normalise_compartment
from secretariat.kernel.errors import bounded
from secretariat.kernel.numbers import check_registration_number
from secretariat.kernel.principals import principal_by_username
from secretariat.releases.services import FIELD_VALUE
from tests.api.phrases import leaks

BUILT = {
    ("get", "/api/search"),
    ("get", "/api/documents"),
    ("get", "/api/documents/{number}"),
    ("get", "/api/documents/{number}/copies"),
    ("post", "/api/documents/{number}/copies"),
    ("post", "/api/documents/{number}/copies/{copy_number}/receipt"),
    ("post", "/api/documents/{number}/copies/{copy_number}/return"),
    ("get", "/api/controls"),
    ("get", "/api/cables"),
    ("get", "/api/cables/{number}"),
    ("post", "/api/cables/{number}/acknowledge"),
    ("post", "/api/cables/{number}/report"),
    ("get", "/api/releases"),
    ("get", "/api/releases/pending"),
    ("post", "/api/releases/{template_id}/publish"),
    ("get", "/api/cases"),
    ("get", "/api/cases/{number}"),
    ("post", "/api/cases/{number}/close"),
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("post", "/api/tokens/{token_id}/revoke"),
    ("get", "/api/access-requests"),
    ("post", "/api/access-requests"),
    ("post", "/api/access-requests/{request_id}/approve"),
    ("post", "/api/access-requests/{request_id}/reject"),
    ("get", "/api/principals"),
    ("get", "/api/principals/{username}"),
    ("post", "/api/principals/{username}/clearance"),
    ("post", "/api/principals/{username}/roles"),
    ("post", "/api/principals/{username}/reset"),
    ("post", "/api/principals/{username}/deactivate"),
    ("get", "/api/units"),
    ("post", "/api/units"),
    ("get", "/api/compartments"),
    ("post", "/api/compartments"),
    ("post", "/api/cables/drafts"),
    ("post", "/api/cables/{number}/approve"),
    ("post", "/api/cables/{number}/send"),
    ("post", "/api/extracts/{number}/controls"),
    ("post", "/api/controls/{control_id}/cancel"),
    ("post", "/api/channels"),
    ("post", "/api/channels/{code}/editors"),
    ("post", "/api/cables/{number}/releases"),
    ("post", "/api/archive/repositories"),
    ("post", "/api/archive/units"),
    ("post", "/api/archive/transfers"),
    ("post", "/api/archive/fixity"),
    ("get", "/api/archive/items"),
    ("post", "/api/archive/items"),
    ("get", "/api/archive/items/{identifier}"),
    ("post", "/api/archive/items/{identifier}/instruction"),
    ("post", "/api/archive/items/{identifier}/event"),
    ("get", "/api/archive/items/{identifier}/phrase-redactions"),
    ("post", "/api/archive/items/{identifier}/review"),
    ("get", "/api/archive/reviews"),
    ("post", "/api/archive/items/{identifier}/scan"),
    ("post", "/api/archive/items/{identifier}/publish"),
    ("post", "/api/archive/items/{identifier}/withdraw"),
    # the registry's, the decisions desk's and the cases desk's (api/operations/)
    ("post", "/api/documents"),
    ("post", "/api/documents/{number}/distribution"),
    ("post", "/api/documents/{number}/versions"),
    ("post", "/api/documents/{number}/attachments"),
    ("post", "/api/documents/{number}/copies/{copy_number}/destruction"),
    ("post", "/api/documents/{number}/copies/{copy_number}/destruction/witness"),
    ("post", "/api/documents/{number}/copies/{copy_number}/loss"),
    ("post", "/api/bodies"),
    ("get", "/api/bodies/{prefix}"),
    ("post", "/api/bodies/{prefix}/members"),
    ("post", "/api/bodies/{prefix}/secretary"),
    ("post", "/api/bodies/{prefix}/papers"),
    ("get", "/api/bodies/{prefix}/meetings"),
    ("post", "/api/bodies/{prefix}/meetings"),
    ("get", "/api/bodies/{prefix}/meetings/{meeting}"),
    ("post", "/api/bodies/{prefix}/meetings/{meeting}/sign"),
    ("post", "/api/bodies/{prefix}/meetings/{meeting}/points"),
    ("post", "/api/bodies/{prefix}/meetings/{meeting}/points/{point}/attachments"),
    ("post", "/api/bodies/{prefix}/meetings/{meeting}/points/{point}/corrections"),
    ("post", "/api/bodies/{prefix}/meetings/{meeting}/points/{point}/extract"),
    ("post", "/api/cases"),
    ("post", "/api/cases/{number}/documents"),
    ("get", "/api/imports"),
    ("post", "/api/imports"),
    ("get", "/api/imports/{batch_id}"),
    ("post", "/api/imports/{batch_id}/resume"),
    ("post", "/api/documents/{number}/scans"),
    ("get", "/api/scans/{scan_id}"),
    ("post", "/api/scans/{scan_id}/read-again"),
}


def schema() -> dict:
    return Client().get("/api/openapi.json").json()


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_the_schema_is_openapi_3_with_every_operation_once(db):
    spec = schema()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "Secretariat"
    found = list(operations(spec))
    assert {(m, p) for m, p, _ in found} == BUILT
    ids = [op["operationId"] for _, _, op in found]
    assert len(ids) == len(set(ids)) == len(BUILT)
    for method, path, op in found:
        assert op["responses"], (method, path)
        assert set(re.findall(r"{(\w+)}", path)) == {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert ("security" in op) != (path == "/api/releases"), path
    refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', Client().get("/api/openapi.json").content.decode()))
    assert refs and refs <= set(spec["components"]["schemas"])
    assert spec["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}


# Each operation's statuses: 2xx as it answers; 401 when it needs a token; 404 when it takes a number or an id
# (or a channel); 409 where its service may refuse; 400 and 422 where it takes a body, 422 a query parameter.
# No operation answers 403 (409 instead: a 403 would say "it exists") or 429 (no rate limit).
STATUSES = {
    "list_imports": {200, 401, 422},
    "queue_import": {201, 400, 401, 409, 422},
    "show_import": {200, 401, 404},
    "resume_import": {200, 401, 404, 409},
    "add_scan": {201, 400, 401, 404, 409, 422},
    "show_scan": {200, 401, 404},
    "read_scan_again": {200, 401, 404, 409},
    "search_documents": {200, 401, 422},
    "list_documents": {200, 401, 422},
    "read_document": {200, 401, 404},
    "list_copies": {200, 401, 404, 422},
    "issue_copies": {201, 400, 401, 404, 409, 422},
    "confirm_receipt": {200, 401, 404, 409},
    "return_copy": {200, 401, 404, 409},
    "list_cables": {200, 401, 422},
    "show_cable": {200, 401, 404},
    "acknowledge_cable": {200, 401, 404, 409},
    "file_report": {201, 400, 401, 404, 409, 422},
    "list_controls": {200, 401, 422},
    "list_releases": {200, 404, 422},
    "list_pending_releases": {200, 401, 422},
    "publish_release": {201, 400, 401, 404, 409, 422},
    "list_cases": {200, 401, 422},
    "show_case": {200, 401, 404},
    "close_case": {200, 401, 404, 409},
    "list_tokens": {200, 401, 422},
    "issue_token": {201, 400, 401, 409, 422},
    "revoke_token": {200, 401, 404, 409},
    "list_access_requests": {200, 401, 409, 422},
    "request_principal": {201, 400, 401, 409, 422},
    "approve_access_request": {200, 401, 404, 409},
    "reject_access_request": {200, 400, 401, 404, 409, 422},
    "list_principals": {200, 401, 409, 422},
    "show_principal": {200, 401, 404},
    "change_clearance": {200, 202, 400, 401, 404, 409, 422},
    "grant_roles": {202, 400, 401, 404, 409, 422},
    "request_reset": {202, 401, 404, 409},
    "deactivate": {200, 400, 401, 404, 409, 422},
    "list_units": {200, 401, 422},
    "add_unit": {201, 400, 401, 409, 422},
    "list_compartments": {200, 401, 422},
    "add_compartment": {201, 400, 401, 409, 422},
    "draft_cable": {201, 400, 401, 404, 409, 422},
    "approve_cable": {200, 400, 401, 404, 409, 422},
    "send_cable": {200, 401, 404, 409},
    "instruct": {201, 400, 401, 404, 409, 422},
    "cancel_control": {200, 400, 401, 404, 409, 422},
    "add_channel": {201, 400, 401, 409, 422},
    "add_editor": {200, 400, 401, 404, 409, 422},
    "prepare_release": {201, 400, 401, 404, 409, 422},
    "add_repository": {201, 400, 401, 409, 422},
    "describe_unit": {200, 400, 401, 404, 409, 422},
    "transfer_case": {201, 400, 401, 404, 409, 422},
    "check_fixity": {200, 400, 401, 404, 409, 422},
    "list_items": {200, 401, 422},
    "import_transcription": {201, 400, 401, 404, 409, 422},
    "read_item": {200, 401, 404},
    "set_instruction": {200, 400, 401, 404, 409, 422},
    "record_event": {200, 400, 401, 404, 409, 422},
    "phrase_redactions": {200, 401, 404, 422},
    "decide_review": {200, 400, 401, 404, 409, 422},
    "review_queue": {200, 401, 422},
    "publish": {200, 401, 404, 409},
    "add_item_scan": {200, 400, 401, 404, 409, 422},
    "withdraw": {200, 400, 401, 404, 409, 422},
    "register_document": {201, 400, 401, 409, 422},
    "add_to_distribution": {201, 400, 401, 404, 409, 422},
    "add_version": {201, 400, 401, 404, 409, 422},
    "add_attachment": {201, 400, 401, 404, 409, 422},
    "record_destruction": {200, 400, 401, 404, 409, 422},
    "witness_destruction": {200, 401, 404, 409},
    "report_loss": {201, 400, 401, 404, 409, 422},
    "add_body": {201, 400, 401, 409, 422},
    "show_body": {200, 401, 404},
    "add_members": {200, 400, 401, 404, 409, 422},
    "appoint_secretary": {200, 400, 401, 404, 409, 422},
    "register_body_paper": {201, 400, 401, 404, 409, 422},
    "list_meetings": {200, 401, 404, 422},
    "record_meeting": {201, 400, 401, 404, 409, 422},
    "read_protocol": {200, 401, 404, 422},
    "sign_protocol": {200, 401, 404, 409},
    "record_point": {201, 400, 401, 404, 409, 422},
    "attach_to_point": {201, 400, 401, 404, 409, 422},
    "correct_point": {201, 400, 401, 404, 409, 422},
    "make_extract": {201, 400, 401, 404, 409, 422},
    "open_case": {201, 400, 401, 404, 409, 422},
    "add_to_case": {200, 400, 401, 404, 409, 422},
}
PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_every_operation_lists_its_statuses_and_every_error_is_the_one_problem(db):
    spec = schema()
    found = {op["operationId"]: (path, op) for _, path, op in operations(spec)}
    assert {op_id: {int(s) for s in op["responses"]} for op_id, (_, op) in found.items()} == STATUSES
    for op_id, (path, op) in found.items():
        responses = {int(status): response for status, response in op["responses"].items()}
        takes_input = "requestBody" in op or any(p["in"] != "path" for p in op["parameters"])
        assert (401 in responses) == ("security" in op), op_id
        assert (404 in responses) >= ("{" in path), op_id  # a number or an id in the path
        assert (422 in responses) == takes_input, op_id
        assert (400 in responses) == ("requestBody" in op), op_id
        for status, response in responses.items():
            if status >= 400:
                assert response["content"] == PROBLEM_CONTENT, (op_id, status)
                assert response["description"], (op_id, status)
            else:
                assert list(response["content"]) == ["application/json"], (op_id, status)
        if 401 in responses:
            assert responses[401]["headers"]["WWW-Authenticate"]["required"] is True
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "instance", "errors"}
    assert problem["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert "urn:secretariat:problem:invalid-request" in problem["properties"]["type"]["enum"]
    text = Client().get("/api/openapi.json").content.decode()
    assert '"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}' not in text


@settings(max_examples=200, deadline=None)
@given(
    marking=st.from_regex(schemas.CLASSIFICATION, fullmatch=True),
    value=st.from_regex(schemas.BLANK_VALUE, fullmatch=True).filter(lambda v: len(v) <= 200),
    line=st.from_regex(schemas.LINE_FILLED, fullmatch=True),
    body=st.from_regex(schemas.BODY_FILLED, fullmatch=True),
)
def test_what_the_document_allows_the_services_take(marking, value, line, body):
    """The document's patterns are no wider than the services' checks, the text rule's included: what
    matches one is taken."""
    Classification.parse(marking)
    assert FIELD_VALUE.fullmatch(value.strip())
    assert bounded(line, "a name", 10**6) == line.strip()
    assert texts.line(line, "a name") == line
    texts.body(body, "a text")
    assert bounded(body, "a text", 10**6)


@settings(max_examples=200, deadline=None)
@given(
    number=st.from_regex(schemas.NUMBER, fullmatch=True).filter(lambda n: len(n) <= 60),
    prefix=st.from_regex(schemas.BODY_PREFIX, fullmatch=True),
    unit=st.from_regex(schemas.UNIT_CODE, fullmatch=True),
    body=st.from_regex(schemas.BODY, fullmatch=True),
    level=st.from_regex(schemas.LEVEL, fullmatch=True),
    compartment=st.from_regex(schemas.COMPARTMENT, fullmatch=True),
)
def test_what_the_document_allows_as_a_name_or_a_text_the_services_take(number, prefix, unit, body, level, compartment):
    """A registration number (and a point, at most 20 characters of one), a body's prefix, a unit's code, a
    body of text, a clearance and a compartment's code that match the document's patterns are taken as the
    services check them."""
    Level.parse(level)
    normalise_compartment(compartment)
    assert check_registration_number(number) == number
    assert re.fullmatch(r"[A-Z][A-Z0-9]{0,7}", prefix.strip().upper())  # decisions.services.add_body
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", unit)  # accounts.services.add_unit
    assert re.fullmatch(schemas.ADDRESSEE, f"unit:{unit}")
    texts.body(body, "a text")


def test_the_docs_page_works_offline_from_the_apps_own_static_files(db):
    page = Client().get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert "swagger-ui-bundle.js" in html and "/api/openapi.json" in html
    for asset in assets:
        assert Client().get(asset).status_code == 200, asset


# Plausible values from the demo for every path parameter, and bodies for the writes.
PARAMETERS = {
    "batch_id": "1",
    "scan_id": "1",
    "copy_number": "1",
    "template_id": "1",
    "token_id": "1",
    "request_id": "1",
    "username": "gromyko",
    "identifier": "tskhsd-89-25-44",
    "code": "tass",
    "control_id": "1",
    "prefix": "P",
    "meeting": "46",
    "point": "X",
}
NUMBER_BY_PREFIX = {
    "/api/documents": "P46/X",
    "/api/cables": "TEL-1",
    "/api/cases": "CASE-2",
    "/api/extracts": "P47/5",
}
BODIES = {
    "issue_copies": {"holders": ["gromyko"]},
    "file_report": {"text": "Done."},
    "publish_release": {"values": {"day": "21"}},
    "issue_token": {"name": "probe"},
    "request_principal": {"username": "probe", "clearance": "TOP SECRET", "roles": ["member"]},
    "reject_access_request": {"reason": "probe"},
    "change_clearance": {"clearance": "UNCLASSIFIED"},
    "grant_roles": {"roles": ["archivist"]},
    "deactivate": {"reason": "probe"},
    "add_unit": {"code": "probe", "name": "Probe"},
    "add_compartment": {"code": "PROBE"},
    "register_document": {"title": "Probe", "classification": "SECRET", "dated": "1977-02-18"},
    "add_to_distribution": {"addressees": ["gromyko"]},
    "add_version": {"text": "Probe."},
    "add_attachment": {"title": "Probe", "classification": "SECRET"},  # multipart/form-data
    "add_scan": {"title": "Probe"},  # multipart/form-data, its file missing
    "record_destruction": {"certificate": "probe"},
    "report_loss": {"circumstances": "probe"},
    "add_body": {"name": "Probe", "prefix": "PR"},
    "add_members": {"members": ["gromyko"]},
    "appoint_secretary": {"secretary": "secretary"},
    "register_body_paper": {"title": "Probe", "classification": "SECRET", "dated": "1977-02-18"},
    "record_meeting": {"number": 50, "held_on": "1977-03-01"},
    "record_point": {"identifier": "Y", "title": "Probe", "decision": "Probe.", "classification": "SECRET"},
    "attach_to_point": {"title": "Probe", "text": "Probe.", "classification": "SECRET"},
    "correct_point": {"title": "Probe", "decision": "Probe.", "reason": "probe"},
    "open_case": {"title": "Probe", "documents": ["P46/X"]},
    "add_to_case": {"documents": ["P46/X"]},
}
PUBLIC = {"list_releases"}
# A query a read needs to answer anything: the words of the reference case's classified papers.
QUERIES = {"search_documents": {"q": "Vance ambassador"}}


def concrete(path: str) -> str:
    number = next((n for prefix, n in NUMBER_BY_PREFIX.items() if path.startswith(prefix + "/")), None)
    return re.sub(r"{(\w+)}", lambda m: number if m.group(1) == "number" else PARAMETERS[m.group(1)], path)


@pytest.mark.parametrize("username", ["visitor", "dobrynin"])
def test_no_operation_gives_the_uncleared_or_the_not_addressed_anything_classified(demo, username):
    tokens.issue_token(principal_by_username("admin"), "not theirs")  # token 1: nobody probing owns it
    client = Client(
        headers={"Authorization": f"Bearer {tokens.issue_token(principal_by_username(username), 'probe').secret}"}
    )
    answered = {}
    for method, path, op in operations(schema()):
        url = concrete(path) if "{" in path else path
        body = BODIES.get(op["operationId"], {})
        if method == "get":
            response = client.get(url, QUERIES.get(op["operationId"], {}))
        elif "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
            response = client.post(url, body)  # the test client's default: multipart/form-data
        else:
            response = client.post(url, body, content_type="application/json")
        answered[op["operationId"]] = response.status_code
        assert str(response.status_code) in op["responses"], (username, url, response.status_code)
        if op["operationId"] in PUBLIC:
            continue
        assert not leaks(response.content.decode()), (username, url)
        if "{number}" in path and path.startswith("/api/documents"):
            assert response.status_code in (404, 409), (username, url, response.status_code)
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["instance"] == url
    assert len(answered) == len(BUILT)
    assert answered["read_document"] == answered["list_copies"] == 404
    assert answered["revoke_token"] == 404 and answered["close_case"] == 409
