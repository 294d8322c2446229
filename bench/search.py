"""Search benchmark: the search app against the engine's own index queried raw, and against the LIKE scan it replaced.

Builds N indexed things (Entry rows whose own pk is their key, so the scope's rows are the things found) from a
vocabulary with a realistic spread (a few words in most texts, most words rare), in English and Russian, then
times, for a common and a rare word:
- a results page: `matching()` count + `Ranked` page of 20, through the ORM;
- the floor: the same count and top-20 as raw SQL against FTS5 / the tsvector index, same connection;
- the old way: a LIKE '%word%' count over the same texts (the reading room's scan before the index).
Each line names its own floor. Indexing: `services.index` per thing against a raw INSERT of the same stems.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from timing import best  # noqa: E402

from secretariat.kernel.statistics import optimise  # noqa: E402
from secretariat.search import services  # noqa: E402
from secretariat.search.models import Entry  # noqa: E402
from secretariat.search.selectors import Ranked, matching  # noqa: E402
from secretariat.search.text import stem, stems  # noqa: E402

SCOPE = Entry.Scope.STAFF
WORDS_PER_TEXT = 120


def vocabulary() -> list[str]:
    """Words of the project's own transcriptions (English and Russian), for texts that read like the archive's."""
    corpus = Path(__file__).resolve().parents[1] / "tests" / "archive" / "transcriptions"
    text = " ".join(p.read_text(errors="ignore") for p in sorted(corpus.rglob("*.txt")))
    words = sorted({w for w in text.split() if w.isalpha() and len(w) > 3})
    return words or [f"word{i}" for i in range(5000)]


def build(n: int, words: list[str]) -> tuple[float, float]:
    """N things indexed with raw inserts (fast); returns (index µs/thing, raw insert µs/thing) over a sample."""
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf: a few words everywhere, most rare
    Entry.objects.all().delete()
    table = Entry._meta.db_table
    insert_raw(((key, " ".join(rng.choices(words, weights, k=WORDS_PER_TEXT))) for key in range(1, n + 1)), n + 1000)
    sample = [" ".join(rng.choices(words, weights, k=WORDS_PER_TEXT)) for _ in range(200)]
    start = time.perf_counter()
    with transaction.atomic():
        for i, text in enumerate(sample):
            services.index(SCOPE, n + 1 + i, text)
        indexed = (time.perf_counter() - start) / len(sample)
        transaction.set_rollback(True)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for i, text in enumerate(sample):
            cursor.execute(
                f"INSERT INTO {table} (id, scope, key, stems) VALUES (%s, %s, %s, %s)",
                (n + 1 + i, SCOPE, n + 1 + i, stems(text)),
            )
        raw = (time.perf_counter() - start) / len(sample)
        transaction.set_rollback(True)
    return indexed * 1e6, raw * 1e6


def texts(words: list[str], seed: int = 7):
    """Endless texts of WORDS_PER_TEXT words drawn Zipf-wise from `words` (a few words everywhere, most rare)."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    while True:
        yield " ".join(rng.choices(words, weights, k=WORDS_PER_TEXT))


def insert_raw(keyed_texts, next_id: int | None = None, scope: str = SCOPE) -> None:
    """Index (key, text) pairs with raw INSERTs of their stems, 5000 a statement, in one transaction; with
    `next_id`, each row's id is its key, and on PostgreSQL the id sequence is moved to `next_id` afterwards."""
    table = Entry._meta.db_table
    columns = (
        "(id, scope, key, stems) VALUES (%s, %s, %s, %s)" if next_id else "(scope, key, stems) VALUES (%s, %s, %s)"
    )
    batch = []

    def flush(cursor) -> None:
        cursor.executemany(f"INSERT INTO {table} {columns}", batch)
        batch.clear()

    with transaction.atomic(), connection.cursor() as cursor:
        for key, text in keyed_texts:
            batch.append((key, scope, key, stems(text)) if next_id else (scope, key, stems(text)))
            if len(batch) == 5000:
                flush(cursor)
        if batch:
            flush(cursor)
    if next_id and connection.vendor == "postgresql":  # the rows above named their ids: move the sequence past them
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [next_id])


def raw_page(word: str) -> tuple[int, list[int]]:
    s = stem(word)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM search_index WHERE search_index MATCH %s", [f'"{s}"'])
            count = cursor.fetchone()[0]
            cursor.execute(
                "SELECT rowid FROM search_index WHERE search_index MATCH %s ORDER BY bm25(search_index) LIMIT 20",
                [f'"{s}"'],
            )
        else:
            cursor.execute("SELECT count(*) FROM search_entry WHERE vector @@ to_tsquery('simple', %s)", [f"'{s}'"])
            count = cursor.fetchone()[0]
            cursor.execute(
                "SELECT id FROM search_entry, to_tsquery('simple', %s) q WHERE vector @@ q "
                "ORDER BY ts_rank(vector, q) DESC LIMIT 20",
                [f"'{s}'"],
            )
        return count, [row[0] for row in cursor.fetchall()]


def like_count(word: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_entry WHERE stems LIKE %s", [f"%{stem(word)}%"])
        return cursor.fetchone()[0]


def orm_page(word: str) -> tuple[int, list[int]]:
    rows = matching(Entry.objects.filter(scope=SCOPE), SCOPE, word)
    ranked = Ranked(rows, SCOPE, word)
    return ranked.count(), [e.pk for e in ranked[0:20]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--things", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    words = vocabulary()
    print(f"engine {connection.vendor}; vocabulary {len(words)} words, {WORDS_PER_TEXT} words a text")
    for n in args.things:
        t0 = time.perf_counter()
        indexed, raw_insert = build(n, words)
        print(f"\n{n:,} things built in {time.perf_counter() - t0:.1f} s")
        print(
            f"  index one thing: {indexed:8.0f} µs   raw INSERT of its stems: {raw_insert:8.0f} µs   ratio {indexed / raw_insert:.1f}"
        )
        orm_page(words[1])  # a first request, then what the server does after each: SQLite's statistics
        optimise()
        for label, word in (("common", words[0]), ("rare", words[len(words) // 2])):
            orm_count, orm_top = orm_page(word)
            raw_count, raw_top = raw_page(word)
            assert orm_count == raw_count and len(orm_top) == len(raw_top), (orm_count, raw_count)
            ours = best(lambda word=word: orm_page(word), 5, 5)
            floor = best(lambda word=word: raw_page(word), 5, 5)
            scan = best(lambda word=word: like_count(word), 3, 2)
            print(
                f"  {label:<6} word ({orm_count:>7,} found): page {ours * 1e3:7.2f} ms   raw index {floor * 1e3:7.2f} ms"
                f"   ratio {ours / floor:5.2f}   LIKE scan {scan * 1e3:8.1f} ms ({scan / ours:5.1f}x the page)"
            )


if __name__ == "__main__":
    main()
