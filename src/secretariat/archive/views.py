"""The reading room: public pages, no login, of published archive items.

Everything shown comes from `archive.selectors`: `published_items` finds published items
only, searching their published text (redactions already blanked), and `public_record` /
`public_item` build what is shown, each redaction a marked blank. A withheld span or an
unpublished item cannot be reached from here, not even through a search word.
"""

import json

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from secretariat.archive import iiif, records, selectors
from secretariat.kernel.desks import public
from secretariat.kernel.errors import InvalidInput, NotFound
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
    context = {"item": item, "parts": parts, "pages": selectors.published_pages(identifier)}
    return render(request, "archive/reading_room/item.html", context)


@reading_room_page
def page_image(request, identifier: str, number: int, thumbnail: bool = False):
    """A page of a published item as published: its boxes burned in."""
    page = selectors.published_page(identifier, number)
    return FileResponse((page.thumbnail if thumbnail else page.image).open("rb"), content_type="image/png")


@reading_room_page
def scan_pdf(request, identifier: str):
    """The published scan as one PDF, rebuilt from its burned pages."""
    pdf = selectors.published_scan(identifier)
    return FileResponse(pdf.open("rb"), content_type="application/pdf", filename=f"{identifier}.pdf")


def _base(request, identifier: str) -> str:
    return request.build_absolute_uri(reverse("archive:item", args=[identifier]))


@reading_room_page
def manifest(request, identifier: str):
    """The item's IIIF Presentation 3.0 manifest: its published pages, for Mirador or Universal Viewer."""
    pages = selectors.published_pages(identifier)
    if not pages:
        raise NotFound(gettext("%(item)s was published without a scan") % {"item": identifier})
    shown = iiif.manifest(selectors.public_item(identifier), pages, _base(request, identifier))
    return _json_ld(shown, 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"')


@reading_room_page
def image_info(request, identifier: str, number: int):
    """A page's level-0 IIIF Image API service: the sizes it serves."""
    page = selectors.published_page(identifier, number)
    service = f"{_base(request, identifier)}iiif/{number}"
    return _json_ld(json.dumps(iiif.info(page, service)), "application/ld+json")


@reading_room_page
def image(request, identifier: str, number: int, size: str):
    """A page at one of the sizes its info.json lists (full region, no rotation, default quality, PNG)."""
    page = selectors.published_page(identifier, number)
    kind = iiif.sizes(page).get(size)
    if kind is None:
        raise NotFound(gettext("a level-0 service serves only the sizes its info.json lists"))
    return FileResponse(getattr(page, kind).open("rb"), content_type="image/png")


def _json_ld(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"  # IIIF viewers are often served from elsewhere
    return response
