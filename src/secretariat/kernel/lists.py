"""Staff lists, all alike: a quick search, filters kept in the URL, a page of rows with its count, and a CSV of
every matching row, streamed.

A list's selector narrows its rows by the filters; `words_match` is the one place a quick search matches text, so
that the full-text index (the search app, issue 13) can take its place without a page changing.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from secretariat.kernel.errors import InvalidInput

PAGE_SIZE = 50


def words_match(rows: QuerySet, text: str, *fields: str) -> QuerySet:
    """The rows in which every word of `text` appears in one of `fields` (case aside); all rows for no words."""
    for word in text.split():
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": word})
        rows = rows.filter(anywhere)
    return rows


@dataclass(frozen=True)
class Listing:
    """One page of a filtered list, and what the page needs to say where it is and to link onwards."""

    page: Page
    filters: dict[str, str]  # each filter's value as the URL gave it ('' when not set)
    query: str  # the filters as a query string, without the page: for the pager and the CSV link

    @property
    def rows(self) -> list:
        return self.page.object_list

    @property
    def shown(self) -> str:
        """'1–50 of 3,214'; 'none' on an empty list."""
        total = self.page.paginator.count
        if not total:
            return _("none")
        return _("%(first)s–%(last)s of %(total)s") % {
            "first": number_format(self.page.start_index(), force_grouping=True),
            "last": number_format(self.page.end_index(), force_grouping=True),
            "total": number_format(total, force_grouping=True),
        }


def filters_of(request, names: Iterable[str]) -> dict[str, str]:
    """The list's filters as the URL gives them, stripped; '' for each not given."""
    return {name: request.GET.get(name, "").strip() for name in names}


def offered(value: str, choices, what: str) -> str:
    """A filter's value if the list offers it ('' for any); InvalidInput, naming `what`, otherwise."""
    if value and value not in choices:
        raise InvalidInput(_("Choose a %(what)s from the list, not %(text)r") % {"what": what, "text": value})
    return value


def listing(request, rows: QuerySet, filters: dict[str, str]) -> Listing:
    """The page of `rows` the URL asks for (`?page=`; past the end gives the last page), PAGE_SIZE rows a page."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    for name in [name for name, value in kept.items() if not value]:
        kept.pop(name)
    return Listing(page, filters, kept.urlencode())


def refused_csv(exc: InvalidInput) -> HttpResponse:
    """A CSV asked for with a filter no list offers: 422 with the reason, in plain text."""
    return HttpResponse(exc.message, status=422, content_type="text/plain; charset=utf-8")


def csv_response(filename: str, header: list[str], lines: Iterable[list]) -> StreamingHttpResponse:
    """Every line as CSV (UTF-8), streamed a batch at a time: a list of 100,000 rows never sits in memory."""
    response = StreamingHttpResponse(_csv(header, iter(lines)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(header: list[str], lines: Iterator[list], batch: int = 500) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    while True:
        writer.writerows(itertools.islice(lines, batch))
        text = out.getvalue()
        if not text:
            return
        out.seek(0)
        out.truncate()
        yield text
