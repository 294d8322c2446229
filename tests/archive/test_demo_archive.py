"""The demo's archive life, as the reference file ends it: CASE-1 in TsKhSD fond 89, opis 25,
document 44, 7 sheets, declassified with one redaction on 31 March 1994, in the reading room;
and the `archive` command on it."""

import json

import pytest
from django.core.management import call_command

from secretariat.archive import selectors, services
from secretariat.archive.models import Item
from secretariat.audit.models import AuditEvent
from secretariat.demo import reference as ref
from secretariat.kernel import clock
from secretariat.kernel.errors import Refused
from secretariat.kernel.principals import principal_by_username
from tests import grants


def command(capsys, *args) -> dict | list:
    call_command("archive", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_the_demo_ends_where_the_reference_file_does(demo, capsys):
    extract = Item.objects.get(number="P46/X")
    assert selectors.reference(extract) == "TsKhSD/89/25/44" and extract.sheet_count == 7
    assert extract.published_at.date().isoformat() == "1994-03-31" and extract.level == 0 and extract.marked_level == 3
    published = command(capsys, "show", "TsKhSD/89/25/44")  # no --as: the public record
    assert published["citation"] == "TsKhSD, f. 89, op. 25, d. 44, 7 sheets"
    assert "[REDACTED: PRIVACY]" in published["text"] and ref.REDACTED[0] not in published["text"]
    assert "Meet with Vance" in published["text"]
    held = command(capsys, "show", "TsKhSD/89/25/44", "--as", "archivist")  # the archive's own copy
    assert ref.REDACTED[0] in held["text"] and held["reviews"][0]["outcome"] == "redact"
    listed = command(capsys, "list", "--as", "archivist")
    # the case's four papers, and the Russian paper the demo imports with its scan (demo/reference/README.md)
    assert [i["reference"] for i in listed] == [*(f"TsKhSD/89/25/{n}" for n in (44, 45, 46, 47)), "TsKhSD/89/31/29/1"]
    assert [r["ok"] for r in command(capsys, "fixity", "--as", "archivist")] == [True]


def test_unpublished_items_and_the_withheld_text_stay_with_the_archivists(demo, capsys):
    for args in (("show", "TsKhSD/89/25/45"), ("show", "TsKhSD/89/25/44", "--as", "visitor")):
        with pytest.raises(SystemExit) as exit_:
            call_command("archive", *args)
        assert exit_.value.code == 2
        assert "no archive item" in capsys.readouterr().err
    public = command(capsys, "list", "--as", "visitor")
    assert [i["reference"] for i in public] == ["TsKhSD/89/25/44"]


def test_what_a_review_withheld_stays_at_the_marked_classification(demo, capsys):
    """After declassification the archive's own text still holds the withheld name: an archivist
    cleared below the paper's marking gets the same 'no archive item' as for a missing one, and
    an archivist who reads it leaves an audit event."""
    grants.add_principal(principal_by_username("admin"), "junior", clearance="SECRET", roles=["archivist"])
    with pytest.raises(SystemExit):
        call_command("archive", "show", "TsKhSD/89/25/44", "--as", "junior")
    assert "no archive item TsKhSD/89/25/44" in capsys.readouterr().err
    reads = AuditEvent.objects.filter(action="archive.item_read").count()
    command(capsys, "show", "TsKhSD/89/25/44", "--as", "archivist")
    assert AuditEvent.objects.filter(action="archive.item_read").count() == reads + 1


def test_a_name_withheld_in_one_paper_cannot_go_out_through_another(demo):
    """The cable holds the guidance the extract's review withheld a name from: the clock does not
    declassify it, and a reviewer who declassifies it in full cannot publish it."""
    archivist = principal_by_username("archivist")
    with clock.frozen("2007-03-01T06:00:00+00:00"):
        swept = services.sweep_reviews()
        assert "TsKhSD/89/25/45" in [selectors.reference(r.item) for r in swept.opened]
        assert "TsKhSD/89/25/45" not in [selectors.reference(i) for i in swept.declassified]
        services.decide_review(archivist, "TsKhSD/89/25/45", "declassify")
        with pytest.raises(Refused, match="'Pressel', withheld, still stands in the text"):
            services.publish(archivist, "TsKhSD/89/25/45")
    assert selectors.item(archivist, "TsKhSD/89/25/45").published_at is None


@pytest.mark.parametrize(
    ("written", "seen"),
    [
        ("Richard\n\nPressel", "richard pressel"),
        ("Ｒｉｃｈａｒｄ Ｐｒｅｓｓｅｌ", "richard pressel"),
        ("Richard Pres\u00adsel", "richard pressel"),
        ("Richard \u200bPressel", "richard pressel"),
        ("ПРЕССЕЛЬ", "прессель"),
    ],
)
def test_withheld_phrases_are_compared_as_a_reader_sees_them(written, seen):
    assert selectors.normalised(written) == seen
