"""Finding things by their words, in one scope, ranked: bm25 on SQLite's FTS5, ts_rank on PostgreSQL.

The caller gives the rows the person may see (`within`: the published items with the facets chosen, or the papers
`restrict()` lets this principal VIEW), as a queryset; the match is added to it as a condition, so a count or a
facet over the result is computed over those rows alone, and a page is ranked within them.
"""

from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from secretariat.search.text import query_terms


def _match_argument(wanted: list[tuple[str, ...]]) -> str:
    """The engine's query for 'every one of these terms' (a term: one stem, or a phrase's stems in order): FTS5
    phrases in double quotes, or a tsquery of quoted lexemes (so no word is ever syntax). Stems hold letters,
    digits and nothing else (search.text.WORD), so quoting is all the escaping they need."""
    if connection.vendor == "sqlite":
        return " AND ".join('"' + " ".join(term) + '"' for term in wanted)
    return " & ".join("(" + " <-> ".join(f"'{s}'" for s in term) + ")" for term in wanted)


def _matching_sql(scope: str, wanted: list[tuple[str, ...]]) -> tuple[str, str, list]:
    """(FROM … WHERE …, the rank expression (lower is better), params) of the entries of `scope` holding every stem."""
    if connection.vendor == "sqlite":  # the index first (CROSS JOIN keeps SQLite's planner to that order)
        return (
            "(SELECT rowid AS id, bm25(search_index) AS rank FROM search_index WHERE search_index MATCH %s) f "
            "CROSS JOIN search_entry e ON e.id = f.id WHERE e.scope = %s",
            "f.rank",
            [_match_argument(wanted), scope],
        )
    return (
        "search_entry e, to_tsquery('simple', %s) q WHERE e.vector @@ q AND e.scope = %s",
        "-ts_rank(e.vector, q)",
        [_match_argument(wanted), scope],
    )


def matching(rows: QuerySet, scope: str, query: str) -> QuerySet:
    """`rows` narrowed to those whose entry in `scope` holds every word of `query` (all of them for no words)."""
    wanted = query_terms(query)
    if not wanted:
        return rows
    source, _rank, params = _matching_sql(scope, wanted)
    return rows.filter(pk__in=RawSQL(f"SELECT e.key FROM {source}", params))


def ranked(rows: QuerySet, scope: str, query: str):
    """`rows` (narrowed by `matching`) for a paginator: the best match first when the query has words, else as
    `rows` are ordered."""
    return Ranked(rows, scope, query) if query_terms(query) else rows


class Ranked(Sequence):
    """The rows matching a query, best first, for a Paginator: counted over `rows` (already narrowed by
    `matching`), each page's keys ranked by the engine within them, then fetched through `rows` (its
    select_related and prefetches kept)."""

    def __init__(self, rows: QuerySet, scope: str, query: str):
        self.rows, self.scope, self.wanted = rows, scope, query_terms(query)

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        keys = self._ranked_keys(start, None if stop is None else stop - start)
        found = self.rows.in_bulk(keys)
        return [found[k] for k in keys if k in found]

    def _ranked_keys(self, offset: int, limit: int | None) -> list[int]:
        source, rank, params = _matching_sql(self.scope, self.wanted)
        try:
            within, within_params = self.rows.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # rows.none(): nothing to rank
            return []
        sql = f"SELECT e.key FROM {source} AND e.key IN ({within}) ORDER BY {rank}, e.key LIMIT %s OFFSET %s"
        if limit is None:  # to the end: SQLite's "no limit" is -1, PostgreSQL's NULL
            limit = -1 if connection.vendor == "sqlite" else None
        extra = [limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *within_params, *extra])
            return [row[0] for row in cursor.fetchall()]
