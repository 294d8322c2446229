"""The archive: units of description (ISAD(G) levels), items, transfers, declassification.

A repository holds fonds; a fonds holds series (opis); a series holds files (delo) or, as in
the reference case's "Fond 89 Opis 25 Document 44", items directly. An item is one archival
document: the text as the archive keeps it (a closed case's document, or an imported
transcription), its annotations, its archival reference and foliation, its classification as
originally marked and as it stands now, and its declassification instruction. Publication
(`published_at`) is separate from classification: a declassified item is public only once an
archivist publishes it, and what is published is the text minus the redactions of the review
that declassified it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from secretariat.accounts.models import Compartment
from secretariat.cases.models import CaseFile
from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.models import Classified
from secretariat.kernel.restriction import RestrictedQuerySet
from secretariat.registry.models import Document
from secretariat.scans.models import Scan, ScanPage
from secretariat.scans.words import Box


class Repository(models.Model):
    """An archive: "TsKhSD", the Central Archive of Contemporary Documents."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=300)
    country_code = models.CharField(max_length=2, default="RU")
    agency_code = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ArchiveUnit(models.Model):
    """A fonds, a series (opis) or a file (delo): the levels of description above the item."""

    class Level(models.TextChoices):
        FONDS = "fonds", "fonds"
        SERIES = "series", "series (opis)"
        FILE = "file", "file (delo)"

    repository = models.ForeignKey(Repository, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.CharField(max_length=10, choices=Level.choices)
    identifier = models.CharField(max_length=30)
    title = models.CharField(max_length=500, blank=True)
    # Kept with the unit by archive.summaries (on publish, withdraw and describe) for the exports:
    # its full reference, and a summary of the published items under it. All nullable, so adding
    # them rebuilds no table.
    reference = models.CharField(max_length=200, null=True, blank=True, help_text="TsKhSD/89/25")  # noqa: DJ001
    published_count = models.PositiveIntegerField(null=True, blank=True)
    published_from = models.DateField(null=True, blank=True)
    published_to = models.DateField(null=True, blank=True)
    published_creators = models.JSONField(null=True, blank=True)
    published_languages = models.JSONField(null=True, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["repository", "level", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "identifier"], name="unit_identifier_once_per_parent"),
            models.UniqueConstraint(
                fields=["repository", "identifier"],
                condition=Q(parent__isnull=True),
                name="fonds_identifier_once_per_repository",
            ),
            models.CheckConstraint(
                condition=Q(level="fonds", parent__isnull=True) | (~Q(level="fonds") & Q(parent__isnull=False)),
                name="only_a_fonds_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return " ".join(f"{u.level} {u.identifier}" for u in self.path())

    def path(self) -> list["ArchiveUnit"]:
        """The units from the fonds down to this one."""
        chain, unit = [], self
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain[::-1]


class Transfer(models.Model):
    """A closed case file received into the archive, packed as a BagIt bag."""

    case = models.OneToOneField(CaseFile, on_delete=models.PROTECT, related_name="transfer")
    unit = models.ForeignKey(ArchiveUnit, on_delete=models.PROTECT, related_name="transfers")
    bag = models.CharField(max_length=500, help_text="the bag's directory, under SECRETARIAT_ARCHIVE_DIR")
    payload_oxum = models.CharField(max_length=40)
    tagmanifest_sha512 = models.CharField(max_length=128)
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(help_text="the last fixity check (the first on receipt)")
    problems = models.JSONField(default=list, help_text="what the last fixity check found wrong; empty: intact")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"transfer of {self.case}"

    @property
    def payload_octets(self) -> int:
        """The payload's size in bytes, from its Payload-Oxum ("octets.files")."""
        return int(self.payload_oxum.partition(".")[0])

    @property
    def payload_files(self) -> int:
        return int(self.payload_oxum.partition(".")[2])


class Item(Classified):
    """One archival document. `level`/`compartments` are its classification now; `marked_*` as
    it was originally marked (a facet in the reading room, never changed). The text as the
    archive holds it, withheld spans included, stays at the marked classification: reading it
    needs clearance for that, whatever the item is now."""

    class Source(models.TextChoices):
        TRANSFER = "transfer", "transferred from the registry"
        TRANSCRIPTION = "transcription", "imported transcription"

    class Instruction(models.TextChoices):
        DATE = "date", "review on a date"
        EVENT = "event", "review after an event"
        EXEMPTION = "exemption", "exempt; review on a date"

    unit = models.ForeignKey(ArchiveUnit, on_delete=models.PROTECT, related_name="items")
    identifier = models.CharField(max_length=30, help_text="the document's number in its unit: 44")
    sheets = models.CharField(max_length=100, blank=True, help_text="foliation as written: 1-7, 121-122, 2ob.")
    sheet_count = models.PositiveIntegerField(null=True, blank=True)
    reference_as_written = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="archive_item"
    )
    transfer = models.ForeignKey(Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    scan = models.OneToOneField(
        Scan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_item",
        help_text="the paper as scanned",
    )

    title = models.CharField(max_length=1000)
    creator = models.CharField(max_length=300, blank=True, help_text="the issuing body")
    document_type = models.CharField(max_length=40, blank=True)
    number = models.CharField(max_length=100, blank=True, help_text="as written: P46/X")
    date = models.DateField(null=True, blank=True)
    date_as_written = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=8, default="en")
    text = models.TextField(
        max_length=10_000_000, help_text="the archival text; never edited, redactions are spans over it"
    )
    transcription = models.JSONField(null=True, blank=True, help_text="what the importer read, field by field")

    marked_level = models.SmallIntegerField(choices=Level.choices)
    marked_compartments = models.ManyToManyField(Compartment, blank=True, related_name="marked_items")

    instruction = models.CharField(max_length=10, choices=Instruction.choices)
    review_on = models.DateField(null=True, blank=True)
    event = models.CharField(max_length=300, blank=True)
    event_occurred_on = models.DateField(null=True, blank=True)
    exemption = models.CharField(max_length=300, blank=True)

    declassified_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_text = models.TextField(
        max_length=20_000_000, blank=True, help_text="the text as published, each redaction a marked blank"
    )
    search_text = models.TextField(
        max_length=20_000_000,
        blank=True,
        help_text="what the reading room searches: the published title, number, text and annotations, normalised",
    )
    published_scan = models.FileField(
        upload_to="reading-room/%Y/",
        blank=True,
        help_text="the scan as published: its pages rasterised afresh with every box burned in, no withheld word",
    )
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["unit", "received_at", "id"]
        indexes = [models.Index(fields=["published_at", "id"], name="item_published_order")]  # OAI-PMH's keyset
        constraints = [
            models.UniqueConstraint(fields=["unit", "identifier"], name="item_identifier_once_per_unit"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(level=Level.UNCLASSIFIED, declassified_at__isnull=False),
                name="only_declassified_items_are_published",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=False) | Q(published_text="", search_text=""),
                name="only_published_items_have_a_published_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}, item {self.identifier}"

    @property
    def marked_classification(self) -> Classification:
        """As the paper was marked: what its withheld spans still are after declassification."""
        return Classification(Level(self.marked_level), frozenset(c.code for c in self.marked_compartments.all()))

    @property
    def is_restricted(self) -> bool:
        """A restricted category (an exemption, or a caveat such as SPECIAL FILE as marked or now)
        is never declassified without a reviewer."""
        return (
            self.instruction == self.Instruction.EXEMPTION
            or self.marked_compartments.exists()
            or self.compartments.exists()
        )


class Annotation(models.Model):
    """A mark on the page that is not body text: margin note, stamp, editor's remark, typist's
    mark, page marker."""

    class Kind(models.TextChoices):
        MARGIN = "margin", "margin note"
        STAMP = "stamp", "stamp"
        EDITORIAL = "editorial", "editor's remark"
        TYPIST = "typist", "typist's mark"
        PAGE = "page", "page marker"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="annotations")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField("annotation", max_length=100_000)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "position"], name="one_annotation_position")]


