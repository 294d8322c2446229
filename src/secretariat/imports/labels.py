"""The words of the import desk's choices (kinds of batch, its states), for translation: see kernel.labels."""

from django.utils.translation import pgettext_lazy

KIND = "import kind"
STATE = "import state"

LABELS = [
    pgettext_lazy("import kind", "transcriptions into the archive"),
    pgettext_lazy("import kind", "register entries"),
    pgettext_lazy("import kind", "a finding aid (EAD 2002) into the archive"),
    pgettext_lazy("import state", "queued"),
    pgettext_lazy("import state", "running"),
    pgettext_lazy("import state", "finished"),
    pgettext_lazy("import state", "failed"),
]
