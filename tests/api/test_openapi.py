"""The OpenAPI schema, the offline docs, and every operation against the uncleared and the not-addressed."""

import re

import pytest
from django.test import Client

from secretariat.accounts import services as tokens
from secretariat.kernel.principals import principal_by_username
from tests.api.phrases import leaks

BUILT = {
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
PARAMETERS = {"copy_number": "1", "template_id": "1", "token_id": "1"}
NUMBER_BY_PREFIX = {"/api/documents": "P46/X", "/api/cables": "TEL-1", "/api/cases": "CASE-2"}
BODIES = {
    "issue_copies": {"holders": ["gromyko"]},
    "file_report": {"text": "Done."},
    "publish_release": {"values": {"day": "21"}},
    "issue_token": {"name": "probe"},
}
PUBLIC = {"list_releases"}


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
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, BODIES.get(op["operationId"], {}), content_type="application/json")
        answered[op["operationId"]] = response.status_code
        if op["operationId"] in PUBLIC:
            continue
        assert not leaks(response.content.decode()), (username, url)
        if "{number}" in path and path.startswith("/api/documents"):
            assert response.status_code in (404, 409), (username, url, response.status_code)
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json"
    assert len(answered) == len(BUILT)
    assert answered["read_document"] == answered["list_copies"] == 404
    assert answered["revoke_token"] == 404 and answered["close_case"] == 409
