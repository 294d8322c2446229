"""The reading room: public pages, no login, of published archive items.

Everything shown comes from `archive.selectors`: `published_items` finds published items
only, searching their published text (redactions already blanked), and `public_record` /
`public_item` build what is shown, each redaction a marked blank. A withheld span or an
unpublished item cannot be reached from here, not even through a search word.
"""

from django.core.paginator import Paginator
from django.shortcuts import render

from secretariat.archive import records, selectors
from secretariat.kernel.desks import public
from secretariat.kernel.errors import InvalidInput
from secretariat.search.text import query_stems
from secretariat.search.text import snippet as passage

ITEMS_PER_PAGE = 20
reading_room_page = public("archive/reading_room/not_found.html")


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) == 4 else None


@reading_room_page
def reading_room(request):
    """Search and facets (body, year, fond, classification as originally marked)."""
    chosen = {
        "creator": request.GET.get("creator", "")[:300],
        "year": _year(request.GET.get("year", "")),
        "fond": request.GET.get("fond", "")[:30],
        "marked": request.GET.get("marked", "")[:20],
    }
    query = request.GET.get("q", "")[:200]
    wanted = query_stems(query)
    try:
        found = selectors.published_items(query, **chosen)
        page = Paginator(selectors.ranked(found, query), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
        count, error, facets = page.paginator.count, "", selectors.facets(found)
    except InvalidInput as exc:
        page, count, error = Paginator([], ITEMS_PER_PAGE).get_page(1), 0, exc.message
        facets = selectors.facets()
    context = {
        "query": query,
        "chosen": {k: v for k, v in chosen.items() if v},
        "page": page,
        "results": [(record, passage(record.plain_text(), wanted)) for record in map(selectors.public_record, page)],
        "count": count,
        "facets": facets,
        "fonds": selectors.public_fonds_list(),
        "error": error,
    }
    return render(request, "archive/reading_room/search.html", context)


@reading_room_page
def item_page(request, identifier: str):
    item = selectors.public_item(identifier)
    parts = [("text", s.text) if isinstance(s, records.Text) else ("redacted", s) for s in item.segments]
    return render(request, "archive/reading_room/item.html", {"item": item, "parts": parts})
