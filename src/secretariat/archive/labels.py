"""The words of the archive's choices (levels of description, instructions, annotations, outcomes, reasons).

For translation: see kernel.labels. EAD, OAI-PMH and the API give the English labels as they are.
"""

from django.utils.translation import pgettext_lazy

UNIT = "archive level"
INSTRUCTION = "instruction"
ANNOTATION = "annotation"
OUTCOME = "review outcome"
REASON = "redaction reason"

LABELS = [
    pgettext_lazy("archive level", "fonds"),
    pgettext_lazy("archive level", "series (opis)"),
    pgettext_lazy("archive level", "file (delo)"),
    pgettext_lazy("instruction", "review on a date"),
    pgettext_lazy("instruction", "review after an event"),
    pgettext_lazy("instruction", "exempt; review on a date"),
    pgettext_lazy("annotation", "margin note"),
    pgettext_lazy("annotation", "stamp"),
    pgettext_lazy("annotation", "editor's remark"),
    pgettext_lazy("annotation", "typist's mark"),
    pgettext_lazy("annotation", "page marker"),
    pgettext_lazy("review outcome", "kept classified"),
    pgettext_lazy("review outcome", "downgraded"),
    pgettext_lazy("review outcome", "declassified in full"),
    pgettext_lazy("review outcome", "declassified with redactions"),
    pgettext_lazy("review outcome", "declassified automatically on its date"),
    pgettext_lazy("redaction reason", "personal privacy of a living person"),
    pgettext_lazy("redaction reason", "intelligence sources and methods"),
    pgettext_lazy("redaction reason", "information given in confidence by a foreign government"),
    pgettext_lazy("redaction reason", "military plans, weapons and defence capabilities"),
    pgettext_lazy("redaction reason", "withheld under a statute"),
]
