"""The desks. The in-tray is every principal's: what I hold, what I owe, what came for my post."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from secretariat.cables import selectors as cables
from secretariat.kernel import clock
from secretariat.kernel.desks import login_required
from secretariat.registry import selectors as registry


@require_safe
def home(request):
    return redirect("/in-tray/" if request.user.is_authenticated else "/login/")


@require_safe
@login_required
def in_tray(request):
    principal, now = request.user, clock.now()
    context = {
        "now": now,
        "copies": list(registry.holder_inventory(principal, principal)),
        "controls": cables.read_controls(principal, cables.controls_on(principal)),
        "cables": list(cables.cables_for_post(principal)),
    }
    return render(request, "web/in_tray.html", context)
