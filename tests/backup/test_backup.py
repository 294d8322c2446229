"""Backup and restore drills on SQLite: `secretariat backup`, a wipe, `secretariat restore` into a
fresh data dir, and `audit verify`, each a real CLI process, over a copy of the demo's data dir
(`demo_data_dir`: built once per run, a transferred bag and three signed heads in it).

What a drill checks it reads for itself: the backup file is opened with tarfile and every
member hashed here, the key is looked for byte by byte, the restored files are compared with the
originals. The drills always run on SQLite (the CLI's environment drops SECRETARIAT_DATABASE_URL,
as tests/audit/drill.py does), so they never touch the configured database; the same drill on
PostgreSQL, against a server of its own, is in test_postgres.py; the rollback of a restore of an
older backup, and a backup taken while others write, in test_restore_rollback.py.
"""

import hashlib
import json
import shutil

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.audit import drill
from tests.backup.drills import (
    MAP,
    attach_a_file,
    entries,
    key_fingerprint,
    members,
    passphrase,
    refused,
    rewrite,
    tree,
)

pytestmark = [pytest.mark.slow, pytest.mark.embedded]  # data dirs of their own, on SQLite


def test_backup_wipe_restore_verify(demo_data_dir, outside):
    """The demo's data dir and an attachment's file, backed up with the key under a passphrase,
    wiped, restored into the same place: the log verifies with the same size, root and key; every
    attachment, bag file and the checkpoint file come back byte for byte; the archive's own fixity
    check passes on the restored bag; and the registry takes new work."""
    data = demo_data_dir
    attach_a_file(data)
    backup = outside / "demo.tar.gz"
    before = drill.assert_clean(data).report
    files, bags = tree(data / "files"), tree(data / "archive")
    checkpoints = (data / drill.CHECKPOINT_FILE).read_bytes()
    fingerprint = key_fingerprint(data)
    made = json.loads(drill.cli(data, "backup", str(backup), "--passphrase-stdin", "--json", stdin=passphrase()).stdout)
    assert made["path"] == str(backup) and made["size"] == backup.stat().st_size
    assert made["sha256"] == hashlib.sha256(backup.read_bytes()).hexdigest()
    assert oct(backup.stat().st_mode & 0o777) == oct(0o600)  # it holds the registry's papers
    assert [p.name for p in outside.iterdir()] == [backup.name]  # no temporary file left beside it

    held = members(backup)
    listed = json.loads(held.pop("manifest.json"))
    assert {m["name"]: (m["size"], m["sha256"]) for m in listed["members"]} == {
        name: (len(body), hashlib.sha256(body).hexdigest()) for name, body in held.items()
    }
    assert listed["format"] == "secretariat-backup" and listed["engine"] == "sqlite"
    assert (listed["audit"]["size"], listed["audit"]["root"]) == (before["size"], before["root"])
    assert listed["audit"]["key_fingerprint"] == fingerprint
    assert listed["audit"]["newest_head"]["size"] <= before["size"]
    assert {f"files/{name}" for name in files} | {f"archive/{name}" for name in bags} <= held.keys()
    assert MAP in held.values()
    assert held["audit-checkpoints.log"] == checkpoints
    assert held["keys/audit-ed25519.pem.enc"].startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")

    shutil.rmtree(data)  # the wipe
    data.mkdir()
    restored = drill.cli(data, "restore", str(backup), "--passphrase-stdin", stdin=passphrase())
    assert "audit key restored from the backup" in restored.stdout
    assert "audit verify: OK" in restored.stdout, restored.stdout
    after = drill.assert_clean(data).report
    assert (after["size"], after["root"], after["key_fingerprint"]) == (before["size"], before["root"], fingerprint)
    assert tree(data / "files") == files and tree(data / "archive") == bags
    assert (data / drill.CHECKPOINT_FILE).read_bytes() == checkpoints
    assert oct((data / drill.KEY_FILE).stat().st_mode & 0o777) == oct(0o600)
    assert drill.cli(data, "archive", "fixity", "--as", "archivist").returncode == 0
    record = json.loads((data / "restored-from.json").read_text())
    assert record["backup"]["sha256"] == made["sha256"] and record["audit"]["size"] == before["size"]
    drill.cli(data, "document", "read", "--as", "gromyko", "P47/1")  # the restored registry signs new events
    assert drill.assert_clean(data).report["size"] > before["size"]


def test_a_tampered_damaged_or_padded_backup_is_refused_and_nothing_written(demo_data_dir, outside, empty):
    data = demo_data_dir
    backup = outside / "good.tar.gz"
    drill.cli(data, "backup", str(backup), "--passphrase-stdin", stdin=passphrase())
    drill.cli(empty, "help")  # the settings make what they make on start (a secret key, the static dir)
    untouched = entries(empty)

    def flip(name, body):
        if name == "audit-checkpoints.log":
            return body[:-3] + bytes([body[-3] ^ 1]) + body[-2:]  # one bit, the same size
        return body

    cases = {
        "flipped": (dict(change=flip), "audit-checkpoints.log is not what the manifest says"),
        "dropped": (
            dict(change=lambda name, body: None if name.endswith("case.pdf") else body),
            "lacks archive/bags/CASE-1/data/case.pdf",
        ),
        "padded": (dict(extra={"files/attachments/1977/forged.pdf": b"%PDF-1.4"}), "which its manifest does not list"),
        "smuggled": (dict(extra={"../escape": b"x"}), "which no Secretariat backup holds"),
    }
    for case, (how, words) in cases.items():
        bad = outside / f"{case}.tar.gz"
        rewrite(backup, bad, **how)
        message = refused(drill.cli(empty, "restore", str(bad), check=False), words)
        assert "nothing was written" in message, (case, message)
        assert entries(empty) == untouched, case
    cut = outside / "cut.tar.gz"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    refused(drill.cli(empty, "restore", str(cut), check=False), "damaged or cut short", "nothing was written")
    assert entries(empty) == untouched
    assert not (outside / "escape").exists()
    drill.cli(empty, "restore", str(backup), "--passphrase-stdin", stdin=passphrase())  # the good one restores there
    drill.assert_clean(empty)


