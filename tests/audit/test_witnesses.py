"""Heads the log signs on its own, and the stores outside the database that keep them: the
checkpoint file, witness directories and witness URLs (a log collector on loopback), the public
checkpoint endpoints, and a write cut short by a full disk."""

import errno
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from secretariat.audit import merkle, services, signing, witnesses
from secretariat.audit.models import AuditCheckpoint, AuditEvent
from secretariat.audit.verification import verify_log


def _heads():
    return list(AuditCheckpoint.objects.order_by("tree_size").values_list("tree_size", flat=True))


def test_the_log_signs_its_own_head_every_n_events(settings, make_principal, django_capture_on_commit_callbacks):
    """With a checkpoint every 5 events, the 5th and the 10th event each bring a head signed by
    the system (the checkpoint's own event, 6th and 11th, is under it), and each head's root is
    the RFC 6962 root of all the leaves, though it was computed from the previous head's frontier."""
    settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY = 5
    with django_capture_on_commit_callbacks(execute=True):
        for k in range(8):
            make_principal(f"p{k}")
    assert AuditEvent.objects.count() >= 11
    assert _heads()[:2] == [6, 11]
    for checkpoint in AuditCheckpoint.objects.all():
        event = AuditEvent.objects.get(seq=checkpoint.tree_size)
        assert (event.action, event.actor_id, event.data) == ("audit.checkpoint", None, {"trigger": "every 5 events"})
        leaves = [
            bytes.fromhex(h)
            for h in AuditEvent.objects.filter(seq__lte=checkpoint.tree_size).values_list("leaf_hash", flat=True)
        ]
        assert bytes.fromhex(checkpoint.root_hash) == merkle.root_from_leaf_hashes(leaves)
    notes = [json.loads(line)["note"] for line in settings.SECRETARIAT_AUDIT_CHECKPOINTS.read_text().splitlines()]
    assert notes == list(AuditCheckpoint.objects.order_by("tree_size").values_list("note", flat=True))
    report = verify_log()
    assert report.ok, report.problems
    assert report.witnessed_size == _heads()[-1]


def test_a_resumed_compact_range_gives_the_roots_of_a_fresh_one():
    leaves = [merkle.leaf_hash(bytes([k])) for k in range(37)]
    for cut in range(len(leaves) + 1):
        first = merkle.CompactRange()
        for leaf in leaves[:cut]:
            first.append(leaf)
        resumed = merkle.CompactRange.resume(*first.state())
        for leaf in leaves[cut:]:
            resumed.append(leaf)
        assert resumed.root() == merkle.root_from_leaf_hashes(leaves)
    with pytest.raises(ValueError):
        merkle.CompactRange.resume(3, [leaves[0]])


def test_a_witness_directory_keeps_every_head_and_catches_a_log_it_outgrew(
    settings, tmp_path, make_principal, django_capture_on_commit_callbacks
):
    settings.SECRETARIAT_AUDIT_WITNESSES = [str(tmp_path / "witness")]
    auditor = make_principal("auditor", roles=("auditor",))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.sign_checkpoint(auditor)
        make_principal("gromyko")
        second = services.sign_checkpoint(auditor)
    held = witnesses.read_witness(str(tmp_path / "witness"))
    assert held.notes == [first.note, second.note] and not held.fragment and not held.bad_lines
    report = verify_log()
    assert report.ok and report.witnessed_size == second.tree_size == report.size, report.problems
    # The witness also holds a head the database never had (a log rolled back past it).
    larger = signing.sign_note(signing.checkpoint_body(settings.SECRETARIAT_AUDIT_ORIGIN, report.size + 5, b"\0" * 32))
    witnesses.write_witness(str(tmp_path / "witness"), [larger])
    report = verify_log()
    assert not report.ok
    assert any(f"signed a tree of {report.size + 5} events" in p.message for p in report.problems)


def test_a_witness_inside_the_data_dir_or_relative_is_refused(settings):
    settings.SECRETARIAT_AUDIT_WITNESSES = [str(settings.DATA_DIR / "witness")]
    with pytest.raises(ImproperlyConfigured, match="inside the data dir"):
        witnesses.witness_locations()
    settings.SECRETARIAT_AUDIT_WITNESSES = ["witness"]
    with pytest.raises(ImproperlyConfigured, match="absolute path"):
        witnesses.witness_locations()


class _Collector(BaseHTTPRequestHandler):
    """A plain log collector: POST appends the body, GET gives back everything appended."""

    held: list[bytes] = []

    def do_POST(self):
        self.held.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(201)
        self.end_headers()

    def do_GET(self):
        body = b"".join(self.held)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def collector():
    _Collector.held = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/log"
    server.shutdown()
    server.server_close()


