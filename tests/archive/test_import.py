"""`secretariat import-transcription`: the reference file read field by field, and imported as an item."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from secretariat.accounts import services as accounts
from secretariat.archive import selectors, services
from secretariat.archive.models import Item
from secretariat.audit.models import AuditEvent
from secretariat.kernel import clock
from secretariat.kernel.principals import principal_by_username
from tests import grants

pytestmark = pytest.mark.demo(archive=False)  # CASE-1 closed, nothing in the archive yet

REFERENCE = (
    Path(__file__).resolve().parents[2] / "src/secretariat/demo/reference/politburo-1977-protocol-46-point-x.txt"
)


def run_json(capsys, *args) -> dict:
    call_command("import-transcription", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_the_reference_file_as_the_issue_asks(db, capsys):
    found = run_json(capsys, str(REFERENCE), "--dry-run")
    assert (found["number"], found["protocol_number"], found["point"], found["date"]) == (
        "P46/X",
        "46",
        "X",
        "1977-02-18",
    )
    assert found["classification"]["level"] == "TOP SECRET"
    assert found["distribution"] == [
        "Brezhnev",
        "Podgorny",
        "Kosygin",
        "Andropov",
        "Gromyko",
        "Kirilenko",
        "Suslov",
        "Ponomarev",
        "Zamiatin",
    ]
    assert found["return_instruction"]["days"] == 7
    assert "General Department, 1st sector" in found["return_instruction"]["to"]
    reference = found["archival_reference"]
    assert (
        reference["repository"],
        reference["fond"],
        reference["opis"],
        reference["document"],
        reference["sheets"],
    ) == (
        "TsKhSD",
        "89",
        "25",
        "44",
        "7",
    )
    kinds = {a["kind"] for a in found["annotations"]}
    assert {"margin", "stamp"} <= kinds
    assert Item.objects.count() == 0  # a dry run imports nothing


def test_importing_the_reference_file_makes_an_item_in_fond_89_opis_25(archivist, capsys):
    found = run_json(capsys, str(REFERENCE), "--as", "archivist")
    assert found["archive_item"] == "TsKhSD/89/25/44"
    item = selectors.item(principal_by_username("archivist"), "TsKhSD/89/25/44")
    assert (item.source, item.number, item.sheet_count, item.marked_level, item.level) == (
        "transcription",
        "P46/X",
        7,
        3,
        3,
    )
    assert item.annotations.filter(kind="margin", text__contains="Must be returned within 7 days").exists()
    assert item.annotations.filter(kind="stamp").exists()
    assert "Meet with Vance" in item.text and "No P46/X" in item.text and "Top secret" in item.text
    assert "Must be returned within 7 days" not in item.text  # a margin note: kept apart, as an annotation
    source_lines = [line.strip() for line in REFERENCE.read_text().splitlines() if line.strip()]
    annotated = {a.text for a in item.annotations.all()}
    assert all(line in item.text or any(a in line or line in a for a in annotated) for line in source_lines)
    assert AuditEvent.objects.filter(action="archive.imported").count() == 1
    with pytest.raises(SystemExit):  # the same item twice is refused
        call_command("import-transcription", str(REFERENCE), "--as", "archivist")
    with pytest.raises(SystemExit):  # importing is for archivists
        call_command("import-transcription", str(REFERENCE), "--as", "registrar", "--into", "TsKhSD/89/26")
    assert Item.objects.count() == 1


@pytest.mark.parametrize(
    ("sheets", "as_written", "count"),
    [
        ("7", "TsKhSD Fond 89 Opis list 25 Document 44 Pages 7", 7),
        ("1", "ф. 89, оп. 31, д. 29, л. 1", 1),
        ("5", "RGASPI f. 17, op. 3, d. 1045, l. 5", 1),  # sheet 5: one sheet, not five
        ("121-122", "APRF, fond 3, opis 65, delo 827, listy 121-122", 2),
        ("2ob.", "ф. 3, оп. 1, д. 2, л. 2об.", 1),
        ("121-122об.", "", 2),
        ("1, 3-5", "", 4),
        ("9-3", "", None),
        ("", "", None),
        ("V-9", "", None),
    ],
)
def test_sheets_are_counted_from_a_count_or_from_foliation(sheets, as_written, count):
    assert services.sheet_count(sheets, as_written) == count


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_marking_that_cannot_be_read_is_refused_not_taken_for_unclassified(archivist, tmp_path, capsys):
    head = AuditEvent.objects.count()
    for name, text in [
        ("special.txt", "Особая папка\n№ 12\nPay the informant.\n"),
        ("unmarked.txt", "No P9/9\nPay the informant.\n"),
        ("eyes.txt", "TOP SECRET - EYES ONLY\nPay the informant.\n"),
    ]:
        with pytest.raises(SystemExit):
            call_command(
                "import-transcription", write(tmp_path, name, text), "--as", "archivist", "--into", "TsKhSD/89/41"
            )
        assert "classification could not be read" in capsys.readouterr().err
    assert Item.objects.count() == 0 and AuditEvent.objects.count() == head
    path = write(tmp_path, "unmarked.txt", "No P9/9\nA public letter.\n")
    args = ("--as", "archivist", "--into", "TsKhSD/89/41", "--classification", "UNCLASSIFIED", "--json")
    call_command("import-transcription", path, *args)
    item = Item.objects.get()
    assert item.level == 0 and item.declassified_at is not None  # said so, in so many words


def test_a_caveat_becomes_a_compartment_and_an_undated_paper_waits_for_a_reviewer(archivist, tmp_path, capsys):
    admin = principal_by_username("admin")
    path = write(tmp_path, "special.txt", "Top secret\nSpecial file\nNo P12/3\nPay the informant.\n")
    with pytest.raises(SystemExit):  # no such compartment in this registry yet
        call_command("import-transcription", path, "--as", "archivist", "--into", "TsKhSD/89/41")
    assert "unknown compartment(s): SPECIAL FILE" in capsys.readouterr().err
    accounts.add_compartment(admin, "SPECIAL FILE")
    with pytest.raises(SystemExit):  # the archivist does not hold it
        call_command("import-transcription", path, "--as", "archivist", "--into", "TsKhSD/89/41")
    assert "cannot mark a paper TOP SECRET//SPECIAL FILE" in capsys.readouterr().err
    grants.change_clearance(admin, principal_by_username("archivist"), compartments=["SPECIAL FILE"])
    call_command("import-transcription", path, "--as", "archivist", "--into", "TsKhSD/89/41", "--json")
    item = Item.objects.get()
    assert {c.code for c in item.compartments.all()} == {"SPECIAL FILE"} == item.marked_classification.compartments
    assert (item.instruction, item.declassified_at) == ("exemption", None) and "undated" in item.exemption
    with clock.frozen("2100-01-01T00:00:00+00:00"):
        swept = services.sweep_reviews()
    assert swept.declassified == [] and [r.item for r in swept.opened] == [item]


def test_the_reading_room_finds_russian_words_whatever_their_case(archivist, tmp_path, capsys):
    text = "Выписка из протокола № 5 заседания Политбюро\nПостановили: Утвердить проект.\n"
    args = ("--as", "archivist", "--into", "TsKhSD/89/42", "--item", "1", "--classification", "UNCLASSIFIED")
    call_command("import-transcription", write(tmp_path, "ru.txt", text), *args)
    services.publish(principal_by_username("archivist"), "TsKhSD/89/42/1")
    for query in ("политбюро", "ПОЛИТБЮРО", "Утвердить про\u00adект"):
        assert [i.identifier for i in selectors.published_items(query)] == ["1"], query
    assert list(selectors.published_items("Оргбюро")) == []
