"""The bulk path's cost in queries (issue 13): registering papers by `register_batch` and issuing their copies a
batch at a time asks as many queries for each paper of a chunk however many the chunk holds (counted, never
timed), and appends the chunk's audit events with one insert."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from secretariat.kernel import batches
from secretariat.registry import services as registry


def rows(first: int, count: int) -> list[dict]:
    return [
        {
            "number": f"Q-{i}",
            "title": f"Paper {i}",
            "classification": "CONFIDENTIAL",
            "dated": "2026-01-05",
            "distribution": "member",
            "text": f"Text {i}.",
        }
        for i in range(first, first + count)
    ]


def counted(fn) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_registering_and_issuing_a_chunk_asks_a_few_queries_a_paper(registrar, make_principal, settings):
    settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY = 10**9  # no head signed in between
    member = make_principal("member", clearance="CONFIDENTIAL")
    few, many = rows(1, 5), rows(100, 25)
    registered = [counted(lambda r=r: registry.register_batch(registrar, r)) for r in (few, many)]

    def issue(entries):
        outcome = batches.run(
            ((r["number"], r["number"]) for r in entries),
            lambda number: registry.issue_copies(registrar, number, [member]),
            done=lambda key: False,
        )
        assert len(outcome.done) == len(entries)

    issued = [counted(lambda r=r: issue(r)) for r in (few, many)]
    # per paper: the same count for a chunk of 5 as for one of 25, over a fixed cost a chunk
    for queries in (registered, issued):
        per_paper = (len(queries[1]) - len(queries[0])) / (len(many) - len(few))
        assert per_paper == int(per_paper)
        fixed = len(queries[0]) - per_paper * len(few)
        assert fixed <= 8, queries[0]
    register_each = (len(registered[1]) - len(registered[0])) / 20
    issue_each = (len(issued[1]) - len(issued[0])) / 20
    # before issue 13: 17 and 9 a paper (each event its own head update and insert, the addressee read each time)
    assert register_each <= 7, registered[1]
    assert issue_each <= 6, issued[1]
    for queries in registered + issued:  # the events of a chunk go in with one insert, the head moved once
        assert sum(q.startswith('INSERT INTO "audit_auditevent"') for q in queries) == 1
        assert sum("audit_audithead" in q for q in queries) == 2
    # one read of the addressee a chunk, not one a paper
    assert sum('FROM "accounts_principal"' in q for q in registered[1]) == 1
