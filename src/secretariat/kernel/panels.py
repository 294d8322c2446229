"""Sections that an app above adds to a page of an app below it (as NetBox's template extensions).

A page cannot import the apps above its own: the protocol page (decisions) knows nothing of the
cables that carry out its decisions, the cable page nothing of the announcements a cable
carries. The app above contributes a panel to the page when it starts (`contribute`, in its
AppConfig.ready), and the page shows whatever panels it was given (`panels`), in the order the
apps are installed. A panel is a function of the request and the page's objects that returns
the HTML of its section, or "" when it has nothing to show this person.
"""

from collections import defaultdict
from collections.abc import Callable

_contributions: dict[str, list[Callable[..., str]]] = defaultdict(list)


def contribute(page: str, panel: Callable[..., str]) -> None:
    """Show `panel(request, **objects)` on `page` (e.g. "decisions.protocol")."""
    if panel not in _contributions[page]:
        _contributions[page].append(panel)


def panels(page: str, request, **objects) -> list[str]:
    """The sections contributed to `page` that have something to show."""
    return [html for panel in _contributions[page] if (html := panel(request, **objects))]
