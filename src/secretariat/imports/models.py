"""An import batch: a file someone sent from the web or the API, queued for the worker, and how far it got."""

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One queued import. The worker reads `file` and sends each paper through its use case (its rules and its
    audit event), a chunk per transaction, counting as it goes; the page shows the counts as they grow."""

    class Kind(models.TextChoices):
        TRANSCRIPTIONS = "transcriptions", "transcriptions into the archive"
        REGISTER = "register", "register entries"
        EAD = "ead", "a finding aid (EAD 2002) into the archive"

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        FINISHED = "finished", "finished"
        FAILED = "failed", "failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    source = models.CharField(max_length=300, help_text="what was sent: a file's name, or how many files")
    file = models.FileField(upload_to="imports/%Y/")
    options = models.JSONField(default=dict, blank=True)  # the import's own choices: the unit, the marking
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Wall time of the worker's last sign of life (not the registry's clock, which the demo stands still): a
    # batch running with no heartbeat for STALLED_AFTER was left by a worker that died, and may be resumed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(null=True, blank=True)  # papers in the file, once the worker has read it
    processed = models.PositiveIntegerField(default=0)  # papers handled so far, of every outcome
    imported = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # there already (an earlier run, or another way in)
    refused = models.JSONField(default=list, blank=True)  # [{"key": …, "reason": …}] as the rules said
    error = models.TextField(blank=True, max_length=2000)  # why a failed batch stopped

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["by", "-queued_at"])]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.source})"

    @property
    def is_done(self) -> bool:
        return self.state in (self.State.FINISHED, self.State.FAILED)

    @property
    def into(self) -> str:
        """Where the batch goes, as people write it ('TsKhSD/89/90'); '' where each paper says for itself."""
        into = self.options.get("into") or []
        return "/".join(part for part in (into.values() if isinstance(into, dict) else into) if part)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.processed * 100 // self.total)
