"""The words of the choices accounts shows (roles, kinds of request, their states, kinds of unit), for translation.

The choices' labels stay in the models as they are (English, as the API and `--json` give them, and as the
migrations hold them); a page shows them through these entries, looked up when it is drawn: a template by
`{% translate value context "…" %}`, Python by `kernel.labels.shown(...)`.
"""

from django.utils.translation import pgettext_lazy

ROLE = "role"
REQUEST = "access request"
UNIT = "unit kind"

LABELS = [
    pgettext_lazy("role", "registrar"),
    pgettext_lazy("role", "secretary"),
    pgettext_lazy("role", "member"),
    pgettext_lazy("role", "post officer"),
    pgettext_lazy("role", "press officer"),
    pgettext_lazy("role", "archivist"),
    pgettext_lazy("role", "auditor"),
    pgettext_lazy("role", "admin"),
    pgettext_lazy("role", "security officer"),
    pgettext_lazy("access request", "new principal"),
    pgettext_lazy("access request", "raise clearance"),
    pgettext_lazy("access request", "grant roles"),
    pgettext_lazy("access request", "reset password and authenticator"),
    pgettext_lazy("access request", "awaiting a second officer"),
    pgettext_lazy("access request", "approved"),
    pgettext_lazy("access request", "rejected"),
    pgettext_lazy("unit kind", "unit"),
    pgettext_lazy("unit kind", "post"),
]
