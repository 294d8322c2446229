"""Another Secretariat as a witness, on loopback: a second registry (its own data dir, served by
`secretariat serve`) keeps this log's signed heads at /audit/witnessed, checking each signature
against the verifier key it was given; this log's `audit verify` reads them back, and a head the
witness holds beyond the log fails it. A head signed by any other key is refused."""

import subprocess
import time
import urllib.error
import urllib.request

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings

from secretariat.audit import services, signing
from secretariat.audit.verification import verify_log
from tests.audit import drill
from tests.cli import SECRETARIAT, free_port, migrated


@pytest.fixture
def witness_registry(tmp_path):
    """Registry B, witnessing this test process's log (whose key is its audit key)."""
    data = tmp_path / "witness-registry"
    data.mkdir()
    signing.create_key()  # this process's log key, made before its first event as the log would
    vkey = signing.verifier_key(django_settings.SECRETARIAT_AUDIT_ORIGIN, signing.public_key())
    env = {"SECRETARIAT_AUDIT_WITNESS_FOR": vkey, "SECRETARIAT_AUDIT_ORIGIN": "witness.example/audit"}
    migrated(data)
    port = free_port()
    server = subprocess.Popen(
        [SECRETARIAT, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=drill.cli_env(data, env | {"SECRETARIAT_DEVELOPMENT": "1"}),
        cwd=data,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/audit/witnessed"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "the witness registry did not start"
            time.sleep(0.2)
    yield url, data, env
    server.terminate()
    server.wait(timeout=30)


def _post(url: str, note: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=note.encode(), method="POST", headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.django_db
def test_another_secretariat_keeps_this_logs_heads_and_catches_a_cut(
    settings, witness_registry, make_principal, django_capture_on_commit_callbacks
):
    url, data, env = witness_registry
    settings.SECRETARIAT_AUDIT_WITNESSES = [url]
    auditor = make_principal("auditor", roles=("auditor",))
    with django_capture_on_commit_callbacks(execute=True):  # each head handed to the witness on commit
        first = services.sign_checkpoint(auditor)
        make_principal("gromyko")
        second = services.sign_checkpoint(auditor)
    with urllib.request.urlopen(url, timeout=10) as response:
        held = response.read().decode()
    assert held == first.note + second.note
    report = verify_log()
    assert report.ok and report.witnessed_size == second.tree_size == report.size, report.problems

    forged = drill.signed_note(settings.SECRETARIAT_AUDIT_ORIGIN, 999, b"\0" * 32, Ed25519PrivateKey.generate())
    status, text = _post(url, forged)  # signed, but by another key than the one the witness was given
    assert status == 422 and "not a head this registry witnesses" in text
    assert _post(url, second.note)[0] == 200  # kept once

    # A head of more events than the log holds (the log was cut, or its database rolled back).
    larger = signing.sign_note(signing.checkpoint_body(settings.SECRETARIAT_AUDIT_ORIGIN, report.size + 3, b"\0" * 32))
    assert _post(url, larger)[0] == 201
    report = verify_log()
    assert not report.ok
    assert any(f"signed a tree of {report.size + 3} events" in p.message for p in report.problems)

    witness_log = drill.verify(data, settings=env)  # the witness's own log records each head it kept
    assert witness_log.exit_code == 0 and witness_log.report["size"] >= 3, str(witness_log)
