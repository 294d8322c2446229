"""The command line as people use it: text and --json, clear refusals that change nothing."""

import json

import pytest

from tests.cli import granted, install, migrated, run

pytestmark = [pytest.mark.slow, pytest.mark.embedded]  # `secretariat` on a data dir of its own


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A data dir with an admin, a registrar, two members and P46/X on the distribution of one."""
    data_dir = tmp_path_factory.mktemp("office")
    (data_dir / "decision.txt").write_text("The draft is to be approved.\n")
    migrated(data_dir)
    install(data_dir)
    steps = [
        ("unit", "add", "--as", "admin", "gd-1", "General Department, 1st sector"),
        (
            "principal",
            "add",
            "--as",
            "admin",
            "registrar",
            "--clearance",
            "TS",
            "--roles",
            "registrar",
            "--unit",
            "gd-1",
        ),
        ("principal", "add", "--as", "admin", "gromyko", "--clearance", "TOP SECRET", "--roles", "member"),
        ("principal", "add", "--as", "admin", "visitor"),
        register_args(
            "--number",
            "P46/X",
            "--to",
            "gromyko",
            "--kind",
            "extract",
            "--return-to",
            "gd-1",
            title="Instructions",
            classification="TOP SECRET",
        ),
    ]
    for step in steps:
        if step[:2] == ("principal", "add"):
            granted(data_dir, *step[1:])
            continue
        result = run(data_dir, *step)
        assert result.returncode == 0, (step, result.stderr)
    return data_dir


def register_args(*extra: str, title="T", classification="S", text_file="decision.txt") -> tuple[str, ...]:
    """`document register` as the registrar, dated on the reference day, plus `extra` options."""
    return (
        "document", "register", "--as", "registrar", "--title", title, "--classification", classification,
        "--text-file", text_file, "--dated", "1977-02-18", *extra,
    )  # fmt: skip


def audit_size(data_dir) -> int:
    return json.loads(run(data_dir, "audit", "verify", "--json").stdout)["size"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("copies", "issue", "--as", "registrar", "P46/X", "--to", "nobody"), "invalid: unknown principal 'nobody'"),
        (
            ("copies", "issue", "--as", "registrar", "P46/X", "--to", "visitor"),
            "refused: visitor is not on the distribution of No P46/X: add them first",
        ),
        (
            ("document", "distribute", "--as", "registrar", "P46/X", "visitor"),
            "refused: visitor is not cleared for TOP SECRET",
        ),
        (
            register_args(text_file="/nonexistent"),
            "invalid: cannot read /nonexistent as UTF-8 text: No such file or directory",
        ),
        (("audit", "checkpoint", "--as", "visitor"), "refused: visitor is not an auditor"),
        (("copy", "return", "--as", "registrar", "P46/X", "7"), "not found: no copy 7 of No P46/X"),
        (
            register_args("--number", "P46//X"),
            "invalid: malformed registration number 'P46//X'",
        ),
        (("principal", "add", "--as", "registrar", "x"), "refused: registrar is not an admin"),
        (("principal", "approve", "1", "--as", "admin", "--secret-stdin"), "invalid: give your password or API token"),
        (("document", "read", "--as", "visitor", "P46/X"), "not found: no document No P46/X"),
    ],
)
def test_a_refusal_is_one_clear_line_and_changes_nothing(office, args, message):
    before = audit_size(office)
    result = run(office, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert audit_size(office) == before


def test_argument_errors_name_the_bad_value(office):
    result = run(office, *register_args(classification="COSMIC"))
    assert result.returncode == 2
    assert "COSMIC" in result.stderr and "Traceback" not in result.stderr


def test_json_errors_carry_a_code_and_a_message(office):
    result = run(office, "copy", "return", "--as", "registrar", "P46/X", "9", "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"error": {"code": "not_found", "message": "no copy 9 of No P46/X"}}


def test_the_life_of_a_copy_from_the_command_line(office):
    issued = json.loads(run(office, "copies", "issue", "--as", "registrar", "P46/X", "--json").stdout)
    assert [(c["copy"], c["of"], c["holder"], c["status"]) for c in issued] == [(1, 1, "gromyko", "issued")]
    receipt = json.loads(run(office, "copy", "receipt", "--as", "gromyko", "P46/X", "1", "--json").stdout)
    assert receipt["receipt_confirmed_at"] is not None
    text = run(office, "copies", "list", "--as", "registrar", "P46/X").stdout
    assert "copy   1 of 1" in text and "held" in text
    returned = run(office, "copy", "return", "--as", "registrar", "P46/X", "1")
    assert returned.returncode == 0 and "returned" in returned.stdout
    register = json.loads(run(office, "register", "--as", "registrar", "--json").stdout)
    assert register == [
        {
            "number": "P46/X",
            "allocated": 1,
            "copies": 1,
            "issued": 1,
            "returned": 1,
            "destroyed": 0,
            "lost": 0,
            "outstanding": 0,
            "overdue": 0,
            "balanced": True,
        }
    ]
    show = run(office, "document", "show", "--as", "registrar", "P46/X").stdout
    assert "Must be returned within 7 days to General Department, 1st sector" in show
    verify = run(office, "audit", "verify")
    assert verify.returncode == 0 and verify.stdout.startswith("OK: ")
