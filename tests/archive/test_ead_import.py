"""`secretariat import ead`: an EAD 2002 finding aid as AtoM exports it, each description an archive unit or an item
through `import_ead_description` (its rules and its audit event), a chunk per transaction, resumable after a kill,
the refused reported while the rest go in; a file that declares entities (XXE, "billion laughs") refused unread.

The fixtures (tests/archive/ead/) are modelled on AtoM's own EAD 2002 export templates: artefactual/atom,
plugins/sfEadPlugin/modules/sfEadPlugin/templates/indexSuccessBody.xml.php and indexSuccessBodyDidElement.xml.php
(nested <c> in a <dsc type="combined">, unitid with repositorycode, unitdate with normal, physdesc/extent,
origination, langmaterial, scopecontent and accessrestrict). atom-fonds-4.xml is written by hand, five of its
thirteen descriptions wrong on purpose; atom-fonds-7.xml (501 descriptions) is written by generate.py beside it.
"""

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secretariat.archive import ead2002, services
from secretariat.archive.models import ArchiveUnit, Item
from secretariat.audit.models import AuditEvent
from secretariat.kernel import batches
from secretariat.kernel.classification import Classification, Level

EAD = Path(__file__).parent / "ead"
HAND = EAD / "atom-fonds-4.xml"
LARGE = EAD / "atom-fonds-7.xml"
ACTIONS = ("archive.unit_described", "archive.item_described")
HAND_KEYS = [
    "4",
    "4/20",
    "4/20/1",
    "4/20/1/1",
    "4/20/1/2",
    "4/20/1/2#3",
    "4/20/2",
    "4/20/2/1",
    "4/20/2/2",
    "4/21",
    "4/21/1",
    "4/22",
    "4/22/7",
]


def _import(capsys, path, *extra) -> tuple[int, dict]:
    try:
        call_command("import", "ead", "--as", "archivist", str(path), "--json", *extra)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def _events() -> int:
    return AuditEvent.objects.filter(action__in=ACTIONS).count()


def _state() -> tuple[int, int, int]:
    return ArchiveUnit.objects.count(), Item.objects.count(), AuditEvent.objects.count()


def test_the_reader_gives_each_description_in_document_order_with_the_path_of_its_unitids():
    found = list(ead2002.descriptions(HAND))
    assert [d.key for d in found] == HAND_KEYS  # the second item 2 of file 1 marked with its place: never "4/20/1/2"
    fonds, report = found[0], found[3]
    assert (fonds.level, fonds.unitid, fonds.repository_code) == ("fonds", "4", "TsKhSD")
    assert fonds.title == "General Department of the Central Committee of the CPSU"
    assert (fonds.date_normal, fonds.date, fonds.extent) == ("1952/1991", "1952 - 1991", "3 series, 1,214 files")
    assert fonds.creator == "Central Committee of the CPSU. General Department" and fonds.languages == ("rus",)
    assert fonds.access == "Declassified items only, in the reading room."
    assert (
        report.scope
        == "The report read to the closed sitting of the Twentieth Congress.\n\nWith the editor's corrections."
    )
    assert (report.level, report.creator, report.date_normal, report.date) == (
        "item",
        "Khrushchev, N. S.",
        "1956-02-25",
        "25 February 1956",
    )
    assert found[9].level == "otherlevel" and found[9].otherlevel == "Subseries"
    assert found[8].title == ""  # 4/20/2/2 has none


def test_dates_are_read_from_the_normal_attribute_or_an_iso_text_and_refused_otherwise():
    assert ead2002.read_dates("1917/1991", "") == ead2002.Dates(dt.date(1917, 1, 1), dt.date(1991, 12, 31), None)
    assert ead2002.read_dates("", "1917 - 1991").end == dt.date(1991, 12, 31)
    assert ead2002.read_dates("1956-02", "February 1956").end == dt.date(1956, 2, 29)
    assert ead2002.read_dates("19560225", "").day == dt.date(1956, 2, 25)
    assert ead2002.read_dates("", "") is None
    for normal, written in (("", "ca. summer 1957"), ("1956-02-30", ""), ("1991/1917", ""), ("1956-13", "")):
        with pytest.raises(ValueError):
            ead2002.read_dates(normal, written)


