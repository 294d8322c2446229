"""A case walked end to end through the command line: a body decides, its extract goes out in
copies, a cable carries the decision out and is reported on, the announcement is released, and
the case file closes only when everything is back; refusals are one line and change nothing.

The walk runs the real `secretariat` in subprocesses on a fresh data dir, with the clock stood
on the reference case's days; the desk views (controls, corrections, lists) run in-process
against the demo build."""

import contextlib
import io
import json

import pytest
from django.core.management import call_command

from secretariat.cables.models import Cable
from secretariat.kernel import clock
from tests.cli import granted, install, migrated, run

pytestmark = pytest.mark.slow

SET_UP = "1977-02-14T09:00:00+03:00"
MEETING = "1977-02-18T11:00:00+03:00"
DRAFTING = "1977-02-18T14:00:00+03:00"
SENDING = "1977-02-18T20:00:00+03:00"
ACKNOWLEDGING = "1977-02-19T17:00:00+03:00"
REPORTING = "1977-02-21T18:00:00+03:00"
CLOSING = "1977-02-23T10:00:00+03:00"

FILES = {
    "draft.txt": "WASHINGTON\n\nTO THE SOVIET AMBASSADOR\n\nFIRST. Meet with Vance.\n",
    "first.txt": "Meet with Vance and tell him that you have instructions to inform President Carter.",
    "guidance.txt": "For the Soviet Ambassador: if asked who, you could name the First secretary.",
    "second.txt": "After the conversation send the announcement via the TASS channel.",
    "tass.txt": "On February {{day}} the USSR Ambassador in the USA visited the Secretary of State.",
}


