"""The audit log appended a chunk at a time (audit.services.appending_in_batch, opened by kernel.batches.run around
each chunk): one head update and one insert a chunk, the same leaves, signatures and signed heads as `record` one by
one, and nothing written, no number taken, for what rolls back."""

import contextlib
import csv
import json
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from secretariat.audit import merkle, services, signing
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from secretariat.audit.verification import verify_log
from secretariat.kernel import batches
from secretariat.kernel.errors import Refused
from secretariat.registry import services as registry
from secretariat.registry.models import Document


def rows(first: int, count: int, to: str = "member", classification: str = "CONFIDENTIAL") -> list[dict]:
    return [
        {
            "number": f"B-{i}",
            "title": f"Batch paper {i}",
            "classification": classification,
            "dated": "2026-01-05",
            "distribution": to,
            "text": f"Text {i}.",
        }
        for i in range(first, first + count)
    ]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is done inside as committed: the signed heads go to the checkpoint file on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def member(make_principal):
    return make_principal("member", clearance="CONFIDENTIAL")


def head() -> int:
    return AuditHead.objects.get(pk=1).size


def seqs() -> list[int]:
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def test_a_refused_thing_in_the_middle_of_a_chunk_leaves_no_event_and_no_gap(registrar, member):
    before = head()
    entries = rows(1, 5)
    entries[2]["classification"] = "SECRET"  # registered (its event recorded), then refused at its addressee
    outcome = registry.register_batch(registrar, entries)
    assert outcome.done == ["B-1", "B-2", "B-4", "B-5"]
    assert [key for key, _ in outcome.refused] == ["B-3"]
    assert not Document.objects.filter(number="B-3").exists()
    assert not AuditEvent.objects.filter(data__number="B-3").exists()
    assert seqs() == list(range(1, head() + 1))
    assert head() == before + 4 * 2  # registered and addressed, four papers
    assert verify_log().ok


def test_an_event_of_an_inner_savepoint_that_rolled_back_takes_no_number(registrar):
    before = head()
    with transaction.atomic(), services.appending_in_batch():
        first = services.record(registrar, "test.kept", data={"k": 1})
        try:
            with transaction.atomic():
                services.record(registrar, "test.undone", data={"k": 2})
                raise Refused("undone")
        except Refused:
            pass
        last = services.record(registrar, "test.kept", data={"k": 3})
        assert first.seq is None  # numbered when the chunk is written
    assert (first.seq, last.seq) == (before + 1, before + 2)
    assert not AuditEvent.objects.filter(action="test.undone").exists()
    assert [e.data["k"] for e in AuditEvent.objects.filter(action="test.kept")] == [1, 3]
    assert head() == before + 2 and seqs() == list(range(1, before + 3))


def test_a_chunk_that_rolls_back_whole_leaves_the_head_as_it_was(registrar, member):
    before, events = head(), AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="killed"), transaction.atomic(), services.appending_in_batch():
        services.record(registrar, "test.lost")
        services.record(registrar, "test.lost")
        raise RuntimeError("killed")
    assert head() == before and AuditEvent.objects.count() == events

    def act(row):  # a failure that is not the rules' refusal rolls the whole chunk back
        registry.register_document(registrar, **registry._entry_fields(row))
        if row["number"] == "B-3":
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        batches.run(((r["number"], r) for r in rows(1, 4)), act, done=lambda key: False)
    assert head() == before and AuditEvent.objects.count() == events
    assert not Document.objects.filter(number__startswith="B-").exists()
    # and the log goes on from there, gap-free
    services_outcome = registry.register_batch(registrar, rows(1, 2))
    assert services_outcome.done == ["B-1", "B-2"]
    assert seqs() == list(range(1, before + 5))


def test_a_batch_of_250_verifies_leaves_and_signatures_as_record_makes_them(registrar, member, committed):
    before = head()
    with committed():
        outcome = registry.register_batch(registrar, rows(1, 250))
    assert len(outcome.done) == 250 and not outcome.refused
    checkpoints = AuditCheckpoint.objects.filter(tree_size__gt=before).count()
    assert head() == before + 500 + checkpoints
    assert seqs() == list(range(1, head() + 1))
    key = signing.public_key()
    for event in AuditEvent.objects.filter(seq__gt=before):
        leaf = merkle.leaf_hash(event.canonical())
        assert event.leaf_hash == leaf.hex()
        key.verify(bytes.fromhex(event.signature), signing.EVENT_CONTEXT + leaf)
    report = verify_log(all_signatures=True, workers=1)
    assert report.ok, report.problems
    assert report.size == head()


