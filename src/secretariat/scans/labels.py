"""The words of a scan's states, for translation: see kernel.labels."""

from django.utils.translation import pgettext_lazy

STATE = "scan state"

LABELS = [
    pgettext_lazy("scan state", "queued"),
    pgettext_lazy("scan state", "reading"),
    pgettext_lazy("scan state", "read"),
    pgettext_lazy("scan state", "failed"),
]
