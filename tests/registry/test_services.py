"""Registry use cases: what they do, and that every refusal changes nothing."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction

from secretariat.accounts import services as accounts
from secretariat.audit import signing
from secretariat.audit.models import AuditEvent, AuditHead
from secretariat.decisions import services as decisions
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.kernel.restriction import Action
from secretariat.registry import selectors
from secretariat.registry import services as registry
from secretariat.registry.models import Copy, Document
from tests.conftest import ISSUE_DAY
from tests.refusals import refused_without_change, snapshot


@pytest.fixture
def members(make_principal):
    return [make_principal(name) for name in ("brezhnev", "gromyko", "andropov")]


@pytest.fixture
def issued(register, registrar, members):
    """P46/X, Top Secret, three addressees, a copy each, issued on 18 February 1977."""
    register(to=members)
    with clock.frozen(ISSUE_DAY):
        return registry.issue_copies(registrar, "P46/X")


def test_copies_are_numbered_k_of_n_and_due_after_the_default_period(issued, members):
    assert [(c.number, c.holder) for c in issued] == [(1, members[0]), (2, members[1]), (3, members[2])]
    assert {c.due_at for c in issued} == {ISSUE_DAY + dt.timedelta(days=7)}
    assert Document.objects.get(number="P46/X").copies_made == 3


def test_return_period_comes_from_the_document_then_its_body(admin, registrar, members):
    body = decisions.add_body(admin, "Board", "B", return_days=14)
    for number, own in (("B1/1", None), ("B1/2", 3)):
        with clock.frozen(ISSUE_DAY):
            decisions.register_body_paper(
                registrar,
                body,
                number=number,
                title=f"Paper {number}",
                classification=Classification.parse("TOP SECRET"),
                text="The draft is to be approved.",
                dated=ISSUE_DAY.date(),
                distribution=members[:1],
                return_days=own,
            )
    with clock.frozen(ISSUE_DAY):
        (long_,) = registry.issue_copies(registrar, "B1/1")
        (short,) = registry.issue_copies(registrar, "B1/2")
    assert long_.due_at - long_.issued_at == dt.timedelta(days=14)
    assert short.due_at - short.issued_at == dt.timedelta(days=3)


def test_overdue_is_judged_by_the_clock(issued, registrar):
    due = ISSUE_DAY + dt.timedelta(days=7)
    assert list(selectors.overdue_copies(registrar, due)) == []
    late = list(selectors.overdue_copies(registrar, due + dt.timedelta(minutes=1)))
    assert [c.number for c in late] == [1, 2, 3]


def test_balance_adds_up_after_return_destruction_and_loss(issued, registrar, make_principal):
    witness = make_principal("registrar2", roles=("registrar",))
    with clock.frozen(ISSUE_DAY + dt.timedelta(days=2)):
        registry.return_copy(registrar, "P46/X", 1)
        registry.record_destruction(registrar, "P46/X", 2, "Act 3/77")
        registry.witness_destruction(witness, "P46/X", 2)
        registry.report_loss(registrar, "P46/X", 3, "left in a car")
    (balance,) = selectors.balances(registrar, ISSUE_DAY + dt.timedelta(days=30), "P46/X")
    assert (balance.issued, balance.returned, balance.destroyed, balance.lost, balance.outstanding) == (3, 1, 1, 1, 0)
    assert balance.balanced
    assert Copy.objects.get(number=3).incidents.get().circumstances == "left in a car"


def test_destruction_needs_a_second_person(issued, registrar):
    registry.record_destruction(registrar, "P46/X", 2, "Act 3/77")
    message = refused_without_change(Refused, lambda: registry.witness_destruction(registrar, "P46/X", 2))
    assert "second person" in message
    assert Copy.objects.get(number=2).status == Copy.Status.ISSUED


def test_only_the_holder_confirms_receipt_and_only_once(issued, members):
    refused_without_change(Refused, lambda: registry.confirm_receipt(members[1], "P46/X", 1))
    registry.confirm_receipt(members[0], "P46/X", 1)
    assert Copy.objects.get(number=1).receipt_confirmed_at is not None
    refused_without_change(Refused, lambda: registry.confirm_receipt(members[0], "P46/X", 1))


def test_a_second_return_is_refused(issued, registrar):
    registry.return_copy(registrar, "P46/X", 1)
    message = refused_without_change(Refused, lambda: registry.return_copy(registrar, "P46/X", 1))
    assert message == "copy 1 of No P46/X is returned already"


def test_returning_a_copy_never_issued_is_not_found(issued, registrar):
    message = refused_without_change(NotFound, lambda: registry.return_copy(registrar, "P46/X", 4))
    assert message == "no copy 4 of No P46/X"


@pytest.mark.parametrize("number", ["", "p46/x", "P46//X", "P46 X", "/P46", "P46/", "No P46/X", "P" * 61])
def test_a_malformed_number_is_refused(register, number):
    message = refused_without_change(InvalidInput, lambda: register(number=number))
    assert "malformed registration number" in message


def test_a_number_is_registered_once(register):
    register()
    refused_without_change(Refused, lambda: register())


def test_numbers_of_a_series_are_allocated_in_order(registrar):
    documents = [
        registry.register_document(
            registrar,
            title="Note",
            classification=Classification.parse("SECRET"),
            text="",
            dated=dt.date(2026, 1, 1),
            series="GD",
        )
        for _ in range(3)
    ]
    assert [d.number for d in documents] == ["GD-1", "GD-2", "GD-3"]


def test_nobody_classifies_above_their_own_clearance(make_principal, admin):
    accounts.add_compartment(admin, "SPECIAL FILE")
    clerk = make_principal("clerk", clearance="SECRET", roles=("registrar",))
    for marking in ("TOP SECRET", "SECRET//SPECIAL FILE"):
        message = refused_without_change(
            Refused,
            lambda marking=marking: registry.register_document(
                clerk, title="T", classification=Classification.parse(marking), text="", dated=dt.date(1977, 2, 18)
            ),
        )
        assert "cannot mark a paper" in message


def test_an_attachment_may_not_be_above_its_cover(register, registrar):
    register(number="S1", classification="SECRET")
    message = refused_without_change(
        Refused,
        lambda: registry.add_attachment(registrar, "S1", title="A", classification=Classification.parse("TOP SECRET")),
    )
    assert "above its cover" in message
    attachment = registry.add_attachment(
        registrar, "S1", title="A", classification=Classification.parse("CONFIDENTIAL")
    )
    assert attachment.position == 1


def test_an_uncleared_holder_gets_no_copy(register, registrar, make_principal, admin):
    accounts.add_unit(admin, "intl", "International Department")
    junior = make_principal("junior", clearance="SECRET", unit="intl")
    register(to=[junior.unit])
    message = refused_without_change(Refused, lambda: registry.issue_copies(registrar, "P46/X", [junior]))
    assert "not cleared" in message


def test_an_uncleared_addressee_is_refused(register, make_principal):
    junior = make_principal("junior", clearance="CONFIDENTIAL")
    refused_without_change(Refused, lambda: register(to=[junior]))


def test_a_holder_with_too_many_overdue_copies_is_refused_until_one_comes_back(register, registrar, members, settings):
    settings.SECRETARIAT_OVERDUE_LIMIT = 3
    holder = members[0]
    for k in range(4):
        register(number=f"P46/{k + 1}", to=[holder])
    with clock.frozen(ISSUE_DAY):
        for k in range(3):
            registry.issue_copies(registrar, f"P46/{k + 1}", [holder])
    later = ISSUE_DAY + dt.timedelta(days=30)
    with clock.frozen(later):
        message = refused_without_change(Refused, lambda: registry.issue_copies(registrar, "P46/4", [holder]))
        assert "3 overdue copies" in message
        registry.return_copy(registrar, "P46/1", 1)
        (copy,) = registry.issue_copies(registrar, "P46/4", [holder])
    assert copy.holder == holder


def test_only_a_registrar_issues_copies(issued, members):
    refused_without_change(Refused, lambda: registry.issue_copies(members[0], "P46/X", [members[0]]))


def test_a_forbidden_document_looks_missing_to_the_service(register, make_principal):
    other_registrar = make_principal("clerk", clearance="SECRET", roles=("registrar",))
    register()
    forbidden = refused_without_change(NotFound, lambda: registry.issue_copies(other_registrar, "P46/X"))
    missing = refused_without_change(NotFound, lambda: registry.issue_copies(other_registrar, "P99/X"))
    assert forbidden.replace("P46/X", "N") == missing.replace("P99/X", "N")


def test_versions_are_added_never_overwritten(register, registrar):
    document = register(text="first draft")
    registry.add_version(registrar, "P46/X", "second draft", note="corrected point 2")
    assert list(document.versions.values_list("number", "text")) == [(1, "first draft"), (2, "second draft")]
    assert document.current_version().text == "second draft"


def test_the_initial_classification_is_kept(register):
    document = register(classification="SECRET")
    assert document.initial_classification == Classification.parse("SECRET")
    assert document.classification == document.initial_classification


def test_every_change_appends_its_event_in_the_same_transaction(issued, registrar):
    events = list(AuditEvent.objects.filter(action="copy.issued").values_list("data", flat=True))
    assert [(e["copy"], e["holder"]) for e in events] == [(1, "brezhnev"), (2, "gromyko"), (3, "andropov")]
    assert AuditHead.objects.get().size == AuditEvent.objects.count()


def test_when_the_audit_append_fails_the_change_is_undone(issued, registrar, monkeypatch):
    def broken(leaf):
        raise OSError("audit key unreadable")

    monkeypatch.setattr(signing, "sign_leaf", broken)
    before = snapshot()
    with pytest.raises(OSError):
        registry.return_copy(registrar, "P46/X", 1)
    assert snapshot() == before
    assert Copy.objects.get(number=1).status == Copy.Status.ISSUED


def test_the_database_refuses_to_change_the_log(issued):
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_reading_classified_content_is_audited(issued, members, registrar):
    before = AuditEvent.objects.count()
    reading = selectors.read_document(members[1], "P46/X")
    assert reading.version.text == "The draft is to be approved."
    last = AuditEvent.objects.last()
    assert (AuditEvent.objects.count(), last.action, last.actor) == (before + 1, "document.read", members[1])
    with pytest.raises(NotFound):
        selectors.read_document(registrar, "P46/X")
    assert AuditEvent.objects.count() == before + 1
    assert selectors.register_entry(registrar, "P46/X").number == "P46/X"
    assert selectors.document_count(registrar, Action.VIEW) == 0


def test_a_file_attachment_is_stored_in_the_data_dir(register, registrar, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    register(number="S1", classification="SECRET")
    scan = ContentFile(b"%PDF-1.4 scan of the draft", name="draft.pdf")
    attachment = registry.add_attachment(
        registrar, "S1", title="Scan", classification=Classification.parse("SECRET"), file=scan, page_count=3
    )
    stored = tmp_path / attachment.file.name
    assert stored.read_bytes() == b"%PDF-1.4 scan of the draft"


def test_an_oversized_upload_is_refused_and_nothing_is_stored(register, registrar, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SECRETARIAT_MAX_ATTACHMENT_BYTES = 10
    register(number="S1", classification="SECRET")
    big = ContentFile(b"x" * 11, name="big.pdf")
    message = refused_without_change(
        InvalidInput,
        lambda: registry.add_attachment(
            registrar, "S1", title="Big", classification=Classification.parse("SECRET"), file=big
        ),
    )
    assert message == "file is 11 bytes; the limit is 10"
    assert list(tmp_path.rglob("*.pdf")) == []


def test_the_registry_keeps_papers_it_may_not_read(register, registrar, members, admin, make_principal):
    """A registrar may not put themselves (or their unit) on a distribution, nor issue a copy to
    themselves or to anyone not addressed: the register is not a way to read."""
    register(to=members[:1])
    refused_without_change(Refused, lambda: registry.add_to_distribution(registrar, "P46/X", [registrar]))
    refused_without_change(Refused, lambda: registry.issue_copies(registrar, "P46/X", [registrar]))
    message = refused_without_change(Refused, lambda: registry.issue_copies(registrar, "P46/X", [members[1]]))
    assert message == "gromyko is not on the distribution of No P46/X: add them first"
    accounts.add_unit(admin, "gd-1", "General Department")
    clerk = make_principal("clerk", roles=("registrar",), unit="gd-1")
    refused_without_change(Refused, lambda: registry.add_to_distribution(clerk, "P46/X", [clerk.unit]))


def test_a_copy_awaiting_its_destruction_witness_is_neither_returned_nor_lost(issued, registrar):
    registry.record_destruction(registrar, "P46/X", 1, "Act 3/77")
    refused_without_change(Refused, lambda: registry.return_copy(registrar, "P46/X", 1))
    refused_without_change(Refused, lambda: registry.report_loss(registrar, "P46/X", 1, "gone"))


@pytest.mark.parametrize("series", ["", "bad series", "GD/../X", "gd"])
def test_a_malformed_series_is_refused(registrar, series):
    message = refused_without_change(
        InvalidInput,
        lambda: registry.register_document(
            registrar,
            title="T",
            classification=Classification.parse("SECRET"),
            text="",
            dated=ISSUE_DAY.date(),
            series=series,
        ),
    )
    assert "malformed series" in message
