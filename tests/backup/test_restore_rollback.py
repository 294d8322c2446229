"""A restore of an older backup is a rollback of the audit log, flagged against the witnesses
until an auditor accepts it; and a backup taken while others write is one instant of the log.

Real CLI processes over a copy of the demo's data dir, on SQLite (see test_backup.py), with a
witness directory outside the data dir.
"""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from cryptography.hazmat.primitives import serialization

from tests.audit import drill
from tests.backup.drills import passphrase, refused

pytestmark = [pytest.mark.slow, pytest.mark.embedded]  # data dirs of their own, on SQLite


def test_a_restore_of_an_older_backup_is_a_rollback_until_an_auditor_accepts_it(demo_data_dir, outside, empty):
    """The heads are witnessed in a directory outside the data dir. A backup is taken (its key left
    out, kept on its own), work goes on and a head is witnessed, the data dir is lost. The backup is
    restored into a fresh data dir and the key put back: verify exits 1 naming the rollback (the
    events lost, after which time), until an auditor accepts it; then it passes, the lost head
    listed as lost in that rollback. A head the acceptance does not name still fails it."""
    data = demo_data_dir
    witness = {"SECRETARIAT_AUDIT_WITNESSES": str(outside / "witness")}
    drill.cli(data, "audit", "checkpoint", "--as", "auditor", settings=witness)
    backup = outside / "older.tar.gz"
    made = json.loads(drill.cli(data, "backup", str(backup), "--json", settings=witness).stdout)
    assert made["manifest"]["key"] == {"included": False, "back_up_on_its_own": str(data / drill.KEY_FILE)}
    kept = made["manifest"]["audit"]["size"]
    key_copy = outside / "audit-ed25519.pem"  # the key, backed up on its own
    shutil.copy2(data / drill.KEY_FILE, key_copy)
    drill.cli(data, "document", "read", "--as", "gromyko", "P46/X", settings=witness)
    drill.cli(data, "document", "read", "--as", "brezhnev", "P46/X", settings=witness)
    signed = drill.cli_json(data, "audit", "checkpoint", "--as", "auditor", settings=witness)["tree_size"]
    assert signed == kept + 3
    with drill.opened(data) as conn:
        last_kept_at = drill.event(conn, kept)["at"]

    restored = drill.cli(empty, "restore", str(backup), settings=witness)
    assert "the audit key is NOT in this backup" in restored.stdout
    assert f"put your copy of the audit key at {empty / drill.KEY_FILE}" in restored.stdout
    (empty / "keys").mkdir(mode=0o700)
    shutil.copy2(key_copy, empty / drill.KEY_FILE)
    verdict = drill.verify(empty, settings=witness)
    assert verdict.exit_code == 1, str(verdict)
    rollback = verdict.report["rollback"]
    assert (rollback["events_lost"], rollback["from_seq"], rollback["to_seq"]) == (3, kept + 1, signed)
    assert rollback["after"].replace("T", " ").startswith(last_kept_at[:19])
    assert f"3 event(s) (#{kept + 1} to #{signed})" in verdict.text
    assert f"witness {outside / 'witness'}" in verdict.text and "accept-rollback" in verdict.text
    assert verdict.first_bad_event == kept + 1

    proc = drill.cli(empty, "audit", "accept-rollback", "--as", "gromyko", "--backup", backup.name, check=False)
    refused(proc, "only an auditor may accept a rollback")
    proc = drill.cli(empty, "audit", "accept-rollback", "--as", "auditor", "--backup", "other.tar.gz", check=False)
    refused(proc, "restored from 'older.tar.gz'", "not 'other.tar.gz'")
    accepted = json.loads(
        drill.cli(
            empty, "audit", "accept-rollback", "--as", "auditor", "--backup", made["sha256"], "--json", settings=witness
        ).stdout
    )
    assert accepted["event"] == kept + 1 and accepted["tree_size"] == kept + 2
    assert accepted["backup"]["sha256"] == made["sha256"] and accepted["backup"]["name"] == "older.tar.gz"
    assert accepted["kept"]["size"] == kept
    assert {k: v for k, v in accepted["lost"].items() if k != "after"} == {
        "from_seq": kept + 1,
        "to_seq": signed,
        "events": 3,
    }
    assert [h["size"] for h in accepted["lost_heads"]] == [signed]
    verdict = drill.verify(empty, settings=witness)
    assert verdict.exit_code == 0, str(verdict)
    assert [(h["size"], h["accepted_at"]) for h in verdict.report["lost_in_accepted_rollbacks"]] == [(signed, kept + 1)]
    assert any(f"lost in the rollback accepted at event #{kept + 1}" in w for w in verdict.report["warnings"])
    assert verdict.report["witnessed_size"] == kept + 2  # the acceptance's own head reached the witness
    proc = drill.cli(empty, "audit", "accept-rollback", "--as", "auditor", "--backup", backup.name, check=False)
    refused(proc, "nothing to accept")

    # A larger head that no acceptance names, signed with the key (whoever holds it can), fails it again.
    key = serialization.load_pem_private_key(key_copy.read_bytes(), password=None)
    forged = drill.signed_note(drill.ORIGIN, signed + 10, os.urandom(32), key)
    witness_file = next((outside / "witness").glob("*.checkpoints"))
    with witness_file.open("a") as f:
        f.write(json.dumps({"note": forged}) + "\n")
    verdict = drill.verify(empty, settings=witness)
    assert verdict.exit_code == 1 and verdict.report["rollback"]["to_seq"] == signed + 10, str(verdict)


WRITER = """
import pathlib, sys
import django
django.setup()
from secretariat.accounts import services
from secretariat.kernel.principals import principal_by_username
admin = principal_by_username("admin")
stop, started = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
while not stop.exists() and n < 100000:
    services.add_unit(admin, f"w{n}", f"Unit {n}")
    n += 1
    if n == 20:
        started.touch()
print(n)
"""


def test_a_backup_taken_while_others_write_is_consistent(demo_data_dir, outside, empty):
    """A writer appends events (and the log signs a head every 3, so the checkpoint file grows too)
    while the backup runs. The backup is one instant of the log: restored, it verifies, its size and
    root are the manifest's, and the live log, which went on growing, verifies too."""
    data = demo_data_dir
    size = drill.assert_clean(data).report["size"]
    stop, started = outside / "stop", outside / "started"
    env = drill.cli_env(data, {"SECRETARIAT_AUDIT_CHECKPOINT_EVERY": "3"})
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop), str(started)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert writer.poll() is None and time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.05)
        backup = outside / "b.tar.gz"
        made = json.loads(
            drill.cli(data, "backup", str(backup), "--passphrase-stdin", "--json", stdin=passphrase()).stdout
        )
        assert writer.poll() is None, "the writer stopped before the backup ended: nothing was concurrent"
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0])
    assert writer.returncode == 0
    live = drill.assert_clean(data).report
    kept = made["manifest"]["audit"]["size"]
    assert size + 20 < kept < live["size"], (size, kept, live["size"], written)
    restored = drill.cli(empty, "restore", str(backup), "--passphrase-stdin", stdin=passphrase())
    assert "audit verify: OK" in restored.stdout, restored.stdout
    verdict = drill.assert_clean(empty).report
    assert (verdict["size"], verdict["root"]) == (kept, made["manifest"]["audit"]["root"])
