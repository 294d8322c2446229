"""A rollback and its acceptance, in process: the witnesses hold heads of a longer history than
the log (as after a restore of an older backup), `audit verify` reports the rollback, and
`accept_rollback` records a signed, witnessed event that excuses exactly the heads it names.

The lost history is made as a restore leaves it: heads signed by the audit key over more events
than the log holds, in a witness directory outside the data dir. The real thing (a backup, more
work, a restore of the backup into a fresh data dir) is drilled in tests/backup/.
"""

import json
import os
from pathlib import Path

import pytest
from django.db import transaction

from secretariat.audit import services, signing, verification, witnesses
from secretariat.audit.models import AuditEvent
from secretariat.audit.verification import verify_log
from secretariat.kernel.errors import Refused


@pytest.fixture
def witness(settings, tmp_path):
    settings.SECRETARIAT_AUDIT_WITNESSES = [str(tmp_path / "witness")]
    return str(tmp_path / "witness")


@pytest.fixture
def auditor(make_principal):
    return make_principal("auditor", roles=("auditor",))


def lost_head(settings, size: int) -> str:
    """A head the audit key signed over `size` events of a history this log no longer holds."""
    return signing.sign_note(signing.checkpoint_body(settings.SECRETARIAT_AUDIT_ORIGIN, size, os.urandom(32)))


@pytest.fixture
def rolled_back(settings, witness, auditor, make_principal, django_capture_on_commit_callbacks):
    """A log of some events whose head is witnessed, and a witness that also holds two heads (of
    3 and 7 more events) of the history a restore took away. Returns the log's size then."""
    with django_capture_on_commit_callbacks(execute=True):
        make_principal("gromyko")
        services.sign_checkpoint(auditor)
    size = verify_log().size
    witnesses.write_witness(witness, [lost_head(settings, size + 3), lost_head(settings, size + 7)])
    return size


def accept(auditor, django_capture_on_commit_callbacks, backup="secretariat-1977-02-18.tar.gz"):
    with django_capture_on_commit_callbacks(execute=True):
        return services.accept_rollback(auditor, backup=backup)


def test_a_rolled_back_log_is_reported_as_a_rollback(witness, rolled_back):
    report = verify_log()
    assert not report.ok
    last = AuditEvent.objects.get(seq=rolled_back)
    assert report.rollback is not None
    assert report.rollback.as_json() == {
        "events_lost": 7,
        "from_seq": rolled_back + 1,
        "to_seq": rolled_back + 7,
        "log_size": rolled_back,
        "signed_size": rolled_back + 7,
        "after": last.at.isoformat(),
        "held_by": [f"witness {Path(witness).resolve()}"],
    }
    assert report.first_bad.seq == rolled_back + 1
    assert "truncated or rolled back" in report.first_bad.message
    assert "7 event(s)" in report.rollback.describe() and "accept-rollback" in report.rollback.describe()
    assert report.as_json()["rollback"]["events_lost"] == 7


def test_an_accepted_rollback_excuses_the_heads_it_names_and_no_other(
    settings, witness, rolled_back, auditor, make_principal, django_capture_on_commit_callbacks
):
    accepted = accept(auditor, django_capture_on_commit_callbacks)
    event = accepted.event
    assert event.seq == rolled_back + 1 and event.action == verification.ROLLBACK_ACCEPTED
    assert event.actor == auditor
    assert event.data["backup"] == {"named": "secretariat-1977-02-18.tar.gz", "restored": False}
    assert event.data["kept"] == {"size": rolled_back, "root": services.tree_root(rolled_back).hex()}
    assert event.data["lost"]["from_seq"] == rolled_back + 1 and event.data["lost"]["to_seq"] == rolled_back + 7
    assert [h["size"] for h in event.data["lost_heads"]] == [rolled_back + 3, rolled_back + 7]
    # The head signed right after the event covers it, and reached the witness.
    assert accepted.checkpoint.tree_size == event.seq + 1
    assert accepted.checkpoint.note in witnesses.read_witness(witness).notes
    report = verify_log()
    assert report.ok, report.problems
    assert report.rollback is None
    assert {(h.size, h.accepted_at) for h in report.lost_heads} == {
        (rolled_back + 3, event.seq),
        (rolled_back + 7, event.seq),
    }
    assert any(f"lost in the rollback accepted at event #{event.seq}" in w for w in report.warnings)
    assert report.witnessed_size == report.size == accepted.checkpoint.tree_size  # the lost heads count for nothing
    # The new history grows past the lost heads' sizes: at those sizes its roots differ, still excused.
    with django_capture_on_commit_callbacks(execute=True):
        for k in range(8):
            make_principal(f"member{k}")
        services.sign_checkpoint(auditor)
    report = verify_log()
    assert report.size > rolled_back + 7
    assert report.ok, report.problems
    # A head the acceptance does not name fails, larger than the log or not.
    for size in (rolled_back + 5, report.size + 2):
        witnesses.write_witness(witness, [note := lost_head(settings, size)])
        report = verify_log()
        assert not report.ok
        assert any(f"of {size} events" in p.message or f"at size {size}" in p.message for p in report.problems)
        (held := witnesses._witness_file(witness)).write_text(
            "".join(line + "\n" for line in held.read_text().splitlines() if json.loads(line)["note"] != note)
        )
    assert verify_log().ok


