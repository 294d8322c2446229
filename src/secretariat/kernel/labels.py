"""A choice's label in the reader's language.

A model's choices keep their English labels (the API, `--json`, the rendered papers and the
migrations give them as they are); a page shows them through a translation looked up when it is
drawn, with a context naming the field, so "issued" the copy state and "issued" elsewhere may be
translated apart. Each app lists its labels for `makemessages` in its own `labels.py`; a template
writes `{% translate value context "copy state" %}`, Python `shown("copy state", value)`.
"""

from django.utils.translation import pgettext, pgettext_lazy


def shown(context: str, label) -> str:
    """`label` (a choice's English label or value) in the active language."""
    return pgettext(context, str(label))


def choices_shown(context: str, choices) -> list[tuple[str, str]]:
    """A form's `(value, label)` choices with each label translated when the form is drawn."""
    return [(value, pgettext_lazy(context, str(label))) for value, label in choices]