def test_a_witness_url_on_loopback_takes_each_head_once(
    settings, collector, make_principal, django_capture_on_commit_callbacks
):
    settings.SECRETARIAT_AUDIT_WITNESSES = [collector]
    auditor = make_principal("auditor", roles=("auditor",))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.sign_checkpoint(auditor)
        second = services.sign_checkpoint(auditor)
    services.publish_checkpoints()  # again: nothing new to hand over
    assert [b.decode() for b in _Collector.held] == [first.note, second.note]
    report = verify_log()
    assert report.ok and report.witnessed_size == second.tree_size, report.problems


def test_a_witness_url_that_is_down_is_a_warning_and_an_unwitnessed_tail(
    settings, make_principal, django_capture_on_commit_callbacks
):
    settings.SECRETARIAT_AUDIT_WITNESSES = ["http://127.0.0.1:9/log"]  # discard port: nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_checkpoint(make_principal("auditor", roles=("auditor",)))  # the change still commits
    report = verify_log()
    assert report.ok and report.unwitnessed == report.size
    assert any("did not answer" in w for w in report.warnings)


def test_the_public_endpoints_serve_the_signed_heads_to_anyone(
    client, make_principal, django_capture_on_commit_callbacks
):
    assert client.get("/audit/checkpoint").status_code == 404
    auditor = make_principal("auditor", roles=("auditor",))
    first = services.sign_checkpoint(auditor)
    second = services.sign_checkpoint(auditor)
    latest = client.get("/audit/checkpoint")
    assert (latest.status_code, latest["Content-Type"], latest.content.decode()) == (
        200,
        "text/plain; charset=utf-8",
        second.note,
    )
    every = client.get("/audit/checkpoints")
    text = b"".join(every.streaming_content).decode()
    assert witnesses.split_notes(text) == [first.note, second.note]
    for note in witnesses.split_notes(text):
        signing.open_note(note, signing.public_key())


def _disk_fills_after(monkeypatch, room: int):
    """os.write in the stores' module writes `room` bytes, then the disk is full (ENOSPC)."""
    real_write = witnesses.os.write
    left = {"room": room}

    def write(fd, data):
        if left["room"] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        written = real_write(fd, bytes(data[: left["room"]]))
        left["room"] -= written
        return written

    monkeypatch.setattr(witnesses.os, "write", write)


def test_a_checkpoint_on_a_full_disk_is_not_taken_for_tampering(
    settings, monkeypatch, make_principal, django_capture_on_commit_callbacks
):
    """The disk fills halfway through writing a head's line: the head is in the database, the
    file ends in a fragment. Verify names what the file lacks and the fragment as an unfinished
    write, and how to put it right; once there is room, the next checkpoint cuts the fragment,
    writes what was missing, and the log verifies."""
    auditor = make_principal("auditor", roles=("auditor",))
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_checkpoint(auditor)
    _disk_fills_after(monkeypatch, 40)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_checkpoint(auditor)  # the change commits; the write fails quietly
    path = settings.SECRETARIAT_AUDIT_CHECKPOINTS
    assert not path.read_bytes().endswith(b"\n")
    report = verify_log()
    assert not report.ok
    assert [p.message for p in report.problems] == [
        f"{path} lacks 1 of the 2 signed head(s) the database holds (the newest of {report.size} events): lines "
        "removed, or a write that failed (a full disk); `secretariat audit checkpoint` writes them again"
    ]
    assert report.warnings == [
        f"the last line of {path} is an unfinished write (40 bytes, no newline): a write cut short by a full disk "
        "or a crash; the next checkpoint removes it"
    ]
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("audit", "checkpoint", "--as", "auditor", stderr=stderr)
    assert exit_code.value.code == 2
    assert "is signed and kept in the database, but could not write the signed heads to" in stderr.getvalue()
    assert "No space left on device" in stderr.getvalue() and "Traceback" not in stderr.getvalue()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_checkpoint(auditor)
    lines = path.read_text().splitlines()
    assert [json.loads(line)["note"] for line in lines] == list(
        AuditCheckpoint.objects.order_by("tree_size").values_list("note", flat=True)
    )
    report = verify_log()
    assert report.ok and not report.warnings, (report.problems, report.warnings)


@examples(max_examples=200, deadline=None)
@given(
    raw=st.binary(min_size=32, max_size=32), name=st.from_regex(r"[a-z][a-z0-9.-]{0,20}(/[a-z]{1,8})?", fullmatch=True)
)
def test_a_verifier_key_reads_back_as_its_name_and_key(raw, name):
    """Whatever '+' and '/' its base64 holds: the name is everything before the first '+'."""
    key = Ed25519PrivateKey.from_private_bytes(raw).public_key()
    origin, read = signing.parse_verifier_key(signing.verifier_key(name, key))
    assert origin == name and signing.fingerprint(read) == signing.fingerprint(key)
    with pytest.raises(ValueError):
        signing.parse_verifier_key(signing.verifier_key(name, key).replace("+", "+0", 1))
