"""Secretariat's REST API: the use cases of the desks, over HTTP, through the same services.

Base URL: /api/. OpenAPI 3 schema at /api/openapi.json, interactive docs at /api/docs (served
from the app's own static files; no CDN).

Authentication: `Authorization: Bearer <token>`. A principal issues tokens for themselves
(`secretariat token create --as USER --name NAME`, or POST /api/tokens) and sees each once;
only its SHA-256 is stored. A revoked token, or the token of a deactivated principal, gets 401.
Public releases (GET /api/releases) need no token.

Every handler calls one selector or service, so the access rule, the audited reads (reading
content appends document.read) and the refusals are those of the desks and the CLI.

Errors are problem details (RFC 9457, `application/problem+json`, one Problem schema) with `type`,
`title`, `status`, `detail` (the message meant for the person who asked), `instance` (the path
asked) and, in an invalid-request problem, `errors` (each field's fault). Each operation lists the
statuses it may answer, every error among them (see `api/problems.py`):
  400 urn:secretariat:problem:malformed-request the body is not JSON (or holds a lone surrogate), or not
                                             multipart/form-data where an operation takes a file
  401 urn:secretariat:problem:unauthenticated no valid token (with WWW-Authenticate: Bearer)
  404 urn:secretariat:problem:not-found      missing, or not yours to see: the two look the same
  409 urn:secretariat:problem:refused        well-formed, but the rules or the state refuse it
                                             (409 rather than 403: 403 would say "it exists",
                                             so no operation answers 403)
  422 urn:secretariat:problem:invalid-request the request does not match this document
  422 urn:secretariat:problem:invalid-input  the document allows it, but a service found it
                                             inconsistent with the registry (an unknown holder,
                                             a blank the announcement does not have)
  405 about:blank                            a method the address does not take (with Allow)
  500 about:blank                            a failure of ours
  503 urn:secretariat:problem:unavailable    the database or the audit key cannot be reached (Retry-After)
There is no rate limit on the API (no 429). Nothing is changed when an error is returned.

Lists are paged, every one the same way: `limit` (1 to 500, by default 50) and `offset` (by default 0) in the
query. The answer stays a JSON list, of at most `limit` rows, in the order the list gives (its docstring says
which), ties broken by the rows' ids, so that the pages of a list that does not change neither skip nor repeat
a row; a page shorter than `limit` is the last. Listing content is an audited read: of the page's tasks for
controls; of every pending announcement for GET /releases/pending, whose selector reads them all before the
page is cut.

The desks' operations: registry (register a paper, its distribution, versions, attachments as
multipart/form-data with an optional file, a copy's destruction recorded and witnessed, its loss), bodies and
their meetings (members, secretary, papers; a meeting recorded, its points with their papers, the protocol
signed and read, a point corrected, its extract made), case files (opened, papers added, closed). Each
operation's id is the name of the service it calls.
"""

import http
import json
import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from ninja import Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from secretariat.accounts import presenters as token_presenters
from secretariat.accounts import selectors as token_selectors
from secretariat.accounts import services as token_services
from secretariat.api.problems import ProblemAPI, problem, problems
from secretariat.api.schemas import (
    PATTERN_MEANING,
    AccessRequestOut,
    ApprovedOut,
    CableOut,
    CaseDetailOut,
    ControlOut,
    CopyOut,
    IssueIn,
    Paging,
    PrincipalRequestIn,
    PublishedOut,
    PublishIn,
    ReadingOut,
    RejectIn,
    ReleaseOut,
    ReportIn,
    ReportOut,
    TemplateOut,
    Text,
    TokenIn,
    TokenIssuedOut,
    TokenOut,
)
from secretariat.cables import presenters as cable_presenters
from secretariat.cables import selectors as cable_selectors
from secretariat.cables import services as cable_services
from secretariat.cables.selectors import CableReading
from secretariat.cases import presenters as case_presenters
from secretariat.cases import selectors as case_selectors
from secretariat.cases import services as case_services
from secretariat.kernel import clock, faults
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, ServiceError
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action
from secretariat.registry import presenters as registry_presenters
from secretariat.registry import selectors as registry_selectors
from secretariat.registry import services as registry_services
from secretariat.releases import presenters as release_presenters
from secretariat.releases import selectors as release_selectors
from secretariat.releases import services as release_services
from secretariat.render.selectors import read_for_rendering

logger = logging.getLogger(__name__)

# Registration numbers contain '/' (P46/X): the path takes them whole, and only them.

SERVICE_PROBLEMS = [  # most specific first
    (NotFound, 404, "not-found", "Not found"),
    (InvalidInput, 422, "invalid-input", "Invalid input"),
    (Refused, 409, "refused", "Refused"),
    (ServiceError, 409, "refused", "Refused"),
]


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the request then acts as the token's principal."""

    def authenticate(self, request: HttpRequest, token: str):
        return token_services.principal_for_token(token)


