"""The backup drill on PostgreSQL, against a throwaway server the drill starts itself (see
postgres.py), whatever database the settings name: backup → wipe → restore → verify, a restore
into a database that holds a registry refused, and a restore of an older backup flagged as a
rollback until an auditor accepts it.

It starts its own server, so it is the same drill in either CI pass; it is bounded (some 30 s: a
small registry of three principals, fifteen CLI calls).
"""

import json
import shutil

import pytest

from tests.audit import drill
from tests.backup import postgres
from tests.backup.drills import passphrase, refused

pytestmark = [
    pytest.mark.slow,
    pytest.mark.embedded,  # its own server, whichever the configured database: run once, in the SQLite pass
    pytest.mark.skipif(postgres.unavailable() is not None, reason=postgres.unavailable() or ""),
]


def test_backup_wipe_restore_verify_and_a_rollback_on_postgresql(outside):
    data = outside / "data"
    data.mkdir()
    witness = outside / "witness"
    with postgres.throwaway_server() as server:
        on = {"SECRETARIAT_DATABASE_URL": server.url, "SECRETARIAT_AUDIT_WITNESSES": str(witness)}

        def cli(*args, **kwargs):
            return drill.cli(data, *args, settings=on, **kwargs)

        cli("migrate", "-v0")
        drill.install(data, settings=on)
        drill.granted(
            data, "add", "--as", "admin", "auditor", "--clearance", "SECRET", "--roles", "auditor", settings=on
        )
        cli("audit", "checkpoint", "--as", "auditor")
        older = json.loads(cli("backup", str(outside / "older.tar.gz"), "--json").stdout)  # the key left out
        assert older["manifest"]["engine"] == "postgresql"
        assert older["manifest"]["database"]["member"] == "database/secretariat.pgdump"
        shutil.copy2(data / drill.KEY_FILE, outside / "key.pem")  # backed up on its own
        drill.granted(
            data, "add", "--as", "admin", "gromyko", "--clearance", "TOP SECRET", "--roles", "member", settings=on
        )
        signed = drill.cli_json(data, "audit", "checkpoint", "--as", "auditor", settings=on)["tree_size"]
        newer = json.loads(
            cli("backup", str(outside / "newer.tar.gz"), "--passphrase-stdin", "--json", stdin=passphrase()).stdout
        )
        before = drill.verify(data, settings=on).report
        assert before["ok"] and (before["size"], before["root"]) == (
            newer["manifest"]["audit"]["size"],
            newer["manifest"]["audit"]["root"],
        )
        assert signed == before["size"] and older["manifest"]["audit"]["size"] < signed

        # The newest backup: wipe the database and the data dir, restore, and the log verifies as it was.
        server.wipe()
        shutil.rmtree(data)
        data.mkdir()
        restored = cli("restore", str(outside / "newer.tar.gz"), "--passphrase-stdin", stdin=passphrase())
        assert "audit verify: OK" in restored.stdout, restored.stdout
        after = drill.verify(data, settings=on)
        assert after.exit_code == 0 and (after.report["size"], after.report["root"]) == (before["size"], before["root"])
        message = refused(
            cli("restore", str(outside / "newer.tar.gz"), check=False), "restore writes only into an empty"
        )
        assert "PostgreSQL database 'secretariat'" in message and f"{before['size']} audit event(s)" in message

        # The older backup: a rollback against the witness, until an auditor accepts it.
        server.wipe()
        shutil.rmtree(data)
        data.mkdir()
        (data / "keys").mkdir(mode=0o700)
        shutil.copy2(outside / "key.pem", data / drill.KEY_FILE)  # the key put back first: restore keeps it
        proc = cli("restore", str(outside / "older.tar.gz"), check=False)
        assert proc.returncode == 1, (proc.stdout, proc.stderr)
        assert "audit key already in the data dir kept" in proc.stdout
        lost = signed - older["manifest"]["audit"]["size"]
        assert f"rolled back: the log holds {older['manifest']['audit']['size']} events" in proc.stderr
        assert f"{lost} event(s)" in proc.stderr
        cli("audit", "accept-rollback", "--as", "auditor", "--backup", "older.tar.gz")
        verdict = drill.verify(data, settings=on)
        assert verdict.exit_code == 0, str(verdict)
        assert [h["size"] for h in verdict.report["lost_in_accepted_rollbacks"]] == [signed]