def at(data_dir, when: str, *args: str, stdin: str | None = None):
    """`secretariat ARGS` with the clock stood at `when` (SECRETARIAT_CLOCK reaches the child's settings)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SECRETARIAT_CLOCK", when)
        return run(data_dir, *args, stdin=stdin)


def ok(data_dir, when: str, *args: str, stdin: str | None = None) -> str:
    result = at(data_dir, when, *args, stdin=stdin)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


def ok_json(data_dir, when: str, *args: str, stdin: str | None = None):
    return json.loads(ok(data_dir, when, *args, "--json", stdin=stdin))


def audit_size(data_dir) -> int:
    verified = json.loads(run(data_dir, "audit", "verify", "--json").stdout)
    assert verified["ok"] is True
    return verified["size"]


def refused(data_dir, when: str, *args: str) -> str:
    result = at(data_dir, when, *args)
    assert result.returncode == 2, (args, result.stdout)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr.strip()


@pytest.fixture
def office(tmp_path):
    """A fresh data dir with the people of the case: admin, registrar, secretary, a member who
    drafts cables for the ministry, the ambassador at the Washington post, and a TASS editor."""
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    migrated(tmp_path)
    install(tmp_path)
    for unit in (("gd-1", "General Department, 1st sector"), ("mfa", "Ministry of Foreign Affairs")):
        ok(tmp_path, SET_UP, "unit", "add", "--as", "admin", *unit)
    ok(tmp_path, SET_UP, "unit", "add", "--as", "admin", "washington", "WASHINGTON", "--post")
    for username, clearance, role, unit in [
        ("registrar", "TS", "registrar", "gd-1"),
        ("secretary", "TS", "secretary", None),
        ("gromyko", "TS", "member", "mfa"),
        ("dobrynin", "S", "post_officer", "washington"),
        ("tass", "S", "press_officer", None),
    ]:
        unit_args = ("--unit", unit) if unit else ()
        granted(tmp_path, "add", "--as", "admin", username, "--clearance", clearance, "--roles", role, *unit_args)
    return tmp_path


@pytest.mark.embedded
def test_a_case_walks_from_the_meeting_to_the_closed_case_file(office):
    body = ok_json(
        office, SET_UP, "body", "add", "CC CPSU Politburo", "--prefix", "P", "--return-days", "7",
        "--registry-unit", "gd-1", "--motto", "Proletariats of the World unite!", "--salutation", "comrades",
        "--as", "admin",
    )  # fmt: skip
    assert (body["prefix"], body["return_days"], body["registry_unit"]) == ("P", 7, "gd-1")
    ok(office, SET_UP, "body", "members", "P", "gromyko", "--as", "admin")
    shown = ok(office, SET_UP, "body", "secretary", "CC CPSU Politburo", "secretary", "--as", "admin")
    assert "secretary: secretary" in shown and "members: gromyko" in shown
    ok(office, SET_UP, "channel", "add", "tass", "TASS", "--series", "TASS", "--editors", "tass", "--as", "admin")

    # The meeting: a point with its decision (from standard input) and the draft it carries.
    ok(office, MEETING, "meeting", "record", "P", "46", "--on", "1977-02-18", "--as", "secretary")
    point = ok(
        office, MEETING, "point", "record", "P", "46", "X", "--title", "About the instructions to the Ambassador",
        "--decision-file", "-", "--classification", "TOP SECRET", "--to", "gromyko", "--as", "secretary",
        stdin="The draft of the instructions is to be approved. (The draft is attached.)\n",
    )  # fmt: skip
    assert "point X" in point and "TOP SECRET" in point and "to gromyko" in point
    ok(
        office, MEETING, "point", "attach", "P", "46", "X", "--title", "Draft instructions", "--text-file", "draft.txt",
        "--classification", "SECRET", "--pages", "3", "--as", "secretary",
    )  # fmt: skip
    assert "signed 1977-02-18 08:00 UTC by secretary" in ok(office, MEETING, "meeting", "sign", "P", "46", "--as", "secretary")  # fmt: skip
    protocol = ok_json(office, MEETING, "meeting", "show", "P", "46", "--as", "gromyko")
    (x,) = protocol["points"]
    assert (x["reference"], x["classification"], x["addressees"]) == ("P/46/X", "TOP SECRET", ["gromyko"])
    assert x["decision"].startswith("The draft of the instructions")
    assert [(a["title"], a["classification"], a["page_count"]) for a in x["attachments"]] == [
        ("Draft instructions", "SECRET", 3)
    ]

    # The extract and its copy; the cable drafted with its announcement; the case file opened.
    extract = ok(office, DRAFTING, "extract", "P", "46", "X", "--as", "secretary")
    assert extract.startswith("No P46/X   TOP SECRET   extract of point P/46/X")
    assert "Must be returned within 7 days to General Department, 1st sector" in extract
    ok(office, DRAFTING, "copies", "issue", "P46/X", "--as", "registrar")
    cable = ok_json(
        office, DRAFTING, "cable", "draft", "--as", "gromyko", "--subject", "Instructions to the Ambassador",
        "--classification", "SECRET", "--to", "washington", "--addressee-line", "TO THE SOVIET AMBASSADOR",
        "--part", "FIRST=first.txt", "--guidance-file", "guidance.txt", "--part", "SECOND=second.txt",
        "--reference", "On the point X of the protocol No 46", "--point", "P/46/X", "--precedence", "immediate",
        "--report-requirement", "Wire when you have done it.", "--report-days", "7",
    )  # fmt: skip
    assert (cable["number"], cable["state"], cable["point"], cable["action"]) == ("TEL-1", "drafted", "P/46/X", "washington")  # fmt: skip
    template = ok_json(
        office, DRAFTING, "release", "prepare", "TEL-1", "--channel", "tass", "--title", "Ambassador visited Vance",
        "--text-file", "tass.txt", "--as", "gromyko",
    )  # fmt: skip
    assert template["fields"] == ["day"] and template["classification"] == "SECRET"
    case = ok_json(office, DRAFTING, "case", "open", "Instructions on human rights", "--documents", "P46/X,TEL-1", "--as", "registrar")  # fmt: skip
    assert case["number"] == "CASE-1" and [d["number"] for d in case["documents"]] == ["P46/X", "TEL-1"]

    # Refused transitions: one line each, and the log (so the state) as before.
    before = audit_size(office)
    assert refused(office, DRAFTING, "case", "close", "CASE-1", "--as", "registrar") == (
        "refused: case CASE-1 cannot close: copy 1 of No P46/X is issued (gromyko, due 25 Feb 1977)"
    )
    assert refused(office, DRAFTING, "cable", "send", "TEL-1", "--as", "gromyko") == (
        "refused: cable No TEL-1 is not approved yet: it cannot be sent"
    )
    assert audit_size(office) == before

    # Approved, sent, acknowledged at the post, reported on; then the announcement goes out.
    assert "approved" in ok(office, DRAFTING, "cable", "approve", "TEL-1", "--point", "P/46/X", "--as", "secretary")
    sent = ok(office, SENDING, "cable", "send", "TEL-1", "--as", "gromyko")
    assert "IMMEDIATE   sent" in sent and "181700Z FEB 77" in sent
    ok(office, ACKNOWLEDGING, "cable", "acknowledge", "TEL-1", "--as", "dobrynin")
    entry = ok_json(office, ACKNOWLEDGING, "cable", "show", "TEL-1", "--as", "dobrynin")
    assert (entry["state"], entry["dtg"], entry["received_by"]) == ("received", "181700Z FEB 77", "dobrynin")
    assert entry["sent_at"] == "1977-02-18T17:00:00+00:00" and "subject" not in entry
    report = ok(office, REPORTING, "cable", "report", "TEL-1", "--text-file", "-", "--as", "dobrynin", stdin="Done on February 21.\n")  # fmt: skip
    assert report.startswith("No WASHINGTON-1: report on No TEL-1 filed")
    released = ok(office, REPORTING, "release", "publish", str(template["id"]), "--set", "day=21", "--as", "tass")
    assert released.startswith("No TASS-1") and "On February 21 the USSR Ambassador" in released
    public = json.loads(run(office, "release", "list", "--json").stdout)
    assert [(r["number"], r["channel"], r["values"]) for r in public] == [("TASS-1", "tass", {"day": "21"})]
    assert "cable" not in public[0] and "reviewer" not in public[0]

    # The copy comes back; the report and the release join the case file, which now closes.
    ok(office, CLOSING, "copy", "return", "P46/X", "1", "--as", "registrar")
    ok(office, CLOSING, "case", "add", "CASE-1", "--documents", "WASHINGTON-1,TASS-1", "--as", "registrar")
    assert ok(office, CLOSING, "case", "close", "CASE-1", "--as", "registrar").startswith(
        "CASE-1     closed 1977-02-23"
    )
    closed = ok_json(office, CLOSING, "case", "show", "CASE-1", "--as", "registrar")
    assert closed["closed_by"] == "registrar" and closed["still_missing"] == []
    assert [d["number"] for d in closed["documents"]] == ["P46/X", "TEL-1", "WASHINGTON-1", "TASS-1"]


def cli(*args: str, when: str | None = None) -> tuple[int, str, str]:
    """A command run in-process against the test database: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with clock.frozen(when) if when else contextlib.nullcontext():
        try:
            call_command(*args, stdout=out, stderr=err)
        except SystemExit as exc:
            return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_control_desk_lists_escalates_and_cancels(demo, tmp_path):
    code, out, _ = cli("control", "list", "--as", "gromyko", "--mine", "--as-of", "1977-03-01")
    assert code == 0
    (line,) = out.splitlines()
    assert "No P47/5" in line and "gromyko" in line and "due 1977-03-10  open " in line and "Submit proposals" in line
    assert cli("control", "list", "--as", "registrar", "--overdue", "--as-of", "1977-03-10")[1] == (
        "no control is overdue as of 1977-03-10\n"
    )
    overdue = json.loads(cli("control", "list", "--as", "registrar", "--overdue", "--as-of", "1977-03-11", "--json")[1])
    assert [(c["document"], c["assignee"], c["overdue"]) for c in overdue] == [("P47/5", "gromyko", True)]

    code, out, _ = cli("control", "escalate", when="1977-03-11T09:00:00+03:00")
    assert code == 0 and out.startswith("escalated 1 overdue control(s)")
    assert f"control {overdue[0]['id']:>4}  No P47/5" in out and "open OVERDUE" in out
    assert cli("control", "escalate", "--json", when="1977-03-12T09:00:00+03:00")[1] == "[]\n"

    control = overdue[0]["id"]
    code, _, err = cli("control", "cancel", str(control), "--reason", "overtaken", "--as", "registrar")
    assert (code, err) == (2, f"refused: only secretary, who opened control {control}, may cancel it\n")
    cancelled = json.loads(cli("control", "cancel", str(control), "--reason", "overtaken", "--as", "secretary", "--json")[1])  # fmt: skip
    assert (cancelled["status"], cancelled["cancelled_reason"]) == ("cancelled", "overtaken")
    case = json.loads(cli("case", "show", "CASE-2", "--as", "registrar", "--json")[1])
    assert case["still_missing"] == ["copy 2 of No P47/5 is issued (Yu. V. Andropov, due 7 Mar 1977)"]

    (tmp_path / "x.txt").write_text("The draft is to be approved as amended.")
    code, out, _ = cli(
        "point", "correct", "P", "46", "X", "--title", "About the instructions", "--decision-file", str(tmp_path / "x.txt"),
        "--reason", "typing error", "--as", "secretary",
    )  # fmt: skip
    assert (code, out) == (0, "point P/46/X: version 2 (typing error)\n")


