"""Public channels (a news agency) and the releases that go out through them."""

import re

from django.conf import settings
from django.db import models

from secretariat.kernel.models import Classified
from secretariat.kernel.restriction import RestrictedQuerySet
from secretariat.registry.models import Document

FIELD = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")


class Channel(models.Model):
    """A public outlet with its editors; released texts are numbered in its series."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    series = models.CharField(max_length=20, unique=True)
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="channels")

    def __str__(self) -> str:
        return self.name


class ReleaseTemplate(Classified):
    """An announcement prepared inside a classified cable, with blanks ("{{day}}") filled when
    it goes out. It is as classified as the cable that carries it until released."""

    cable = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="release_templates")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="templates")
    title = models.CharField(max_length=500)
    text = models.TextField(max_length=100_000)
    prepared_at = models.DateTimeField()
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(FIELD.findall(self.text)))

    def fill(self, values: dict[str, str]) -> str:
        return FIELD.sub(lambda m: values[m.group(1)], self.text)


class Release(models.Model):
    """What went out: unclassified, public and immutable, with who reviewed it and when."""

    template = models.OneToOneField(ReleaseTemplate, on_delete=models.PROTECT, related_name="release")
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="release")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="releases")
    values = models.JSONField(default=dict)
    released_at = models.DateTimeField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-released_at", "-id"]