def test_a_finding_aid_lands_as_units_and_items_each_with_its_event_and_the_wrong_ones_are_reported(archivist, capsys):
    units, items, _all = _state()
    events = _events()
    code, told = _import(capsys, HAND, "--classification", "SECRET")
    assert code == 1 and told["done"] == 8 and told["skipped"] == 0, told  # exit 1: some were refused
    refused = {r["key"]: r["reason"] for r in told["refused"]}
    assert set(refused) == {"4/20/1/2#3", "4/20/2/1", "4/20/2/2", "4/21", "4/21/1"}
    assert "already holds 2" in refused["4/20/1/2#3"]
    assert "ca. summer 1957" in refused["4/20/2/1"] and "cannot be read" in refused["4/20/2/1"]
    assert "no title" in refused["4/20/2/2"]
    assert "otherlevel (Subseries)" in refused["4/21"] and "no place" in refused["4/21"]
    assert "4/21" in refused["4/21/1"] and "not in the archive" in refused["4/21/1"]

    assert ArchiveUnit.objects.count() == units + 5 and Item.objects.count() == items + 3
    assert _events() == events + 8  # one per description that went in, none for the refused
    fonds = ArchiveUnit.objects.get(repository__code="TsKhSD", parent=None, identifier="4")
    assert fonds.level == "fonds" and fonds.title == "General Department of the Central Committee of the CPSU"
    assert fonds.reference == "TsKhSD/4"
    series = fonds.children.get(identifier="20")
    assert series.level == "series" and series.title == "Protocols of the Presidium"
    assert sorted(fonds.children.values_list("identifier", flat=True)) == ["20", "22"]
    february = series.children.get(identifier="1")
    assert february.level == "file" and february.title == "Minutes, February 1956"
    assert sorted(february.items.values_list("identifier", flat=True)) == ["1", "2"]
    report = february.items.get(identifier="1")
    assert report.title == "Report on the cult of personality and its consequences"
    assert (report.date, report.date_as_written) == (dt.date(1956, 2, 25), "25 February 1956")
    assert report.creator == "Khrushchev, N. S." and report.language == "ru"
    assert report.text.startswith("The report read to the closed sitting")
    assert report.classification == Classification.parse("SECRET") and report.marked_level == Level.SECRET
    assert report.review_on == dt.date(1986, 2, 25) and report.declassified_at is None
    assert report.transcription["format"] == "EAD 2002" and report.transcription["extent"] == "62 sheets"
    letter = fonds.children.get(identifier="22").items.get()  # an item directly in its series
    assert letter.identifier == "7" and letter.language == "en"

    event = AuditEvent.objects.get(action="archive.unit_described", object_id=str(fonds.pk))
    assert event.data["date_normal"] == "1952/1991" and event.data["extent"] == "3 series, 1,214 files"
    assert event.data["access"] == "Declassified items only, in the reading room."  # what has no column is kept
    item_event = AuditEvent.objects.get(action="archive.item_described", object_id=str(report.pk))
    assert item_event.data["reference"] == "TsKhSD/4/20/1/1" and item_event.data["marked"] == "SECRET"

    # Again: what went in is skipped, nothing twice; the wrong ones are refused again.
    code, again = _import(capsys, HAND, "--classification", "SECRET")
    assert code == 1 and again["done"] == 0 and again["skipped"] == 8 and len(again["refused"]) == 5
    assert ArchiveUnit.objects.count() == units + 5 and Item.objects.count() == items + 3
    assert _events() == events + 8


