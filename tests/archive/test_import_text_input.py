"""Text the importer reads (docs/texts.md): a transcription holding a NUL or another control character is
refused naming the file's line and column, by a dry run too, nothing imported; one from Windows or OCR (CR LF,
form feeds between pages, tabs) imports as its LF twin does, its tabs kept in the text."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from secretariat.archive import selectors
from secretariat.archive.models import Item
from secretariat.kernel.principals import principal_by_username
from tests.refusals import snapshot

pytestmark = pytest.mark.demo(archive=False)  # CASE-1 closed, nothing in the archive yet

REFERENCE = (
    Path(__file__).resolve().parents[2] / "src/secretariat/demo/reference/politburo-1977-protocol-46-point-x.txt"
)
BODY_LINE = "The draft of the instructions to the Soviet Ambassador in Washington this question is to be approved."


def import_file(path: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import-transcription", str(path), *extra, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def with_line(tmp_path, old: str, new: str) -> Path:
    text = REFERENCE.read_text()
    assert old in text
    path = tmp_path / "transcription.txt"
    path.write_text(text.replace(old, new, 1), newline="")
    return path


@pytest.mark.parametrize(
    "char, what", [("\x00", "a NUL character"), ("\x1b", "a control character"), ("\x0b", "a vertical tab")]
)
def test_a_transcription_holding_a_control_character_is_refused_naming_its_line(archivist, tmp_path, char, what):
    path = with_line(tmp_path, "The draft of", f"The{char} draft of")
    line = 1 + REFERENCE.read_text().split("The draft of")[0].count("\n")
    message = f"invalid: {path} holds {what} ({repr(char)[1:-1]}) on line {line}, column 4, which no text may hold"
    before = snapshot()
    for extra in (("--dry-run",), ("--as", "archivist")):
        code, out, err = import_file(path, *extra)
        assert (code, out, err) == (2, "", message + "\n"), extra
    assert snapshot() == before and not Item.objects.exists()


def test_a_transcription_from_windows_or_ocr_imports_as_its_lf_twin(archivist, tmp_path):
    text = REFERENCE.read_text().replace(BODY_LINE, f"\t{BODY_LINE}\tX")
    lf = tmp_path / "lf.txt"
    lf.write_text(text)
    windows = tmp_path / "windows.txt"
    windows.write_bytes(text.replace("\n", "\r\n").replace("SECRETARY OF THE CC\r\n", "SECRETARY OF THE CC\f").encode())
    read = []
    for path in (lf, windows):
        code, out, err = import_file(path, "--dry-run", "--json")
        assert (code, err) == (0, "")
        read.append(json.loads(out))
    assert read[0] == read[1]
    code, out, err = import_file(windows, "--as", "archivist")
    assert (code, err) == (0, ""), err
    item = selectors.item(principal_by_username("archivist"), "TsKhSD/89/25/44")
    assert "\r" not in item.text and "\f" not in item.text
    assert f"{BODY_LINE}\tX" in item.text


def test_a_tab_inside_a_field_read_off_one_line_is_a_space_in_that_field(archivist, tmp_path):
    """A title is one line without tabs; the transcription keeps the line as it was read."""
    path = with_line(tmp_path, "About the instructions to", "About the instructions\tto")
    code, out, err = import_file(path, "--as", "archivist")
    assert (code, err) == (0, ""), err
    item = selectors.item(principal_by_username("archivist"), "TsKhSD/89/25/44")
    assert item.title.startswith("About the instructions to the Soviet Ambassador")
    assert item.transcription["title"].startswith("About the instructions\tto the Soviet Ambassador")