def test_a_head_is_signed_every_n_events_on_a_batch_that_crosses_n(registrar, settings, committed):
    settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY = 7
    before = head()
    with committed(), transaction.atomic(), services.appending_in_batch():
        for k in range(20):
            services.record(registrar, "test.counted", data={"k": k})
    # as `record` does one by one: after event m, m a multiple of 7, the head is signed at m + 1 (its own event)
    expected, seq, k = [], before, 0
    while k < 20:
        seq += 1
        k += 1
        if seq % 7 == 0:
            seq += 1
            expected.append(seq)
    assert list(AuditCheckpoint.objects.filter(tree_size__gt=before).values_list("tree_size", flat=True)) == expected
    for size in expected:
        event = AuditEvent.objects.get(seq=size)
        assert (event.action, event.data) == ("audit.checkpoint", {"trigger": "every 7 events"})
        assert AuditEvent.objects.get(seq=size - 1).action == "test.counted"
    assert head() == seq
    assert [e.data["k"] for e in AuditEvent.objects.filter(action="test.counted")] == list(range(20))
    assert verify_log().ok


def test_the_events_stand_in_the_order_of_their_changes(registrar, member):
    before = head()
    registry.register_batch(registrar, rows(1, 30))
    events = list(AuditEvent.objects.filter(seq__gt=before).exclude(action="audit.checkpoint"))
    numbers = [f"B-{i}" for i in range(1, 31)]
    assert [(e.action, int(e.object_id)) for e in events] == [
        (action, Document.objects.get(number=n).pk)
        for n in numbers
        for action in ("document.registered", "distribution.added")
    ]
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_a_head_is_not_signed_inside_a_batch(registrar):
    with transaction.atomic(), services.appending_in_batch(), pytest.raises(RuntimeError, match="outside"):
        services.sign_checkpoint_as_system("inside")


def test_a_chunk_takes_the_head_once_and_inserts_its_events_at_once(registrar, settings):
    settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY = 10**9  # no head signed in between
    with transaction.atomic(), CaptureQueriesContext(connection) as captured, services.appending_in_batch():
        for k in range(40):
            services.record(registrar, "test.counted", data={"k": k})
    statements = [q["sql"] for q in captured.captured_queries]
    assert sum("audit_auditevent" in s for s in statements) == 1, statements
    assert sum("audit_audithead" in s for s in statements) == 2, statements  # the lock, then the new size


ROWS = 110  # a file: a whole chunk (kernel.batches.CHUNK, 100) and part of another, two of them refused


@pytest.mark.slow
def test_bulk_imports_and_single_registrations_at_once_keep_one_gap_free_log(tmp_path):
    """Two `import register` processes (a chunk's events appended together) and single registrations (each event
    by itself) at once, on the pass's engine, a head signed every 40 events: the log verifies, has no gap, and
    holds one event per change and none of the refused rows."""
    from tests.registry.test_concurrency import ENGINE, Site, audit_events, finish, scratch_database, set_up

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(scratch_database("secretariat_bulk")) if ENGINE == "postgresql" else None
        site = Site(ENGINE, data_dir, url)
        site.env["SECRETARIAT_AUDIT_CHECKPOINT_EVERY"] = "40"
        set_up(site)
        files = []
        for part in ("A", "B"):
            path = tmp_path / f"{part}.csv"
            with path.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(["number", "title", "classification", "dated", "distribution", "text"])
                for i in range(1, ROWS + 1):
                    # every 50th addressed to the registrar: registered (its event recorded), then refused
                    to = "reg" if i % 50 == 25 else f"h{i % 8 + 1}"
                    writer.writerow([f"{part}-{i}", f"Paper {part}-{i}", "SECRET", "2026-01-05", to, f"Text {i}."])
            files.append(path)
        text = data_dir / "one.txt"
        text.write_text("One paper.\n", encoding="utf-8")
        bulk = [site.cli("import", "register", "--as", "reg", str(path), "--json") for path in files]
        single = [
            site.cli(
                "document",
                "register",
                "--as",
                "reg",
                "--number",
                f"S-{k}",
                "--title",
                f"Single {k}",
                "--classification",
                "SECRET",
                "--text-file",
                str(text),
                "--dated",
                "2026-01-05",
                "--to",
                "h1",
            )  # fmt: skip
            for k in range(1, 7)
        ]
        finish(single)
        for process in bulk:  # exits 1: it names the rows it refused
            out, err = process.communicate(timeout=120)
            assert process.returncode == 1, err
            assert json.loads(out)["done"] == ROWS - 2 and len(json.loads(out)["refused"]) == 2, out
        events, report = audit_events(site)
    registered = Counter(e["data"]["number"] for e in events if e["action"] == "document.registered")
    imported = {f"{p}-{i}" for p in "AB" for i in range(1, ROWS + 1) if i % 50 != 25}
    assert set(registered) >= imported | {f"S-{k}" for k in range(1, 7)}
    assert not {f"{p}-{i}" for p in "AB" for i in (25, 75)} & set(registered)
    assert set(registered.values()) == {1}
    heads = [
        e["seq"] for e in events if e["action"] == "audit.checkpoint" and e["data"].get("trigger") == "every 40 events"
    ]
    assert heads and all((seq - 1) % 40 == 0 for seq in heads)