def test_items_wait_for_a_marking_and_go_in_when_a_rerun_gives_it(archivist, capsys):
    code, told = _import(capsys, HAND)
    refused = {r["key"]: r["reason"] for r in told["refused"]}
    assert told["done"] == 5  # the units; no item without its marking
    assert "--classification" in refused["4/20/1/1"] and "--classification" in refused["4/22/7"]
    assert not Item.objects.filter(unit__repository__code="TsKhSD", unit__reference__startswith="TsKhSD/4/").exists()
    code, again = _import(capsys, HAND, "--classification", "UNCLASSIFIED")
    assert again["done"] == 3 and again["skipped"] == 5
    letter = Item.objects.get(unit__parent__identifier="4", unit__identifier="22", identifier="7")
    assert letter.declassified_at is not None and letter.review_on is None  # never classified: nothing to review


def test_a_unit_of_the_archive_takes_a_finding_aid_of_a_series(archivist, capsys, tmp_path):
    path = tmp_path / "series.xml"
    path.write_text(
        HAND.read_text(encoding="utf-8")
        .replace('<archdesc level="fonds"', '<archdesc level="series"')
        .replace(">4</unitid>", ">26</unitid>"),
        encoding="utf-8",
    )
    code, told = _import(capsys, path, "--classification", "SECRET", "--into", "TsKhSD/89")
    # The top is a series now: its series are refused (a series lies in a fonds), and all below them.
    assert told["done"] == 1, told
    assert ArchiveUnit.objects.get(parent__identifier="89", identifier="26").level == "series"
    assert "cannot lie in" in {r["key"]: r["reason"] for r in told["refused"]}["26/20"]
    code, told = _import(capsys, HAND, "--into", "TsKhSD/89")
    assert code == 1 and "cannot lie in" in told["refused"][0]["reason"]  # a fonds lies in no unit


def test_a_repository_the_archive_does_not_hold_is_refused_before_anything(archivist, capsys):
    before = _state()
    code, told = _import(capsys, LARGE)  # its repositorycode is an ISIL, RU-TsKhSD
    assert code == 2 and "RU-TsKhSD" in told["error"]["message"]
    code, told = _import(capsys, LARGE, "--into", "TsKhSD/89/25")
    assert code == 1 and told["done"] == 0 and len(told["refused"]) == 501  # a fonds lies in no unit; nor below it
    assert _state() == before


def test_the_large_file_is_what_its_generator_writes():
    spec = importlib.util.spec_from_file_location("generate", EAD / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    assert LARGE.read_text(encoding="utf-8") == generate.text()


def test_a_kill_loses_only_its_chunk_and_the_rerun_does_the_rest(archivist, monkeypatch, capsys):
    """The process dies (not a refusal: an error nothing catches) at the 250th description, chunks of 100: the
    first two chunks stay, the third is rolled back whole; the rerun imports what is left, nothing twice."""
    monkeypatch.setattr(batches, "CHUNK", 100)
    real, calls = services.import_ead_description, []

    def dies_at_the_250th(*args, **kwargs):
        calls.append(1)
        if len(calls) == 250:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "import_ead_description", dies_at_the_250th)
    events = _events()
    with pytest.raises(KeyboardInterrupt):
        call_command("import", "ead", "--as", "archivist", str(LARGE), "--into", "TsKhSD", "--classification", "SECRET")
    capsys.readouterr()
    fonds = ArchiveUnit.objects.get(repository__code="TsKhSD", parent=None, identifier="7")
    in_fonds = ArchiveUnit.objects.filter(parent__parent=fonds).count() + fonds.children.count() + 1
    assert in_fonds + Item.objects.filter(unit__parent__parent=fonds).count() == 200  # two chunks of 100
    assert _events() == events + 200
    monkeypatch.setattr(services, "import_ead_description", real)
    code, told = _import(capsys, LARGE, "--into", "TsKhSD", "--classification", "SECRET")
    assert code == 0 and told == {"done": 301, "skipped": 200, "refused": []}
    assert fonds.children.count() == 5 and ArchiveUnit.objects.filter(parent__parent=fonds).count() == 45
    items = Item.objects.filter(unit__parent__parent=fonds)
    assert items.count() == 450 and _events() == events + 501
    last = items.get(unit__parent__identifier="5", unit__identifier="9", identifier="10")
    assert last.title == "Cable No 50910" and last.date == dt.date(1962, 9, 20)


