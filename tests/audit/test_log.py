"""The audit log as a Merkle tree: heads, proofs and signed checkpoints over real events."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from secretariat.accounts.models import Principal, RoleGrant
from secretariat.audit import merkle, selectors, services, signing
from secretariat.audit.models import AuditEvent
from secretariat.audit.verification import verify_log
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.registry import services as registry


@pytest.fixture
def log(make_principal):
    """The events of installing the two officers and granting ten principals (each asked, approved)."""
    for k in range(10):
        make_principal(f"p{k}")
    return list(AuditEvent.objects.order_by("seq"))


@pytest.fixture
def auditor():
    """An auditor made outside the log's services, so the log fixture keeps its events as they are."""
    principal = Principal.objects.create(username="proof-auditor", clearance=3)
    RoleGrant.objects.create(principal=principal, role="auditor")
    return principal


def test_leaves_are_the_rfc6962_hash_of_the_canonical_event(log):
    for event in log:
        assert bytes.fromhex(event.leaf_hash) == merkle.leaf_hash(event.canonical())
        assert json.loads(event.canonical())["seq"] == event.seq
    assert [e.seq for e in log] == list(range(1, len(log) + 1))


def test_every_inclusion_proof_verifies_against_the_head(log, auditor):
    root = bytes.fromhex(selectors.inclusion(auditor, 1)["root"])
    for event in log:
        proof = selectors.inclusion(auditor, event.seq)
        assert merkle.verify_inclusion(
            event.seq - 1, len(log), bytes.fromhex(event.leaf_hash), [bytes.fromhex(h) for h in proof["proof"]], root
        )


def test_consistency_proofs_link_every_earlier_head_to_the_current_one(log, auditor):
    for old in range(1, len(log) + 1):
        proof = selectors.consistency(auditor, old)
        assert merkle.verify_consistency(
            old,
            len(log),
            bytes.fromhex(proof["old_root"]),
            bytes.fromhex(proof["new_root"]),
            [bytes.fromhex(h) for h in proof["proof"]],
        )


def test_proofs_are_for_auditors_and_inside_the_tree(log, auditor):
    with pytest.raises(NotFound):
        selectors.inclusion(auditor, len(log) + 1)
    with pytest.raises(InvalidInput):
        selectors.consistency(auditor, 0)
    member = Principal.objects.get(username="p0")
    with pytest.raises(Refused):
        selectors.inclusion(member, 1)
    with pytest.raises(Refused):
        selectors.consistency(member, 1)


def test_a_checkpoint_is_a_signed_note_over_the_head_and_covers_its_own_event(
    log, make_principal, django_capture_on_commit_callbacks
):
    auditor = make_principal("auditor", roles=("auditor",))
    with pytest.raises(Refused):
        services.sign_checkpoint(make_principal("gromyko"))
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = services.sign_checkpoint(auditor)
    origin, size, root = signing.open_note(checkpoint.note, signing.public_key())
    assert (origin, size) == (settings.SECRETARIAT_AUDIT_ORIGIN, AuditEvent.objects.count())
    assert AuditEvent.objects.get(seq=size).action == "audit.checkpoint"
    assert root == services.tree_root(size) == bytes.fromhex(checkpoint.root_hash)
    report = verify_log()
    assert report.ok and report.size == size and report.checkpoints_checked >= 1


def test_a_committed_checkpoint_is_appended_to_the_checkpoint_file(
    log, make_principal, checkpoint_file, django_capture_on_commit_callbacks
):
    auditor = make_principal("auditor", roles=("auditor",))
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = services.sign_checkpoint(auditor)
    assert [json.loads(line) for line in checkpoint_file.read_text().splitlines()] == [{"note": checkpoint.note}]
    report = verify_log()
    assert report.ok and report.size == checkpoint.tree_size and report.checkpoints_checked >= 1


def test_a_note_signed_by_another_key_is_rejected(log, make_principal):
    checkpoint = services.sign_checkpoint(make_principal("auditor", roles=("auditor",)))
    body = checkpoint.note.partition("\n\n")[0] + "\n"
    other = Ed25519PrivateKey.generate()
    blob = base64.b64encode(
        signing.key_hash(settings.SECRETARIAT_AUDIT_ORIGIN, other.public_key()) + other.sign(body.encode())
    )
    forged = f"{body}\n{signing.SIGNATURE_DASH} {settings.SECRETARIAT_AUDIT_ORIGIN} {blob.decode()}\n"
    with pytest.raises(ValueError, match="no signature by the audit key"):
        signing.open_note(forged, signing.public_key())
    tampered = checkpoint.note.replace(f"\n{checkpoint.tree_size}\n", f"\n{checkpoint.tree_size + 1}\n")
    with pytest.raises(ValueError, match="does not verify"):
        signing.open_note(tampered, signing.public_key())


def test_the_audit_viewer_goes_through_the_access_rule(make_principal, register, registrar, admin):
    member = make_principal("gromyko")
    outsider = make_principal("kosygin")
    auditor = make_principal("auditor", roles=("auditor",))
    junior_auditor = make_principal("junior", clearance="SECRET", roles=("auditor",))
    register(number="P46/X", to=[member])
    registry.issue_copies(registrar, "P46/X")
    with transaction.atomic():  # an event about a kind of object no rule covers: fail closed
        services.record(admin, "grant.inspected", RoleGrant.objects.first())
    document_events = {"document.registered", "distribution.added", "copy.issued"}

    def seen(principal):
        return {e.action for e in selectors.events(principal, limit=1000)}

    assert document_events | {"principal.added", "principal.bootstrapped"} <= seen(auditor)
    assert "grant.inspected" not in seen(auditor)
    assert not document_events & seen(junior_auditor)
    assert "principal.added" in seen(junior_auditor)
    assert document_events <= seen(member)
    assert "principal.added" not in seen(member)
    assert document_events <= seen(registrar)
    assert seen(outsider) == set()
    assert seen(AnonymousUser()) == set()
