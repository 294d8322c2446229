"""A scanned file as it came in, what OCR read of it, and its pages as readers see them.

A scan belongs to what it is a scan of: a paper's attachment (the attachment carries its marking,
and the access rule reads the scan as it reads the attachment), or an archive item (the archive
points at its scan, as the item's own rule governs it). The file as sent is never changed; OCR
adds a searchable PDF/A beside it and one row per page with its image and word boxes.
"""

from django.conf import settings
from django.db import models

from secretariat.kernel.restriction import RestrictedQuerySet
from secretariat.registry.models import Attachment
from secretariat.scans.words import Page, Word


class Scan(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "waiting for OCR"
        READING = "reading", "being read"
        READ = "read", "read"
        FAILED = "failed", "OCR failed"

    attachment = models.OneToOneField(Attachment, null=True, blank=True, on_delete=models.PROTECT, related_name="scan")
    original = models.FileField(upload_to="scans/%Y/", help_text="the file as it was sent, never changed")
    name = models.CharField(max_length=300, help_text="the file's name as sent")
    content_type = models.CharField(max_length=40, help_text="as its bytes say, not its name")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    pages_read = models.PositiveIntegerField(default=0)
    error = models.TextField(max_length=2000, blank=True, help_text="why OCR failed, in words a clerk can act on")
    searchable = models.FileField(upload_to="scans/%Y/", blank=True, help_text="PDF/A with OCR's text layer")
    text = models.TextField(max_length=10_000_000, blank=True, help_text="what OCR read, page after page")
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    # Wall time of the worker's last sign of life while reading (the registry's clock may stand still).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_done(self) -> bool:
        return self.state in (self.State.READ, self.State.FAILED)


class ScanPage(models.Model):
    """One page as OCR left it (deskewed, turned upright): its image, a thumbnail, and where each word stands."""

    scan = models.ForeignKey(Scan, on_delete=models.PROTECT, related_name="pages")
    number = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    dpi = models.PositiveIntegerField()
    image = models.FileField(upload_to="scans/pages/%Y/")
    thumbnail = models.FileField(upload_to="scans/pages/%Y/")
    words = models.JSONField(default=list, help_text="[[text, x0, y0, x1, y1], …] in the image's pixels")
    hocr = models.TextField(max_length=10_000_000, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["scan", "number"]
        constraints = [models.UniqueConstraint(fields=["scan", "number"], name="one_scan_page_number")]

    def __str__(self) -> str:
        return f"{self.scan}, page {self.number}"

    @property
    def page(self) -> Page:
        return Page(self.width, self.height, self.dpi, tuple(Word.from_list(row) for row in self.words))
