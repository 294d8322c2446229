"""The API's errors: one shape (`schemas.Problem`, RFC 9457, `application/problem+json`), built here and
described here in the OpenAPI document.

Every error answer is made by `problem()`, through the Problem schema, so what is sent is what is documented.

`ProblemAPI.get_openapi_schema` writes each operation's error statuses into the document (as django-ninja's
maintainers advise for what its decorators cannot say: override `get_openapi_schema`), each as
`application/problem+json` with the one Problem schema; and answers a method an address does not take
(405, with `Allow`) with a problem too, not django-ninja's plain text. An operation's statuses are the union of
- those its handler declares in its `response={...}` dict with `problems(...)`: what its services may raise
  (404 NotFound, 409 Refused, 422 InvalidInput), and
- those the framework gives any operation of its shape: 401 when it needs a token; 400 (not JSON) and 422
  (not the schema) when it takes a body; 422 when it takes a query parameter; 404 when its path has a
  parameter. A path parameter never fails validation: its converter (`regno`, `int`) takes it whole, or the
  address names no operation (`no_such_operation`, 404).
"""

import functools

from django.http import HttpRequest, JsonResponse
from django.utils.encoding import escape_uri_path
from ninja import NinjaAPI

from secretariat.api.schemas import Problem

PROBLEM = "urn:secretariat:problem:"
MEDIA_TYPE = "application/problem+json"
SCHEMA_REF = "#/components/schemas/Problem"

# What an error status means in this API, whichever operation answers it: the description in the document.
MEANING = {
    400: "Malformed request (malformed-request): the body is not JSON.",
    401: "Unauthenticated (unauthenticated): no valid token. Send `Authorization: Bearer <token>`.",
    404: "Not found (not-found): missing, or not yours to see (the two look the same), or no operation at "
    "this address.",
    409: "Refused (refused): well-formed, but the rules or the state refuse it; nothing was changed.",
    422: "Invalid: the request does not match this document (invalid-request, with `errors` per field), or "
    "a service found the input inconsistent (invalid-input); nothing was changed.",
}


def problem(request: HttpRequest, status: int, kind: str, title: str, detail: str, **extra) -> JsonResponse:
    """An error answer: problem details of `kind` (a name under urn:secretariat:problem:, or "" for
    about:blank), checked against the Problem schema before it is sent."""
    body = Problem(
        type=PROBLEM + kind if kind else "about:blank",
        title=title,
        status=status,
        detail=detail,
        instance=escape_uri_path(request.path),
        **extra,
    )
    return JsonResponse(
        body.model_dump(mode="json", exclude_unset=True),
        status=status,
        content_type=MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def problems(*statuses: int) -> dict[int, type[Problem]]:
    """For an operation's `response={...}`: the error statuses its services may answer."""
    return dict.fromkeys(statuses, Problem)


def error_statuses(path: str, operation: dict) -> set[int]:
    """The error statuses of one operation of the document: its declared problems and its shape's."""
    declared = {
        int(status)
        for status, response in operation["responses"].items()
        if any(media.get("schema") == {"$ref": SCHEMA_REF} for media in response.get("content", {}).values())
    }
    given = set()
    if operation.get("security"):
        given.add(401)
    if "requestBody" in operation:
        given |= {400, 422}
    if any(p["in"] != "path" for p in operation.get("parameters", [])):
        given.add(422)
    if "{" in path:
        given.add(404)
    return declared | given


def problem_response(status: int) -> dict:
    response = {"description": MEANING[status], "content": {MEDIA_TYPE: {"schema": {"$ref": SCHEMA_REF}}}}
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": 'The challenge: `Bearer realm="secretariat"`, with `error="invalid_token"` when a '
                "token was sent.",
                "required": True,
                "schema": {"type": "string"},
            }
        }
    return response


def _wrong_method_as_problem(view):
    @functools.wraps(view)  # keeps django-ninja's csrf_exempt
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response["Allow"]
        wrong = problem(request, 405, "", "Method Not Allowed", f"this address takes {allowed}, not {request.method}")
        wrong["Allow"] = allowed
        return wrong

    return answer


class ProblemAPI(NinjaAPI):
    """A NinjaAPI whose errors are all problems, and whose OpenAPI document lists every error status of
    every operation as one."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _wrong_method_as_problem(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = document["components"]["schemas"]
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        schemas.update(problem_schema.pop("$defs", {}))
        schemas["Problem"] = problem_schema
        for path, item in document["paths"].items():
            for operation in item.values():
                errors = error_statuses(path, operation)
                responses = {s: r for s, r in operation["responses"].items() if int(s) not in errors}
                responses.update({status: problem_response(status) for status in errors})
                operation["responses"] = dict(sorted(responses.items(), key=lambda item: int(item[0])))
        return document
