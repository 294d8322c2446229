"""The words of the registry's choices (kinds of paper, states of a copy), for translation: see kernel.labels."""

from django.utils.translation import pgettext_lazy

KIND = "paper kind"
COPY = "copy state"

LABELS = [
    pgettext_lazy("paper kind", "extract"),
    pgettext_lazy("paper kind", "draft"),
    pgettext_lazy("paper kind", "cable"),
    pgettext_lazy("paper kind", "report"),
    pgettext_lazy("paper kind", "announcement"),
    pgettext_lazy("paper kind", "note"),
    pgettext_lazy("copy state", "issued"),
    pgettext_lazy("copy state", "returned"),
    pgettext_lazy("copy state", "destroyed"),
    pgettext_lazy("copy state", "lost"),
]
