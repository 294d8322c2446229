"""Staff search (/search/): the papers a principal may read, found by their words, with the passage each stands in.

One selector finds them (`registry.selectors.papers_found`: the access rule's VIEW rows narrowed by the search
index), so the count and the kinds and levels beside the results are computed over readable rows alone; showing a
classified paper's passage is a read, audited as one (`registry.selectors.passages`).
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from secretariat.kernel.classification import Level
from secretariat.kernel.desks import login_required
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.lists import filters_of, listing, offered
from secretariat.registry import selectors
from secretariat.registry.models import Document
from secretariat.scans import selectors as scan_selectors

SEARCH_FILTERS = ("q", "kind", "level")


@require_safe
@login_required
def search_page(request):
    filters = filters_of(request, SEARCH_FILTERS)
    query, error, status = filters["q"][:200], None, 200
    try:
        kind = offered(filters["kind"], Document.Kind.values, _("kind"))
        level = Level.parse(filters["level"]) if filters["level"] else None
    except (InvalidInput, ValueError) as exc:
        error, status, kind, level = getattr(exc, "message", str(exc)), 422, "", None
    found = selectors.papers_found(request.user, query, kind=kind, level=level)
    if not query:
        found = found.none()
    results = listing(request, selectors.ranked_papers(found, query), filters)
    context = {
        "listing": results,
        "query": query,
        "error": error,
        "passages": selectors.passages(request.user, results.rows, query),
        "facets": selectors.found_by_kind_and_level(found) if query else {},
        "scans_found": scan_selectors.scan_passages(request.user, query) if query and not error else (0, []),
        "kinds": Document.Kind.values,
        "levels": [level.label for level in Level],
    }
    return render(request, "web/search.html", context, status=status)
