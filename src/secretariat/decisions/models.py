"""Bodies that meet and decide: meetings, their protocols' points, and extracts of points."""

from django.conf import settings
from django.db import models

from secretariat.accounts.models import Unit
from secretariat.kernel.models import Addressee, Classified
from secretariat.kernel.restriction import RestrictedQuerySet
from secretariat.registry.models import Document


class Body(models.Model):
    """A collective organ; its papers go back to its registry unit within its return period.

    `motto`, `letterhead` and `salutation` are how the body's papers are headed and addressed
    ("Proletariats of the World unite!", "… THE CENTRAL COMMITTEE", "To: comrades …").
    """

    name = models.CharField(max_length=200, unique=True)
    prefix = models.CharField(max_length=8, unique=True, help_text="registration prefix, e.g. P")
    return_days = models.PositiveSmallIntegerField(default=7)
    registry_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="bodies")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    motto = models.CharField(max_length=200, blank=True)
    letterhead = models.CharField(max_length=300, blank=True)
    salutation = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name


class BodyPaper(models.Model):
    """A registered paper that is a body's: its extracts, the cables carrying out its decisions
    and the reports on them. The body's secretary needs to know it (the access rule), and
    reports on it go to that secretary. The registry itself knows nothing of bodies."""

    document = models.OneToOneField(Document, primary_key=True, on_delete=models.PROTECT, related_name="body_paper")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="papers")

    def __str__(self) -> str:
        return f"No {self.document.number}, a paper of {self.body}"


class Meeting(models.Model):
    """A numbered meeting of a body. Its protocol is its points; once signed it never changes
    except by a correction, which is a new version of a point with a reason."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField()
    held_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["body", "number"]
        constraints = [models.UniqueConstraint(fields=["body", "number"], name="one_meeting_number_per_body")]

    def __str__(self) -> str:
        return f"protocol No {self.number} of {self.body}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Point(Classified):
    """A point of a protocol, identified as the body writes it ("X", "12", "45/III").

    `approver` is whoever the decision names to approve the drafts it carries (none: the
    body's secretary approves on the body's behalf).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="points")
    position = models.PositiveSmallIntegerField()
    identifier = models.CharField(max_length=20)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "identifier"], name="one_point_identifier_per_meeting")
        ]

    def __str__(self) -> str:
        return f"point {self.identifier} of protocol No {self.meeting.number}"

    def current(self) -> "PointVersion":
        return self.versions.order_by("-number").first()


class PointVersion(models.Model):
    """The title and decision of a point. A correction adds a version; none is overwritten."""

    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=1000)
    decision = models.TextField(max_length=100_000)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["point", "number"]
        constraints = [models.UniqueConstraint(fields=["point", "number"], name="one_point_version_number")]


class PointAddressee(Addressee):
    """Who the decision goes to: the distribution list its extract is addressed to."""

    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="addressees")

    class Meta(Addressee.Meta):
        ordering = ["point", "position"]


class PointAttachment(Classified):
    """A paper the point carries (a draft, with its own classification)."""

    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    text = models.TextField(max_length=1_000_000)
    page_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["point", "position"]
        constraints = [models.UniqueConstraint(fields=["point", "position"], name="one_point_attachment_position")]


class Extract(models.Model):
    """The registered document made of one point (version) of a signed protocol."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="extract")
    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="extracts")
    point_version = models.ForeignKey(PointVersion, on_delete=models.PROTECT, related_name="+")
