"""The page of a paper, as its reader may see it (an audited read) between two banners, with the
reader's own copy and the history they may see; and the PDF of their copy."""

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from secretariat.cables.selectors import CableReading
from secretariat.kernel import clock
from secretariat.kernel.desks import login_required
from secretariat.kernel.errors import NotFound
from secretariat.registry import selectors as registry_selectors
from secretariat.registry.presenters import copy_row
from secretariat.render.page import level_class, page
from secretariat.render.pdf import render_pdf
from secretariat.render.selectors import read_for_rendering
from secretariat.scans import selectors as scan_selectors


@never_cache
@login_required
@require_safe
def document_page(request, number: str):
    """A paper as its reader may see it (an audited read), between two banners, with their copy."""
    principal = request.user
    try:
        rendering = read_for_rendering(principal, number)
    except NotFound:
        raise Http404("no such document") from None
    reading = rendering.reading
    document = (reading.reading if isinstance(reading, CableReading) else reading).document
    layout = page(reading)
    portions = [
        {
            "attachment": portion.attachment,
            "lines": [(line, level_class(line.marks) if line.marks else "") for line in portion.lines],
        }
        for portion in layout.portions
    ]
    copy = registry_selectors.own_copy(principal, number)
    context = {
        "document": document,
        "layout": layout,
        "portions": portions,
        "copy": copy,
        "copy_row": copy_row(copy, clock.now()) if copy is not None else None,
        "history": registry_selectors.document_history(principal, document),
        "scans": [scan for scan in scan_selectors.scans_of_paper(principal, document) if scan.readable],
    }
    return render(request, "render/page.html", context)


@never_cache
@login_required
@require_safe
def copy_pdf(request, number: str, k: int):
    """The holder's own copy as a PDF, marked with its number and trace; an audited read."""
    try:
        with transaction.atomic():
            rendering = read_for_rendering(request.user, number, k)
            content = render_pdf(rendering.reading, rendering.copy)
    except NotFound:
        raise Http404("no such copy") from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number.replace("/", "-")}-copy-{k}.pdf"'
    return response
