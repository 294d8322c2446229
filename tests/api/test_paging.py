"""Every list of the API is paged alike: `limit` (1 to 500, by default 50) and `offset`, a JSON list in an order
that does not change between requests (ties broken by the rows' ids)."""

import re

from django.test import Client

from secretariat.api.schemas import Paging
from secretariat.audit.models import AuditEvent
from secretariat.cables.models import Control
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import selectors as registry_selectors
from secretariat.registry import services as registry
from secretariat.registry.models import Document

# A value for each path parameter of a list, from the demo.
PATH_VALUES = {"number": "P47/5", "prefix": "P", "identifier": "tskhsd-89-25-44"}
# The query a list needs besides its page: where a phrase stands in the extract (several places), to withhold.
QUERIES = {
    "/api/archive/items/{identifier}/phrase-redactions": {"phrase": "Vance", "reason": "PRIVACY"},
    "/api/search": {"q": "Vance"},
}


def list_operations(spec: dict):
    """(path, operation) of every operation that answers a JSON list."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
            if method == "get" and ok.get("schema", {}).get("type") == "array":
                yield path, operation


def test_every_list_takes_limit_and_offset(db):
    spec = Client().get("/api/openapi.json").json()
    lists = dict(list_operations(spec))
    assert {op["operationId"] for op in lists.values()} >= {
        "list_documents",
        "list_copies",
        "list_cables",
        "list_controls",
        "list_releases",
        "list_pending_releases",
        "list_cases",
        "list_tokens",
        "list_access_requests",
        "list_meetings",
    }
    for path, operation in lists.items():
        query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        limit, offset = query["limit"], query["offset"]
        assert not limit["required"] and not offset["required"], path
        assert limit["schema"] | {"description": None, "title": None} == {
            "type": "integer",
            "minimum": 1,
            "maximum": 500,
            "default": 50,
            "description": None,
            "title": None,
        }, path
        assert offset["schema"]["minimum"] == 0 and offset["schema"]["default"] == 0, path
        assert "422" in operation["responses"], path  # a limit of 0 or 501 is refused
    assert "`limit`" in spec["info"]["description"] and "`offset`" in spec["info"]["description"]


def test_every_list_answers_a_page_of_one(api_as):
    spec = Client().get("/api/openapi.json").json()
    clients = {name: api_as(name) for name in ("registrar", "gromyko", "admin", "archivist")}
    answered, longest = set(), 0
    for path, _ in list_operations(spec):
        url = re.sub(r"{(\w+)}", lambda m: PATH_VALUES[m.group(1)], path.removeprefix("/api"))
        query = QUERIES.get(path, {})
        for client in clients.values():
            whole = client.get(url, **query)
            if whole.status_code != 200:
                continue
            rows = whole.json()
            answered.add(path)
            longest = max(longest, len(rows))
            assert client.get(url, limit=1, **query).json() == rows[:1], url
            assert client.get(url, limit=1, offset=1, **query).json() == rows[1:2], url
            assert client.get(url, offset=len(rows), **query).json() == [], url
    assert answered == {path for path, _ in list_operations(spec)} and longest > 2


def test_the_pages_of_a_list_neither_skip_nor_repeat_a_row_and_the_default_is_50(api_as):
    registrar = principal_by_username("registrar")
    for k in range(60):
        registry.register_document(
            registrar,
            title=f"Note {k}",
            classification=Classification.parse("CONFIDENTIAL"),
            text="",
            dated=clock.now().date(),
        )
    client = api_as("registrar")
    everything = [d["number"] for d in client.get("/documents", register="true", limit=500).json()]
    assert len(everything) == Document.objects.count() > 60 and len(set(everything)) == len(everything)
    assert len(client.get("/documents", register="true").json()) == 50
    pages = []
    for offset in range(0, len(everything), 7):
        pages += [d["number"] for d in client.get("/documents", register="true", limit=7, offset=offset).json()]
    assert pages == everything
    for wrong in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}):
        response = client.get("/documents", register="true", **wrong)
        assert response.status_code == 422 and response.json()["type"] == "urn:secretariat:problem:invalid-request"
        assert response.json()["errors"][0]["loc"][-1] == next(iter(wrong))


def test_ties_are_broken_by_the_rows_ids(demo):
    """A list ordered by a column that may repeat (controls by their due date) is ordered by id after it."""
    rows = Paging(limit=10).of(Control.objects.order_by("due_at"))
    assert list(rows.query.order_by) == ["due_at", "pk"]
    rows = Paging(limit=10).of(Control.objects.all())  # the model's own ordering: due_at, id
    assert rows.query.order_by == () or list(rows.query.order_by)[-1] in ("id", "pk")
    registrar = principal_by_username("registrar")
    documents = registry_selectors.documents(registrar)
    assert [d.pk for d in Paging(limit=2, offset=1).of(documents)] == [d.pk for d in documents][1:3]
    assert Paging(limit=2).of([1, 2, 3]) == [1, 2]


def test_a_page_of_content_records_the_reads_of_that_page_only(api_as):
    """Listing controls reads their tasks (an audited read): a page past the end reads nothing."""
    gromyko = api_as("gromyko")
    before = AuditEvent.objects.filter(action="control.read").count()
    assert gromyko.get("/controls", mine="true", offset=1).json() == []
    assert AuditEvent.objects.filter(action="control.read").count() == before
    assert len(gromyko.get("/controls", mine="true", limit=1).json()) == 1
    assert AuditEvent.objects.filter(action="control.read").count() == before + 1


def test_no_two_schemas_of_the_api_share_a_name():
    """The OpenAPI document names each schema by its class: two of one name (UnitIn in accounts and in the
    archive) would give one operation the other's body, and a client built from the document would be refused."""
    import ninja

    from secretariat.api import api as _assembled  # noqa: F401  (every router imported)

    named: dict[str, set[str]] = {}
    stack = list(ninja.Schema.__subclasses__())
    while stack:
        schema = stack.pop()
        stack.extend(schema.__subclasses__())
        if schema.__module__.startswith("secretariat."):
            named.setdefault(schema.__name__, set()).add(schema.__module__)
    assert not {name: modules for name, modules in named.items() if len(modules) > 1}