class TextJSON(Parser):
    """JSON bodies as text: an escaped lone surrogate ("\\ud800") is no character and no database keeps it,
    so a body holding one is malformed (400), as one that is not JSON at all."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        json.dumps(data, ensure_ascii=False).encode()  # UnicodeEncodeError on a lone surrogate
        return data


api = ProblemAPI(
    title="Secretariat",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=BearerToken(),
    parser=TextJSON(),
)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    for cls, status, kind, title in SERVICE_PROBLEMS:
        if isinstance(exc, cls):
            return problem(request, status, kind, title, exc.message)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = problem(
        request, 401, "unauthenticated", "Unauthenticated", "send a valid API token: Authorization: Bearer <token>"
    )
    challenge = 'Bearer realm="secretariat"'
    if request.headers.get("Authorization"):
        challenge += ', error="invalid_token"'
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(ValidationError)
def invalid_request(request, exc: ValidationError):
    errors = [{"loc": [str(part) for part in e.get("loc", ())], "msg": _message(e)} for e in exc.errors]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or "the request does not match the schema"
    return problem(request, 422, "invalid-request", "Invalid request", detail, errors=errors)


def _message(error: dict) -> str:
    """pydantic's message, but a pattern of ours said as what it means rather than as a regular expression."""
    pattern = (error.get("ctx") or {}).get("pattern") if error.get("type") == "string_pattern_mismatch" else None
    return PATTERN_MEANING.get(pattern) or str(error.get("msg", ""))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return problem(request, 400, "malformed-request", "Malformed request", "the request body is not valid JSON")
    return problem(request, exc.status_code, "", http.HTTPStatus(exc.status_code).phrase, str(exc))


@api.exception_handler(MultiPartParserError)
def malformed_form(request, exc):
    return problem(
        request, 400, "malformed-request", "Malformed request", "the request body is not valid multipart/form-data"
    )


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def beyond_any_request_allowed(request, exc):
    """A body larger than the largest the document allows (settings.DATA_UPLOAD_MAX_MEMORY_SIZE is above it), or a
    form of more fields or files than any operation takes: it cannot match the document."""
    detail = "the request body is larger, or holds more fields, than any this document allows"
    return problem(request, 422, "invalid-request", "Invalid request", detail)


@api.exception_handler(Http404)
def not_found(request, exc):
    return no_such_operation(request)


@api.exception_handler(Exception)
def server_error(request, exc):
    cause = faults.describe(exc)
    if cause is not None:  # a fault of the machine: say so, and to try later; the cause is for the log
        logger.error("API unavailable: %s", cause)
        response = problem(
            request,
            503,
            "unavailable",
            "Unavailable",
            "the registry cannot reach its database or keys; nothing was changed",
        )
        response["Retry-After"] = "60"
        return response
    logger.exception("API request failed: %s %s", request.method, request.path)
    return problem(request, 500, "", "Internal Server Error", "the request failed; nothing was changed")


@csrf_exempt  # as django-ninja's own views: no cookie authenticates here, so a POST is answered, not refused
def no_such_operation(request, *args, **kwargs) -> JsonResponse:
    """Any address under /api/ that names no operation: a problem, not an HTML page."""
    return problem(request, 404, "not-found", "Not found", "no API operation at this address")


