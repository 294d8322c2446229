"""Scans on a paper's register entry: send them, follow their OCR, look at their pages.

Thin: a POST calls one service (add_scan, read_again) and goes back to the entry; the entry's scans panel reads
through the selectors, and while a scan is being read htmx asks for its progress every two seconds.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from secretariat.kernel.desks import desk, login_required
from secretariat.kernel.errors import InvalidInput, NotFound, ServiceError
from secretariat.kernel.principals import Role
from secretariat.scans import selectors, services
from secretariat.scans.forms import ScansForm

registrar_desk = desk(Role.REGISTRAR)


def scans_panel(request, *, document, bound=None, error=None) -> str:
    """On a paper's register entry: its scans (with OCR's progress) and the form to send more."""
    context = {
        "document": document,
        "scans": selectors.scans_of_paper(request.user, document),
        "form": bound or ScansForm(auto_id="scans-%s"),
        "error": error,
    }
    return render_to_string("scans/_panel.html", context, request=request)


@registrar_desk
@require_POST
def add_scans(request, number: str):
    form = ScansForm(request.POST, request.FILES, auto_id="scans-%s")
    added = []
    try:
        if not form.is_valid():
            raise InvalidInput(_("check the fields marked below"))
        d = form.cleaned_data
        for upload in d["files"]:
            added.append(
                services.add_scan(
                    request.user,
                    number,
                    name=upload.name,
                    data=upload.read(),
                    title=d["title"] if len(d["files"]) == 1 else "",
                    classification=d["classification"],
                )
            )
    except NotFound:
        raise Http404("no such document") from None
    except ServiceError as exc:
        if added:
            messages.success(request, _queued(added))
        messages.error(request, _("Not done: %(message)s") % {"message": exc.message})
        return redirect(f"/registry/{number}/#scans-heading")
    messages.success(request, _queued(added))
    return redirect(f"/registry/{number}/#scans-heading")


def _queued(added) -> str:
    return ngettext(
        "%(count)s scan queued for OCR: its page shows how it goes",
        "%(count)s scans queued for OCR: their pages show how they go",
        len(added),
    ) % {"count": len(added)}


def _scan(request, scan_id: int):
    try:
        return selectors.scan(request.user, scan_id)
    except NotFound:
        raise Http404("no such page") from None


@never_cache
@login_required
@require_safe
def scan_page(request, scan_id: int):
    """A scan: how its OCR went, and for whoever may read it its pages and the text OCR read (an audited read)."""
    shown = _scan(request, scan_id)
    if shown.readable:
        shown = selectors.read_scan(request.user, scan_id)
        shown.readable = True
    return render(request, "scans/scan.html", {"scan": shown, "rereadable": services.rereadable(shown)})


@never_cache
@login_required
@require_safe
def scan_progress(request, scan_id: int):
    """A scan's OCR progress alone (htmx swaps it in every two seconds until it is read or failed)."""
    scan = _scan(request, scan_id)
    context = {"scan": scan, "rereadable": services.rereadable(scan), "compact": request.GET.get("compact") == "1"}
    return render(request, "scans/_progress.html", context)


@never_cache
@login_required
@require_safe
def page_image(request, scan_id: int, number: int, thumbnail: bool = False):
    """A page's image, or its thumbnail (an audited read of a classified scan)."""
    try:
        image = selectors.page_image(request.user, scan_id, number, thumbnail=thumbnail)
    except NotFound:
        raise Http404("no such page") from None
    return FileResponse(image.open("rb"), content_type="image/png")


@login_required
@require_POST
def read_again(request, scan_id: int):
    try:
        scan = services.read_again(request.user, scan_id)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(f"/scans/{scan_id}/")
    messages.success(request, _("Scan %(id)s queued for OCR again") % {"id": scan.pk})
    return redirect(f"/scans/{scan.pk}/")