SECRET_FILE = "the contents of a file the import must never read"


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE ead [<!ENTITY xxe SYSTEM "{secret}">]>',  # XXE: read a file of the server into a title
        '<!DOCTYPE ead [<!ENTITY % p SYSTEM "{secret}"> %p;]>',  # the same through a parameter entity
        '<!DOCTYPE ead [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True))
        + "]>",  # a billion laughs
    ],
    ids=["xxe", "parameter-entity", "billion-laughs"],
)
def test_a_file_that_declares_entities_is_refused_unread_and_nothing_changes(archivist, capsys, tmp_path, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET_FILE, encoding="utf-8")
    head, body = HAND.read_text(encoding="utf-8").split("<ead xmlns:ead", 1)
    use = "&xxe;" if "xxe" in doctype else "&i;" if "ENTITY i" in doctype else ""
    body = body.replace("Protocols of the Presidium</unittitle>", f"Protocols of the Presidium{use}</unittitle>")
    path = tmp_path / "evil.xml"
    path.write_text(head + doctype.format(secret=secret.as_uri()) + "\n<ead xmlns:ead" + body, encoding="utf-8")
    before = _state()
    code, told = _import(capsys, path, "--classification", "SECRET")
    assert code == 2 and told["error"]["code"] == "invalid"
    assert "declares entities" in told["error"]["message"] and "XXE" in told["error"]["message"]
    assert SECRET_FILE not in json.dumps(told)
    assert _state() == before
    with pytest.raises(ead2002.UnsafeXml):
        next(ead2002.descriptions(path))


def test_a_malformed_or_foreign_file_is_refused_whole_before_anything(archivist, capsys, tmp_path):
    before = _state()
    cut = tmp_path / "cut.xml"
    text = HAND.read_text(encoding="utf-8")
    cut.write_text(text[: text.index('<c level="otherlevel"')], encoding="utf-8")  # a download cut short
    code, told = _import(capsys, cut, "--classification", "SECRET")
    assert code == 2 and "not well-formed" in told["error"]["message"]
    foreign = tmp_path / "dc.xml"
    foreign.write_text('<dc xmlns="http://purl.org/dc/elements/1.1/"><title>x</title></dc>', encoding="utf-8")
    code, told = _import(capsys, foreign)
    assert code == 2 and "not an EAD 2002 finding aid" in told["error"]["message"]
    assert _state() == before  # the cut file's first descriptions were well formed: not one went in


def test_on_a_terminal_a_progress_bar_counts_the_descriptions_and_the_outcome_is_told_in_words(archivist, capsys):
    with pytest.raises(SystemExit):
        call_command("import", "ead", "--as", "archivist", str(HAND), "--classification", "SECRET")
    out, err = capsys.readouterr()
    assert "13/13" in err and "descriptions" in err  # the bar, on standard error
    assert out.splitlines()[0] == "8 imported, 0 there already, 5 refused"
    assert "  4/21: " in out


def test_the_queries_grow_with_the_descriptions_not_with_the_archive(archivist, capsys):
    """Each description costs a bounded handful of queries (its parent found by its key, the unitid checked, the
    row, its event): 501 of them stay under 20 each, however many units the archive holds already."""
    with CaptureQueriesContext(connection) as queries:
        code, told = _import(capsys, LARGE, "--into", "TsKhSD", "--classification", "SECRET")
    assert code == 0 and told["done"] == 501
    assert len(queries.captured_queries) < 20 * 501