def test_a_drafted_cable_keeps_its_parts_in_order_with_the_guidance_after_the_first(demo, tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    code, out, err = cli(
        "cable", "draft", "--as", "gromyko", "--subject", "Second instructions", "--classification", "SECRET",
        "--to", "washington", "--part", f"FIRST={tmp_path / 'first.txt'}", "--part", f"={tmp_path / 'draft.txt'}",
        "--part", f"SECOND={tmp_path / 'second.txt'}", "--guidance-file", str(tmp_path / "guidance.txt"),
        "--number", "TEL-77", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["state"] == "drafted"
    parts = Cable.objects.get(document__number="TEL-77").parts.order_by("position")
    assert [(p.label, p.guidance) for p in parts] == [("FIRST", False), ("", True), ("", False), ("SECOND", False)]
    assert parts[1].text == FILES["guidance.txt"]


def test_the_protocol_cables_releases_and_cases_as_each_desk_sees_them(demo):
    member = json.loads(cli("meeting", "show", "P", "46", "--as", "gromyko", "--json")[1])
    assert member["signed_by"] == "secretary" and member["points"][0]["title"].startswith("About the instructions")
    register = cli("meeting", "show", "P", "46", "--as", "registrar", "--register")[1]
    assert "point X" in register and "TOP SECRET" in register and "About the instructions" not in register
    assert cli("meeting", "show", "P", "46", "--as", "visitor") == (
        2,
        "",
        "not found: no protocol No 46 of CC CPSU Politburo\n",
    )

    post = cli("cable", "list", "--as", "dobrynin", "--post")[1]
    assert post.startswith("No TEL-1") and "reported" in post and "cc-gd-1" not in post
    show = cli("cable", "show", "TEL-1", "--as", "registrar")[1]
    assert "mfa to washington" in show and "under P/46/X" in show and "Instructions" not in show

    assert cli("release", "pending", "--as", "tass")[1] == "no announcement is waiting\n"
    assert cli("release", "list", "--channel", "tass")[1].startswith("No TASS-1       TASS   ")
    assert "tass" in cli("channel", "list")[1]
    assert "members: andropov, brezhnev, gromyko, kirilenko, kosygin, podgorny, suslov" in cli("body", "show", "P")[1]

    cases = cli("case", "list", "--as", "registrar")[1].splitlines()
    assert cases[0].startswith("CASE-1     closed 1977-02-25") and cases[1].startswith("CASE-2     OPEN")
    assert cli("case", "list", "--as", "gromyko")[1] == "no case files\n"
