"""The words of the cable desk's choices (a cable's state and precedence, a control's state), for translation.

See kernel.labels. A precedence printed on a cable stays as the cable has it; only the desks translate it.
"""

from django.utils.translation import pgettext_lazy

CABLE = "cable state"
PRECEDENCE = "precedence"
CONTROL = "control state"

LABELS = [
    pgettext_lazy("cable state", "drafted"),
    pgettext_lazy("cable state", "approved"),
    pgettext_lazy("cable state", "sent"),
    pgettext_lazy("cable state", "received"),
    pgettext_lazy("cable state", "reported"),
    pgettext_lazy("precedence", "ROUTINE"),
    pgettext_lazy("precedence", "PRIORITY"),
    pgettext_lazy("precedence", "IMMEDIATE"),
    pgettext_lazy("precedence", "FLASH"),
    pgettext_lazy("control state", "open"),
    pgettext_lazy("control state", "acknowledged"),
    pgettext_lazy("control state", "done"),
    pgettext_lazy("control state", "cancelled"),
    pgettext_lazy("control state", "overdue"),
]