def test_an_acceptance_is_refused_to_others_and_when_there_is_nothing_to_accept(
    settings, witness, auditor, make_principal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_checkpoint(auditor)
    size = verify_log().size
    with pytest.raises(Refused, match="nothing to accept"):
        accept(auditor, django_capture_on_commit_callbacks)
    witnesses.write_witness(witness, [lost_head(settings, size + 2)])
    with pytest.raises(Refused, match="only an auditor may accept a rollback"):
        accept(make_principal("gromyko"), django_capture_on_commit_callbacks)
    # A head within the log that does not match it is a rewrite, which no rollback explains.
    witnesses.write_witness(witness, [lost_head(settings, size - 1)])
    with pytest.raises(Refused, match="which no rollback explains"):
        accept(auditor, django_capture_on_commit_callbacks)
    assert not AuditEvent.objects.filter(action=verification.ROLLBACK_ACCEPTED).exists()


def test_an_acceptance_names_the_restored_backup(
    settings, restore_record, rolled_back, auditor, make_principal, django_capture_on_commit_callbacks
):
    """After `secretariat restore`, the backup named must be the one restored, and the prefix kept
    is the backup's log, even when events were appended since (a login, a head the log signed)."""
    restore_record.write_text(
        json.dumps(
            {
                "backup": {"name": "b1.tar.gz", "sha256": "ab" * 32, "path": "/backups/b1.tar.gz"},
                "created_at": "1977-02-18T09:00:00+00:00",
                "restored_at": "1977-02-19T09:00:00+00:00",
                "audit": {"size": rolled_back, "root": services.tree_root(rolled_back).hex()},
            }
        )
    )
    make_principal("brezhnev")  # events appended since the restore
    appended = AuditEvent.objects.count()
    with pytest.raises(Refused, match="restored from 'b1.tar.gz'"):
        accept(auditor, django_capture_on_commit_callbacks, backup="b2.tar.gz")
    accepted = accept(auditor, django_capture_on_commit_callbacks, backup="ab" * 32)
    assert accepted.event.seq == appended + 1
    assert accepted.event.data["kept"]["size"] == rolled_back
    assert accepted.event.data["backup"] == {
        "name": "b1.tar.gz",
        "sha256": "ab" * 32,
        "created_at": "1977-02-18T09:00:00+00:00",
        "restored_at": "1977-02-19T09:00:00+00:00",
    }
    assert verify_log().ok


def test_an_acceptance_of_another_history_excuses_nothing(settings, rolled_back, auditor):
    """Whoever holds the key can sign an acceptance naming any heads; unless the log's first
    `kept` events are the ones it names, it excuses none of them, and is named itself."""
    report = verify_log()
    heads = [{"size": h.size, "root": h.root.hex()} for h in verification.signed_heads(signing.public_key())]
    with transaction.atomic():
        forged = services.record(
            auditor,
            verification.ROLLBACK_ACCEPTED,
            data={"kept": {"size": rolled_back, "root": "00" * 32}, "lost_heads": heads},
        )
    report = verify_log()
    assert not report.ok and report.lost_heads == []
    assert any(p.seq == forged.seq and "excuses nothing" in p.message for p in report.problems)
    assert report.rollback is not None and report.rollback.events_lost == 6  # the log grew by the forged event
