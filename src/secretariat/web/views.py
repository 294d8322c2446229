"""The desks. The in-tray is every principal's: what I hold, what I owe, what came for my post."""

import json
import logging
import sys
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_safe

from secretariat.cables import selectors as cables
from secretariat.kernel import clock, faults, lists
from secretariat.kernel.desks import login_required
from secretariat.registry import selectors as registry


@require_safe
def home(request):
    return redirect("/in-tray/" if request.user.is_authenticated else "/login/")


@dataclass(frozen=True)
class TrayList:
    """One list of the in-tray, a page at a time: each list pages on its own (`?copies=2&controls=3`)."""

    page: Page
    param: str  # the list's page in the URL
    query: str  # the other lists' pages, kept in the pager's links

    @property
    def rows(self) -> list:
        return self.page.object_list


def _tray_list(request, rows, param: str) -> TrayList:
    page = Paginator(rows, lists.PAGE_SIZE).get_page(request.GET.get(param))
    kept = request.GET.copy()
    kept.pop(param, None)
    return TrayList(page, param, kept.urlencode())


@require_safe
@login_required
def in_tray(request):
    """What I hold, what I owe, what came for my post: each list a page at a time, each row read with what the
    page shows of it (the paper and its compartments) in a fixed number of queries."""
    principal, now = request.user, clock.now()
    copies = registry.holder_inventory(principal, principal).prefetch_related("document__compartments")
    controls = cables.controls_on(principal).prefetch_related("document__compartments")
    posts = cables.cables_for_post(principal).prefetch_related("document__compartments")
    controls_page = _tray_list(request, controls, "controls")
    context = {
        "now": now,
        "copies": _tray_list(request, copies, "copies"),
        "controls": controls_page,
        "controls_read": cables.read_controls(principal, controls_page.rows),
        "cables": _tray_list(request, posts, "cables"),
    }
    return render(request, "web/in_tray.html", context)


logger = logging.getLogger("secretariat")


def server_error(request):
    """Every uncaught error (Django's handler500, called while the exception is being handled).

    A fault of the machine (kernel.faults: the database damaged or down, the audit key gone, the
    disk full) is a 503 that says so and asks to try later, with the one-line cause in the log
    for the operator, not on the page; anything else is the plain 500 page. Neither renders
    through the base template, which may itself need the database.
    """
    cause = faults.describe(sys.exc_info()[1]) if sys.exc_info()[1] is not None else None
    status = 503 if cause else 500
    if cause:
        logger.error("registry unavailable: %s", cause)
    if request.path.startswith("/api/"):
        title = "The registry is unavailable" if cause else "Internal server error"
        body = {
            "type": f"urn:secretariat:problem:{'unavailable' if cause else 'server-error'}",
            "title": title,
            "status": status,
        }
        return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
    response = HttpResponse(loader.get_template(f"{status}.html").render(), status=status)
    if cause:
        response["Retry-After"] = "60"
    return response