class Review(models.Model):
    """A declassification review: due by the clock, decided by a cleared archivist."""

    class Outcome(models.TextChoices):
        KEEP = "keep", "kept classified"
        DOWNGRADE = "downgrade", "downgraded"
        DECLASSIFY = "declassify", "declassified in full"
        REDACT = "redact", "declassified with redactions"
        AUTOMATIC = "automatic", "declassified automatically on its date"

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reviews")
    due_on = models.DateField()
    opened_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    level_before = models.SmallIntegerField(choices=Level.choices)
    level_after = models.SmallIntegerField(choices=Level.choices, null=True, blank=True)
    note = models.TextField(max_length=2_000, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(decided_at__isnull=True), name="one_pending_review_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"review of {self.item} due {self.due_on}"


class Redaction(models.Model):
    """A span withheld on publication, with the reason: of the item's text, or of one of its
    annotations (a margin note can name what the text withholds)."""

    class Reason(models.TextChoices):
        PRIVACY = "PRIVACY", "personal privacy of a living person"
        SOURCES = "SOURCES", "intelligence sources and methods"
        FOREIGN = "FOREIGN", "information given in confidence by a foreign government"
        DEFENCE = "DEFENCE", "military plans, weapons and defence capabilities"
        LAW = "LAW", "withheld under a statute"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="redactions")
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.PROTECT, related_name="redactions"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="redaction_not_empty")]


class PageRedaction(models.Model):
    """A box withheld on a page of the item's scan, with the reason: drawn by the reviewer on the page, or found
    from a withheld phrase through OCR's word boxes (`phrase` says which)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="page_redactions")
    page = models.ForeignKey(ScanPage, on_delete=models.PROTECT, related_name="+")
    x0 = models.PositiveIntegerField()
    y0 = models.PositiveIntegerField()
    x1 = models.PositiveIntegerField()
    y1 = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=Redaction.Reason.choices)
    phrase = models.CharField(max_length=300, blank=True, help_text="the withheld phrase the box was found from")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "page", "y0", "x0"]
        constraints = [
            models.CheckConstraint(
                condition=Q(x1__gt=models.F("x0"), y1__gt=models.F("y0")), name="page_redaction_not_empty"
            )
        ]

    @property
    def box(self) -> Box:
        return Box(self.x0, self.y0, self.x1, self.y1)


class PublishedPage(models.Model):
    """A page of a published item as readers see it: its scan's page rasterised afresh, every box burned in."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="published_pages")
    number = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    image = models.FileField(upload_to="reading-room/%Y/")
    thumbnail = models.FileField(upload_to="reading-room/%Y/")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="one_published_page_number")]

    THUMBNAIL_WIDTH = 200

    @property
    def thumbnail_size(self) -> tuple[int, int]:
        return self.THUMBNAIL_WIDTH, max(1, round(self.height * self.THUMBNAIL_WIDTH / self.width))
