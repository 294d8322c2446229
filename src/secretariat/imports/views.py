"""The import desk (/imports/): send a batch of transcriptions or register entries, follow it as the worker goes.

Thin: a POST calls one service (queue_import, resume_import) and goes to the batch's page; the page reads the
batch through the selectors, and while it runs, htmx asks for its progress every two seconds.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from secretariat.archive.selectors import place_named, unit_named
from secretariat.imports import selectors, services
from secretariat.imports.forms import EntriesForm, FindingAidForm, TranscriptionsForm
from secretariat.imports.models import ImportBatch
from secretariat.kernel.desks import desk, paged
from secretariat.kernel.errors import InvalidInput, NotFound, ServiceError
from secretariat.kernel.principals import Role

DESK = "/imports/"
import_desk = desk(Role.ARCHIVIST, Role.REGISTRAR)


def _batch(request, batch_id: int) -> ImportBatch:
    try:
        return selectors.batch(request.user, batch_id)
    except NotFound:
        raise Http404("no such page") from None


def _forms(request, bound: dict | None = None) -> dict:
    forms = {}
    if request.user.has_role(Role.ARCHIVIST):
        forms["transcriptions_form"] = TranscriptionsForm(request.user, auto_id="transcriptions-%s")
        forms["ead_form"] = FindingAidForm(auto_id="ead-%s")
    if request.user.has_role(Role.REGISTRAR):
        forms["entries_form"] = EntriesForm(auto_id="entries-%s")
    return forms | (bound or {})


def _desk_page(request, bound: dict | None = None, error: ServiceError | None = None, status: int = 200):
    context = {"batches": paged(request, selectors.batches_of(request.user), "page"), "error": error}
    return render(request, "imports/desk.html", context | _forms(request, bound), status=status)


@require_safe
@import_desk
def import_desk_page(request):
    return _desk_page(request)


def _queue(request, form, key: str, kind: str, files, options):
    """Queue the batch the form sends; its page next, or the desk again with the form's errors."""
    try:
        if not form.is_valid():
            raise InvalidInput(_("check the fields marked below"))
        sent = [services.Sent(f.name, f) for f in files(form.cleaned_data)]
        batch = services.queue_import(request.user, kind, sent, **options(form.cleaned_data))
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        status = 422 if isinstance(exc, InvalidInput) else 409
        return _desk_page(request, bound={key: form}, error=exc, status=status)
    messages.success(
        request,
        _("Import %(id)s queued: %(source)s, %(total)s papers; this page shows how it goes")
        % {"id": batch.pk, "source": batch.source, "total": batch.total},
    )
    return redirect(f"{DESK}{batch.pk}/")


@require_POST
@import_desk
def queue_transcriptions(request):
    form = TranscriptionsForm(request.user, request.POST, request.FILES, auto_id="transcriptions-%s")
    return _queue(
        request,
        form,
        "transcriptions_form",
        ImportBatch.Kind.TRANSCRIPTIONS,
        lambda d: d["files"],
        lambda d: {"into": unit_named(d["into"]) if d["into"] else None, "classification": d["classification"]},
    )


@require_POST
@import_desk
def queue_entries(request):
    form = EntriesForm(request.POST, request.FILES, auto_id="entries-%s")
    return _queue(request, form, "entries_form", ImportBatch.Kind.REGISTER, lambda d: [d["file"]], lambda d: {})


@require_safe
@import_desk
def batch_page(request, batch_id: int):
    batch = _batch(request, batch_id)
    return render(request, "imports/batch.html", {"batch": batch, "resumable": services.resumable(batch)})


@require_safe
@import_desk
def batch_progress(request, batch_id: int):
    """The batch's progress alone (htmx swaps it in every two seconds until the batch is done)."""
    batch = _batch(request, batch_id)
    return render(request, "imports/_progress.html", {"batch": batch, "resumable": services.resumable(batch)})


@require_POST
@import_desk
def resume(request, batch_id: int):
    try:
        batch = services.resume_import(request.user, batch_id)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(f"{DESK}{batch_id}/")
    messages.success(request, _("Import %(id)s queued again: what went in is skipped") % {"id": batch.pk})
    return redirect(f"{DESK}{batch.pk}/")


@require_POST
@import_desk
def queue_finding_aid(request):
    form = FindingAidForm(request.POST, request.FILES, auto_id="ead-%s")
    return _queue(
        request,
        form,
        "ead_form",
        ImportBatch.Kind.EAD,
        lambda d: [d["file"]],
        lambda d: {
            "into": place_named(d["into"]) if d["into"].strip() else None,
            "classification": d["classification"],
        },
    )
