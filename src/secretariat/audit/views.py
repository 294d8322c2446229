"""The audit desk: the events an auditor may see, filtered and paged; the tree head, the latest
signed checkpoint, and a verification of the whole log on demand.

Metadata only: events name who did what to which object, never what a paper says. Which
events an auditor sees is the access rule's to say (through audit.selectors).
"""

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from secretariat.audit import presenters, selectors, services
from secretariat.audit.verification import verify_log
from secretariat.kernel.desks import desk
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.lists import refused_csv
from secretariat.kernel.principals import Role

PAGE_SIZE = 50
auditor_desk = desk(Role.AUDITOR)


def _day(text: str, what: str) -> dt.datetime | None:
    """The start of a day written YYYY-MM-DD (UTC); None when left blank."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min, tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(
            _("%(what)s must be a day written YYYY-MM-DD, not %(text)s") % {"what": what, "text": repr(text)}
        ) from None


def _filtered(principal, query):
    """The events the auditor may see, narrowed by the form's filters, newest first."""
    events = selectors.visible_events(principal)
    if action := query.get("action", "").strip():
        events = events.filter(action=action)
    if actor := query.get("actor", "").strip():
        events = events.filter(actor_name=actor)
    if object_type := query.get("object_type", "").strip():
        events = events.filter(object_type=object_type)
    if (since := _day(query.get("from", ""), _("from"))) is not None:
        events = events.filter(at__gte=since)
    if (until := _day(query.get("to", ""), _("to"))) is not None:
        events = events.filter(at__lt=until + dt.timedelta(days=1))
    return events.order_by("-seq")


@auditor_desk
@require_safe
def audit_desk(request):
    error, status = None, 200
    try:
        events = _filtered(request.user, request.GET)
    except InvalidInput as exc:
        error, status = exc, 422
        events = selectors.visible_events(request.user).order_by("-seq")
    size = selectors.tree_size()
    filters = request.GET.copy()
    filters.pop("page", None)
    page = Paginator(events.select_related("actor"), PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.names_of(page.object_list)
    context = {
        "page": page,
        "rows": [(event, presenters.sentence(event, names)) for event in page.object_list],
        "actions": sorted(presenters.PHRASES),
        "filters": {key: request.GET.get(key, "") for key in ("action", "actor", "object_type", "from", "to")},
        "query": filters.urlencode(),
        "head": {"size": size, "root": services.tree_root(size).hex()},
        "checkpoint": selectors.latest_checkpoint(),
        "error": error,
    }
    return render(request, "audit/desk.html", context, status=status)


@auditor_desk
@require_safe
def events_csv(request):
    """Every event the filters match (not one page), oldest first, as CSV, streamed: metadata only."""
    try:
        events = _filtered(request.user, request.GET).order_by("seq")
    except InvalidInput as exc:
        return refused_csv(exc)
    response = StreamingHttpResponse(
        presenters.events_csv(events.select_related("actor").iterator(chunk_size=2000), selectors.names_of),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response


@require_safe
def checkpoints(request):
    """Every signed tree head, oldest first, as C2SP signed notes one after another: public and
    unauthenticated, so anyone may keep them and later catch a log that was cut or rewritten.
    A head says how many events there are and their Merkle root, nothing of what they say."""
    notes = selectors.checkpoint_notes()
    return StreamingHttpResponse(notes, content_type="text/plain; charset=utf-8")


@require_safe
def latest_checkpoint(request):
    """The newest signed tree head alone (what a witness polls); 404 before the first."""
    latest = selectors.latest_checkpoint()
    if latest is None:
        return HttpResponse("no checkpoint signed yet\n", status=404, content_type="text/plain; charset=utf-8")
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8")


@csrf_exempt  # no cookie authenticates here: the note carries its own signature
@require_http_methods(["GET", "HEAD", "POST"])
def witnessed(request):
    """This registry as a witness of other logs: POST a signed head (text/plain, a C2SP signed
    note by a key in SECRETARIAT_AUDIT_WITNESS_FOR) to have it kept; GET the heads kept
    (`?origin=` one log's). Public, as heads carry no content."""
    if request.method == "POST":
        try:
            _, new = services.witness_head(request.body.decode("utf-8", "replace"))
        except InvalidInput as exc:
            return HttpResponse(exc.message + "\n", status=422, content_type="text/plain; charset=utf-8")
        return HttpResponse(status=201 if new else 200)
    notes = selectors.witnessed_notes(request.GET.get("origin", ""))
    return StreamingHttpResponse(notes, content_type="text/plain; charset=utf-8")


@auditor_desk
@require_POST
def verify(request):
    """Recompute the whole tree and check every signed checkpoint; show ok, or the first bad event."""
    report = verify_log()
    template = "audit/_verification.html" if request.headers.get("HX-Request") else "audit/verification.html"
    return render(request, template, {"report": report, "first": report.first_bad})