def test_a_restore_into_a_data_dir_that_holds_a_registry_is_refused(demo_data_dir, outside):
    data = demo_data_dir
    backup = outside / "b.tar.gz"
    drill.cli(data, "backup", str(backup))
    before = drill.assert_clean(data).report
    message = refused(drill.cli(data, "restore", str(backup), check=False), "restore writes only into an empty")
    assert "already holds a registry" in message and "holds signed heads" in message
    assert "archive holds files" in message
    assert drill.assert_clean(data).report == before


def test_a_backup_without_a_passphrase_holds_no_key(demo_data_dir, outside):
    data = demo_data_dir
    backup = outside / "b.tar.gz"
    made = drill.cli(data, "backup", str(backup))
    assert f"audit key: NOT in this backup. Back up {data / drill.KEY_FILE}" in made.stdout
    assert "on its own" in made.stdout
    pem = (data / drill.KEY_FILE).read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    held = members(backup)
    assert not [name for name in held if name.startswith("keys/")]
    assert json.loads(held["manifest.json"])["key"]["included"] is False
    for name, body in held.items():
        assert raw not in body and pem.strip() not in body and b"PRIVATE KEY" not in body, name
    # Refused outright: a passphrase too short to put the key under.
    short = outside / "short.tar.gz"
    refused(
        drill.cli(data, "backup", str(short), "--passphrase-stdin", stdin="too short\n", check=False), "at least 12"
    )
    assert not short.exists()


def test_the_encrypted_key_restores_only_with_the_right_passphrase(demo_data_dir, outside, empty):
    data = demo_data_dir
    backup = outside / "b.tar.gz"
    drill.cli(data, "backup", str(backup), "--passphrase-stdin", stdin=passphrase())
    sealed = members(backup)["keys/audit-ed25519.pem.enc"]
    with pytest.raises(TypeError):  # encrypted: no key without a password
        serialization.load_pem_private_key(sealed, password=None)
    drill.cli(empty, "help")
    untouched = entries(empty)
    refused(drill.cli(empty, "restore", str(backup), check=False), "give its passphrase", "nothing was written")
    assert entries(empty) == untouched
    wrong = passphrase("not the plan of the plenum")
    proc = drill.cli(empty, "restore", str(backup), "--passphrase-stdin", stdin=wrong, check=False)
    refused(proc, "the passphrase does not open the audit key", "nothing was written")
    assert entries(empty) == untouched
    # Another key already where the key goes (not the one the log is signed by): refused too.
    (empty / "keys").mkdir()
    other = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (empty / drill.KEY_FILE).write_bytes(other)
    proc = drill.cli(empty, "restore", str(backup), "--passphrase-stdin", stdin=passphrase(), check=False)
    refused(proc, "the backup's log is signed by", "nothing was written")
    assert (empty / drill.KEY_FILE).read_bytes() == other
    shutil.rmtree(empty / "keys")
    assert entries(empty) == untouched
    drill.cli(empty, "restore", str(backup), "--passphrase-stdin", stdin=passphrase())
    assert key_fingerprint(empty) == key_fingerprint(data)
    assert (empty / drill.KEY_FILE).read_bytes() == (data / drill.KEY_FILE).read_bytes()
    drill.assert_clean(empty)


def test_a_backup_that_fails_leaves_nothing_behind(demo_data_dir, outside):
    data = demo_data_dir
    (outside / "taken.tar.gz").write_bytes(b"an older backup")
    refused(drill.cli(data, "backup", str(outside / "taken.tar.gz"), check=False), "exists")
    assert (outside / "taken.tar.gz").read_bytes() == b"an older backup"
    # A link among the bags: the backup stops half-way, after the database was copied.
    (data / "archive" / "bags" / "link").symlink_to("/etc/hostname")
    refused(drill.cli(data, "backup", str(outside / "new.tar.gz"), check=False), "is not a regular file")
    assert sorted(p.name for p in outside.iterdir()) == ["taken.tar.gz"]  # no half file, no temporary left


def test_a_restore_that_fails_half_way_takes_back_what_it_wrote(demo_data_dir, outside, empty):
    """The bags and the checkpoint file are written, then the key cannot be (where its directory
    should be there is a file): one line, and the data dir is as it was, no database in it."""
    backup = outside / "b.tar.gz"
    drill.cli(demo_data_dir, "backup", str(backup), "--passphrase-stdin", stdin=passphrase())
    (empty / "keys").write_text("not a directory")
    drill.cli(empty, "help")
    untouched = entries(empty)
    proc = drill.cli(empty, "restore", str(backup), "--passphrase-stdin", stdin=passphrase(), check=False)
    refused(proc, f"restore could not write {empty / 'keys'}", "taken back")
    assert entries(empty) == untouched
    assert not (empty / drill.DB_NAME).exists()
