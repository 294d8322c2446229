"""Transfer of a closed case into the archive: items, a BagIt bag, fixity on receipt and on demand."""

import json

import bagit
import pytest

from secretariat.accounts import services as accounts
from secretariat.archive import selectors, services
from secretariat.archive.models import Item, Transfer
from secretariat.audit.models import AuditEvent
from secretariat.kernel import clock
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.kernel.principals import principal_by_username
from tests.archive.steps import TRANSFER_DAY, transfer

pytestmark = pytest.mark.demo(archive=False)  # CASE-1 closed, not yet transferred


def test_the_reference_case_becomes_items_44_on_of_fond_89_opis_25_with_a_valid_bag(archivist, archive_dir):
    done = transfer(archivist)
    items = list(Item.objects.filter(transfer=done).order_by("id"))
    assert [selectors.reference(i) for i in items] == [
        "TsKhSD/89/25/44",
        "TsKhSD/89/25/45",
        "TsKhSD/89/25/46",
        "TsKhSD/89/25/47",
    ]
    extract = items[0]
    assert (extract.number, extract.title[:25], extract.date.isoformat()) == (
        "P46/X",
        "About the instructions to",
        "1977-02-18",
    )
    assert extract.creator == "CC CPSU Politburo" and extract.marked_level == 3 and extract.level == 3
    assert [a.text for a in extract.annotations.all()][0].startswith("Must be returned within 7 days")
    assert "Must be returned" not in extract.text and "No P46/X" in extract.text
    assert extract.review_on.isoformat() == "2007-02-18"

    bag = bagit.Bag(str(archive_dir / done.bag))
    bag.validate()
    assert "sha512" in bag.algorithms and bag.info["External-Identifier"] == "CASE-1"
    payload = {p.removeprefix("data/") for p in bag.payload_files()}
    assert {
        "case.pdf",
        "case.json",
        "audit/events.jsonl",
        "papers/P46_X/text.txt",
        "papers/P46_X/copies.json",
    } <= payload
    copies = json.loads((archive_dir / done.bag / "data/papers/P46_X/copies.json").read_text())
    assert len(copies) == 9 and all(c["status"] == "returned" for c in copies)
    events = [
        json.loads(line) for line in (archive_dir / done.bag / "data/audit/events.jsonl").read_text().splitlines()
    ]
    assert {"copy.issued", "copy.returned", "case.closed"} <= {e["event"]["action"] for e in events}
    assert AuditEvent.objects.filter(action="archive.transferred").count() == 1


def test_a_case_is_transferred_once_and_only_when_closed_by_an_archivist(archivist):
    transfer(archivist)
    with pytest.raises(Refused, match="transferred already"):
        services.transfer_case(archivist, "CASE-1", repository="TsKhSD", fond="89", opis="25")
    with pytest.raises(NotFound):  # open: archivists do not see it
        services.transfer_case(archivist, "CASE-2", repository="TsKhSD", fond="89", opis="25")
    with pytest.raises(Refused, match="not an archivist"):
        services.transfer_case(principal_by_username("registrar"), "CASE-1", repository="TsKhSD", fond="89", opis="25")


def test_fixity_on_demand_finds_an_altered_file_and_a_bag_rewritten_whole(archivist, archive_dir):
    done = transfer(archivist)
    assert [r.ok for r in services.check_fixity(archivist)] == [True]
    text = archive_dir / done.bag / "data/papers/P46_X/text.txt"
    original = text.read_bytes()
    text.write_bytes(original.replace(b"Vance", b"Vence"))
    (result,) = services.check_fixity(archivist, "CASE-1")
    assert not result.ok and any("text.txt" in p for p in result.problems)
    text.write_bytes(original.replace(b"Vance", b"Vence"))
    bagit.Bag(str(archive_dir / done.bag)).save(manifests=True)  # fresh manifests over the altered file
    (result,) = services.check_fixity(None)
    assert result.problems == ["the tag manifest is not the one received: the bag was rewritten after its transfer"]
    checks = AuditEvent.objects.filter(action="archive.fixity_checked").order_by("seq")
    assert [e.data["ok"] for e in checks] == [True, False, False]
    assert Transfer.objects.count() == 1


def test_fixity_reports_a_missing_tag_manifest_and_a_file_added_at_the_root(archivist, archive_dir):
    done = transfer(archivist)
    bag = archive_dir / done.bag
    (bag / "notes.txt").write_text("added later")
    (result,) = services.check_fixity(archivist)
    assert result.problems == ["notes.txt was added at the bag's root"]
    (bag / "notes.txt").unlink()
    (bag / "data/papers/P46_X/text.txt").write_text("rewritten")
    bagit.Bag(str(bag)).save(manifests=True)
    (bag / "tagmanifest-sha512.txt").unlink()
    (result,) = services.check_fixity(None)
    assert result.problems == ["tagmanifest-sha512.txt is missing"]
    done.refresh_from_db()
    assert done.problems == ["tagmanifest-sha512.txt is missing"]


def test_unit_and_item_numbers_are_told_apart_in_public_identifiers(archivist):
    with clock.frozen(TRANSFER_DAY):
        services.add_repository(archivist, "TsKhSD", "Central Archive of Contemporary Documents")
        for bad in ("25-44", "x" * 31):
            with pytest.raises(InvalidInput, match="malformed"):
                services.transfer_case(archivist, "CASE-1", repository="TsKhSD", fond="89", opis=bad)
        with pytest.raises(InvalidInput, match="malformed item number"):
            services.transfer_case(archivist, "CASE-1", repository="TsKhSD", fond="89", opis="25", first_item=10**40)
        with pytest.raises(Refused, match="regardless of case"):
            services.add_repository(archivist, "TSKHSD", "The same archive")
        done = services.transfer_case(archivist, "CASE-1", repository="TsKhSD", fond="89", opis="25a", first_item=1)
    assert [selectors.public_identifier(i) for i in done.items.order_by("id")][:2] == [
        "tskhsd-89-25a-1",
        "tskhsd-89-25a-2",
    ]
    assert Transfer.objects.count() == 1


def test_a_deactivated_archivist_keeps_nothing(archivist):
    accounts.deactivate(principal_by_username("admin"), archivist, "left the archive")
    with pytest.raises(Refused, match="deactivated"):
        services.add_repository(archivist, "TsKhSD", "Central Archive of Contemporary Documents")
    assert not selectors.repositories().exists()