def _classification(value: str | None) -> Classification | None:
    if value is None:
        return None
    try:
        return Classification.parse(value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


# Documents and copies (GET /documents, with POST /documents, is in api/operations/registry.py, and GET /cases in
# api/operations/cases.py: Django gives a path to the first router that has it, so a path's methods share one)


@api.get(
    "/documents/{regno:number}",
    response={200: ReadingOut, **problems(404)},
    operation_id="read_document",
    tags=["documents"],
)
def read_document(request, number: str):
    """A document's content (an audited read); a cable's parts, guidance only for its recipients."""
    reading = read_for_rendering(request.auth, number).reading
    parts = None
    if isinstance(reading, CableReading):
        parts = [{"label": p.label, "text": p.text, "guidance": p.guidance} for p in reading.parts]
        reading = reading.reading
    return {**registry_presenters.reading_json(reading), "parts": parts}


@api.get(
    "/documents/{regno:number}/copies",
    response={200: list[CopyOut], **problems(404)},
    operation_id="list_copies",
    tags=["copies"],
    by_alias=True,
)
def list_copies(request, number: str, paging: Query[Paging]):
    """The copies of a document you may see in the register (a holder sees their own), by copy number."""
    registry_selectors.register_entry(request.auth, number)
    now = clock.now()
    return [registry_presenters.copy_json(c, now) for c in paging.of(registry_selectors.copies(request.auth, number))]


@api.post(
    "/documents/{regno:number}/copies",
    response={201: list[CopyOut], **problems(404, 409, 422)},
    operation_id="issue_copies",
    tags=["copies"],
    by_alias=True,
)
def issue_copies(request, number: str, payload: IssueIn | None = None):
    """Issue numbered copies (registrar): to the holders named, else to everyone on the distribution without one."""
    names = payload.holders if payload is not None else None
    holders = [principal_by_username(u) for u in names] if names is not None else None
    copies = registry_services.issue_copies(request.auth, number, holders)
    now = clock.now()
    return Status(201, [registry_presenters.copy_json(c, now) for c in copies])


@api.post(
    "/documents/{regno:number}/copies/{int:copy_number}/receipt",
    response={200: CopyOut, **problems(404, 409)},
    operation_id="confirm_receipt",
    tags=["copies"],
    by_alias=True,
)
def confirm_receipt(request, number: str, copy_number: int):
    """The holder confirms receipt of their copy."""
    copy = registry_services.confirm_receipt(request.auth, number, copy_number)
    return registry_presenters.copy_json(copy, clock.now())


@api.post(
    "/documents/{regno:number}/copies/{int:copy_number}/return",
    response={200: CopyOut, **problems(404, 409)},
    operation_id="return_copy",
    tags=["copies"],
    by_alias=True,
)
def return_copy(request, number: str, copy_number: int):
    """The registry takes a copy back from its holder (registrar)."""
    copy = registry_services.return_copy(request.auth, number, copy_number)
    return registry_presenters.copy_json(copy, clock.now())


# Cables and controls


@api.get("/cables", response=list[CableOut], operation_id="list_cables", tags=["cables"])
def list_cables(request, paging: Query[Paging], in_register: bool = Query(False, alias="register")):
    """Cables you may read, or with `register=true` see in the register: their register side."""
    rows = cable_selectors.cables(request.auth, Action.REGISTER if in_register else Action.VIEW)
    return [cable_presenters.cable_json(c) for c in paging.of(rows)]


@api.get(
    "/cables/{regno:number}", response={200: CableOut, **problems(404)}, operation_id="show_cable", tags=["cables"]
)
def show_cable(request, number: str):
    """A cable's register side (state, date-time group, addressees, dates); its text is GET /documents/{number}."""
    return cable_presenters.cable_json(cable_selectors.cable_entry(request.auth, number))


@api.post(
    "/cables/{regno:number}/acknowledge",
    response={200: CableOut, **problems(404, 409)},
    operation_id="acknowledge_cable",
    tags=["cables"],
)
def acknowledge_cable(request, number: str):
    """The action post confirms it has the cable; its control is then acknowledged."""
    return cable_presenters.cable_json(cable_services.acknowledge_cable(request.auth, number))


@api.post(
    "/cables/{regno:number}/report",
    response={201: ReportOut, **problems(404, 409, 422)},
    operation_id="file_report",
    tags=["cables"],
)
def file_report(request, number: str, payload: ReportIn):
    """Report a control on the paper done: a reply cable from a post, else a report to the body's secretary."""
    report = cable_services.file_report(
        request.auth,
        number,
        text=payload.text,
        control=payload.control,
        title=payload.title,
        classification=_classification(payload.classification),
    )
    return Status(201, {**registry_presenters.document_json(report), "references": number})


@api.get("/controls", response=list[ControlOut], operation_id="list_controls", tags=["controls"])
def list_controls(request, paging: Query[Paging], mine: bool = False, overdue: bool = False):
    """Controls you may see (`mine`: open ones on you or your post; `overdue`: past due; both: those of
    yours that are past due). Tasks you may read are content, so listing them is an audited read."""
    by, now = request.auth, clock.now()
    if mine and overdue:
        rows = cable_selectors.overdue_controls_on(by, now)
    elif mine:
        rows = cable_selectors.controls_on(by)
    elif overdue:
        rows = cable_selectors.overdue_controls(by, now)
    else:
        rows = cable_selectors.controls(by)
    return [cable_presenters.control_json(c, now) for c in cable_selectors.read_controls(by, paging.of(rows))]


# Releases


@api.get(
    "/releases",
    auth=None,
    response={200: list[ReleaseOut], **problems(404)},
    operation_id="list_releases",
    tags=["releases"],
)
def list_releases(request, paging: Query[Paging], channel: Text | None = None):
    """What went out through the public channels, newest first. Public: no token needed."""
    rows = release_selectors.releases(release_selectors.channel(channel) if channel else None)
    return [release_presenters.release_json(r) for r in paging.of(rows)]


@api.get("/releases/pending", response=list[TemplateOut], operation_id="list_pending_releases", tags=["releases"])
def list_pending_releases(request, paging: Query[Paging]):
    """Prepared announcements not yet released that you may read (an audited read when classified), oldest
    first."""
    rows = release_selectors.read_templates(request.auth, pending=True, page=paging.of)
    return [release_presenters.template_json(t) for t in rows]


@api.post(
    "/releases/{int:template_id}/publish",
    response={201: PublishedOut, **problems(404, 409, 422)},
    operation_id="publish_release",
    tags=["releases"],
)
def publish_release(request, template_id: int, payload: PublishIn):
    """Release a prepared announcement with its blanks filled (an editor of its channel)."""
    released = release_services.release(request.auth, template_id, payload.values)
    return Status(201, release_presenters.release_json(released, internal=True))


# Case files


@api.get(
    "/cases/{regno:number}", response={200: CaseDetailOut, **problems(404)}, operation_id="show_case", tags=["cases"]
)
def show_case(request, number: str):
    """A case file's papers and, while it is open, what keeps it open."""
    case = case_selectors.case_file(request.auth, number)
    return case_presenters.case_json(case, [] if case.is_closed else case_selectors.still_missing(case))


@api.post(
    "/cases/{regno:number}/close",
    response={200: CaseDetailOut, **problems(404, 409)},
    operation_id="close_case",
    tags=["cases"],
)
def close_case(request, number: str):
    """Close a case file; refused, naming what is missing, while a control is open or a copy out."""
    return case_presenters.case_json(case_services.close_case(request.auth, number), [])


# Tokens


@api.get("/tokens", response=list[TokenOut], operation_id="list_tokens", tags=["tokens"])
def list_tokens(request, paging: Query[Paging]):
    """Your API tokens (an admin: everyone's), never with their secret, oldest first."""
    return [token_presenters.token_json(t) for t in paging.of(token_selectors.tokens(request.auth))]


@api.post("/tokens", response={201: TokenIssuedOut, **problems(409, 422)}, operation_id="issue_token", tags=["tokens"])
def issue_token(request, payload: TokenIn):
    """Issue yourself a new token; its secret is in this response and nowhere else."""
    issued = token_services.issue_token(request.auth, payload.name)
    return Status(201, {**token_presenters.token_json(issued.token), "token": issued.secret})


@api.post(
    "/tokens/{int:token_id}/revoke",
    response={200: TokenOut, **problems(404, 409)},
    operation_id="revoke_token",
    tags=["tokens"],
)
def revoke_token(request, token_id: int):
    """Revoke one of your tokens (an admin: anyone's); it stops working at once."""
    return token_presenters.token_json(token_services.revoke_token(request.auth, token_id))


# Access: requests for grants, decided by a second officer. The token is the approver's proof
# of who they are (a token is issued only to its holder, on the command line with their password).


@api.get(
    "/access-requests",
    response={200: list[AccessRequestOut], **problems(409)},
    operation_id="list_access_requests",
    tags=["access"],
)
def list_access_requests(request, paging: Query[Paging], pending: bool = True):
    """Requests for access, oldest first (administrators and security officers)."""
    rows = token_selectors.access_requests(request.auth, pending_only=pending)
    return [token_presenters.request_json(r) for r in paging.of(rows)]


@api.post(
    "/access-requests",
    response={201: AccessRequestOut, **problems(409, 422)},
    operation_id="request_principal",
    tags=["access"],
)
def request_principal(request, payload: PrincipalRequestIn):
    """Ask for a new principal (administrators); it exists once another officer approves."""
    asked = token_services.request_principal(request.auth, **payload.dict())
    return Status(201, token_presenters.request_json(asked))


@api.post(
    "/access-requests/{int:request_id}/approve",
    response={200: ApprovedOut, **problems(404, 409)},
    operation_id="approve_access_request",
    tags=["access"],
)
def approve_access_request(request, request_id: int):
    """Approve another officer's request; a new principal or a reset comes with its activation code, once."""
    return token_presenters.approved_json(token_services.approve(request.auth, request_id))


@api.post(
    "/access-requests/{int:request_id}/reject",
    response={200: AccessRequestOut, **problems(404, 409, 422)},
    operation_id="reject_access_request",
    tags=["access"],
)
def reject_access_request(request, request_id: int, payload: RejectIn):
    """Turn a request down (or withdraw your own), saying why."""
    return token_presenters.request_json(token_services.reject(request.auth, request_id, payload.reason))


# The desks' operations, one router per app (api/operations/).
from secretariat.api.operations import (  # noqa: E402
    accounts,
    archive,
    cables,
    cases,
    decisions,
    imports,
    registry,
    releases,
    scans,
)

for operations in (registry, scans, decisions, cases, cables, releases, archive, imports, accounts):
    api.add_router("", operations.router)
