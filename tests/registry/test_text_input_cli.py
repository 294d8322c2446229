"""Text the command line is given (docs/texts.md), `secretariat document register` in this process: what
does not fit is one line on stderr (or an error object with --json) and exit code 2, nothing registered; a
text file's CR LF and form feeds are registered as LF, its tabs kept."""

import io
import json

import pytest
from django.core.management import call_command

from secretariat.registry.models import Document
from tests.refusals import snapshot


def register(tmp_path, *, title="Note on the visit", text="The text.\n", json_output=False):
    """`secretariat document register --as registrar …`: exit code, stdout, stderr."""
    text_file = tmp_path / "text.txt"
    text_file.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    out, err = io.StringIO(), io.StringIO()
    args = ["document", "register", "--as", "registrar", "--series", "GD", "--title", title]
    args += ["--classification", "SECRET", "--text-file", str(text_file), "--dated", "1977-03-01", "--to", "gromyko"]
    try:
        call_command(*args, *(["--json"] if json_output else []), stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "given, message",
    [
        ({"title": "x" * 1_000_000}, "title is 1,000,000 characters long; at most 500 are allowed"),
        (
            {"title": "Note\x00on the visit"},
            r"title holds a NUL character (\x00) at character 5, which no text may hold",
        ),
        ({"title": "Note\ton the visit"}, r"title holds a tab (\t) at character 5; it must be one line, without tabs"),
        ({"text": "First page.\f\nSe\x00cond."}, r"text holds a NUL character (\x00) on line 3, column 3"),
        ({"text": "x" * 1_000_001}, "text is 1,000,001 characters long; at most 1,000,000 are allowed"),
    ],
    ids=["long title", "NUL in title", "tab in title", "NUL in text file", "long text file"],
)
def test_a_text_that_does_not_fit_is_one_line_and_exit_2(demo, tmp_path, given, message):
    before = snapshot()
    code, out, err = register(tmp_path, **given)
    assert code == 2 and out == ""
    assert err.startswith(f"invalid: {message}") and err.count("\n") <= 1
    code, out, err = register(tmp_path, **given, json_output=True)
    assert code == 2 and json.loads(out)["error"]["code"] == "invalid"
    assert json.loads(out)["error"]["message"].startswith(message)
    assert snapshot() == before
    assert not Document.objects.filter(number__startswith="GD-").exists()


def test_a_text_file_from_windows_or_ocr_is_registered_with_lf(demo, tmp_path):
    code, out, err = register(tmp_path, text="Page one.\r\n\tIndented.\r\n\fPage two.\r\n")
    assert (code, err) == (0, "")
    assert Document.objects.get(number="GD-1").versions.get().text == "Page one.\n\tIndented.\n\nPage two.\n"
