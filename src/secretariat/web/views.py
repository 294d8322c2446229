"""The desks. The in-tray is every principal's: what I hold, what I owe, what came for my post."""

import json
import logging
import sys

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_safe

from secretariat.cables import selectors as cables
from secretariat.kernel import clock, faults
from secretariat.kernel.desks import login_required, paged
from secretariat.registry import selectors as registry


@require_safe
def home(request):
    return redirect("/in-tray/" if request.user.is_authenticated else "/login/")


@require_safe
@login_required
def in_tray(request):
    """What I hold, what I owe, what came for my post: each list a page at a time, each row read with what the
    page shows of it (the paper and its compartments) in a fixed number of queries."""
    principal, now = request.user, clock.now()
    copies = registry.holder_inventory(principal, principal).prefetch_related("document__compartments")
    controls = cables.controls_on(principal).prefetch_related("document__compartments")
    posts = cables.cables_for_post(principal).prefetch_related("document__compartments")
    controls_page = paged(request, controls, "controls")
    context = {
        "now": now,
        "copies": paged(request, copies, "copies"),
        "controls": controls_page,
        "controls_read": cables.read_controls(principal, controls_page.rows),
        "cables": paged(request, posts, "cables"),
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
