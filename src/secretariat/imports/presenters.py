"""An import batch as the API and `--json` give it."""

from secretariat.imports import services
from secretariat.imports.models import ImportBatch


def batch_json(batch: ImportBatch) -> dict:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "state": batch.state,
        "source": batch.source,
        "queued_at": batch.queued_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
        "total": batch.total,
        "processed": batch.processed,
        "imported": batch.imported,
        "skipped": batch.skipped,
        "refused": batch.refused,
        "error": batch.error,
        "resumable": services.resumable(batch),
    }
