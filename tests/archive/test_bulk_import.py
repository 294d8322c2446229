"""`secretariat import`: a batch, every paper through its use case, a chunk per transaction, resumable after a
kill, the refused reported while the rest go in."""

import csv
import json
import shutil

import pytest
from django.core.management import call_command

from secretariat.archive import services
from secretariat.archive.models import Item
from secretariat.audit.models import AuditEvent
from secretariat.kernel import batches
from secretariat.kernel.classification import Classification
from secretariat.registry.models import Document
from tests.archive.corpus import FILES

SECRET = Classification.parse("SECRET")


@pytest.fixture
def folder(tmp_path):
    """Six transcriptions of the corpus (each with its archival reference, all imported into one unit) and one
    that is not UTF-8."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for path in FILES[:6]:
        shutil.copy(path, batch / path.name)
    (batch / "zz-latin1.txt").write_bytes("Résumé of the talks".encode("latin-1"))
    return batch


def _import(folder, capsys, *extra) -> tuple[int, dict]:
    try:
        call_command(
            "import",
            "transcriptions",
            "--as",
            "archivist",
            str(folder),
            "--into",
            "TsKhSD/89/90",
            "--classification",
            "SECRET",
            "--json",
            *extra,
        )
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_a_folder_goes_in_through_the_use_case_and_a_rerun_skips_what_is_in(archivist, folder, capsys):
    events = AuditEvent.objects.filter(action="archive.imported").count()
    code, told = _import(folder, capsys)
    assert code == 1 and told["done"] == 6 and told["skipped"] == 0, told  # exit 1: one was refused
    assert [r["key"] for r in told["refused"]] == ["batch/zz-latin1.txt"] and told["refused"][0]["reason"]
    assert AuditEvent.objects.filter(action="archive.imported").count() == events + 6  # each with its event
    assert Item.objects.filter(transcription__source__startswith="batch/").count() == 6
    code, again = _import(folder, capsys)
    assert again["done"] == 0 and again["skipped"] == 6 and len(again["refused"]) == 1
    assert Item.objects.filter(transcription__source__startswith="batch/").count() == 6  # nothing twice


def test_a_kill_loses_only_its_chunk_and_the_rerun_does_the_rest(archivist, monkeypatch):
    """The process dies (not a refusal: an error nothing catches) at the fifth file, chunks of two: the first two
    chunks stay, the third is rolled back whole; the rerun imports what is left, nothing twice."""
    monkeypatch.setattr(batches, "CHUNK", 2)
    files = [(f"batch/{p.name}", p.read_text(encoding="utf-8")) for p in FILES[:6]]
    real, calls = services.import_transcription, []

    def dies_at_the_fifth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "import_transcription", dies_at_the_fifth)
    unit = {"repository": "TsKhSD", "fond": "89", "opis": "90"}
    with pytest.raises(KeyboardInterrupt):
        services.import_transcriptions(archivist, files, unit=unit, classification=SECRET)
    assert (
        Item.objects.filter(transcription__source__startswith="batch/").count() == 4
    )  # two chunks of two committed; the third not
    monkeypatch.setattr(services, "import_transcription", real)
    outcome = services.import_transcriptions(archivist, files, unit=unit, classification=SECRET)
    assert len(outcome.skipped) == 4 and len(outcome.done) == 2 and not outcome.refused
    batch = Item.objects.filter(transcription__source__startswith="batch/")
    sources = list(batch.values_list("transcription__source", flat=True))
    assert sorted(sources) == sorted(source for source, _text in files)


def test_a_csv_of_register_entries_keeps_every_rule_of_registering(demo, tmp_path, capsys):
    path = tmp_path / "register.csv"
    rows = [
        {
            "number": "OLD-1",
            "title": "Note on fuel",
            "classification": "SECRET",
            "kind": "note",
            "dated": "1977-03-01",
            "pages": "2",
            "signatory": "",
            "distribution": "gromyko;andropov",
            "text": "The fuel is short.",
        },
        {
            "number": "OLD-2",
            "title": "Note on grain",
            "classification": "CONFIDENTIAL",
            "kind": "note",
            "dated": "1977-03-02",
            "pages": "1",
            "signatory": "",
            "distribution": "",
            "text": "Grain.",
        },
        {
            "number": "OLD-3",
            "title": "A bad marking",
            "classification": "VERY SECRET",
            "kind": "note",
            "dated": "1977-03-03",
            "pages": "1",
            "signatory": "",
            "distribution": "",
            "text": "x",
        },
        {
            "number": "OLD-4",
            "title": "To nobody known",
            "classification": "SECRET",
            "kind": "note",
            "dated": "1977-03-04",
            "pages": "1",
            "signatory": "",
            "distribution": "nobody",
            "text": "x",
        },
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    events = AuditEvent.objects.filter(action="document.registered").count()
    with pytest.raises(SystemExit):
        call_command("import", "register", "--as", "registrar", str(path), "--json")
    told = json.loads(capsys.readouterr().out)
    assert told["done"] == 2 and [r["key"] for r in told["refused"]] == ["OLD-3", "OLD-4"]
    assert AuditEvent.objects.filter(action="document.registered").count() == events + 2
    assert Document.objects.get(number="OLD-1").distribution.count() == 2
    assert not Document.objects.filter(number__in=["OLD-3", "OLD-4"]).exists()
    with pytest.raises(SystemExit):
        call_command("import", "register", "--as", "registrar", str(path), "--json")
    again = json.loads(capsys.readouterr().out)
    assert again["done"] == 0 and again["skipped"] == 2
    with pytest.raises(SystemExit):  # a member may not keep the register: refused whole, nothing written
        call_command("import", "register", "--as", "gromyko", str(path))
