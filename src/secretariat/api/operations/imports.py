"""The import desk's operations over HTTP: queue a batch (multipart/form-data), follow it, resume it.

Each handler calls one service of imports/services.py: 404 for a batch missing or not yours, 409 for what the
rules refuse (a person without the role, a batch that is not stalled), 422 for files that cannot be a batch.
"""

from django.core.files import File as DjangoFile
from ninja import File, Form, Query, Router, Status, UploadedFile

from secretariat.api.problems import problems
from secretariat.api.schemas import ImportIn, ImportOut, Paging
from secretariat.archive.selectors import place_named, unit_named
from secretariat.imports import presenters, selectors, services
from secretariat.kernel.classification import Classification

router = Router(tags=["imports"])


@router.get("/imports", response=list[ImportOut], operation_id="list_imports")
def list_imports(request, paging: Query[Paging]):
    """The batches you queued, the latest first."""
    return [presenters.batch_json(b) for b in paging.of(selectors.batches_of(request.auth).defer(None))]


@router.post("/imports", response={201: ImportOut, **problems(409, 422)}, operation_id="queue_import")
def queue_import(request, payload: Form[ImportIn], files: File[list[UploadedFile]]):
    """Queue a batch for the worker: every paper through its use case (its rules, its audit event), a chunk per
    transaction. GET /imports/{id} shows how far it has got."""
    batch = services.queue_import(
        request.auth,
        payload.kind,
        [services.Sent(f.name, DjangoFile(f, name=f.name)) for f in files],
        into=_into(payload),
        classification=Classification.parse(payload.classification) if payload.classification else None,
    )
    return Status(201, presenters.batch_json(batch))


def _into(payload: ImportIn):
    if not payload.into.strip():
        return None
    return place_named(payload.into) if payload.kind == "ead" else unit_named(payload.into)


@router.get("/imports/{int:batch_id}", response={200: ImportOut, **problems(404)}, operation_id="show_import")
def show_import(request, batch_id: int):
    """A batch you queued: its state, how many papers it has handled, and the ones refused with the reason."""
    return presenters.batch_json(selectors.batch(request.auth, batch_id))


@router.post(
    "/imports/{int:batch_id}/resume",
    response={200: ImportOut, **problems(404, 409)},
    operation_id="resume_import",
)
def resume_import(request, batch_id: int):
    """Queue again a batch that failed, or whose worker stopped: what went in is skipped."""
    return presenters.batch_json(services.resume_import(request.auth, batch_id))
