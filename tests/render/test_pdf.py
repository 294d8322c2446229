"""PDF copies: markings on every page, deterministic bytes, and trace marks that name the copy."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader, PdfWriter

from secretariat.audit.models import AuditEvent
from secretariat.cables.models import Cable
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.kernel.formats import day
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from secretariat.registry.models import Copy
from secretariat.releases.models import Release
from secretariat.render import trace
from secretariat.render.pdf import render_pdf
from secretariat.render.selectors import read_for_rendering
from tests.cli import run


def pdf(username: str, number: str, copy: int | None = None) -> bytes:
    rendering = read_for_rendering(principal_by_username(username), number, copy)
    return render_pdf(rendering.reading, rendering.copy)


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def stripped(data: bytes) -> bytes:
    """The same pages with no document information dictionary and no XMP metadata."""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.metadata = None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract_copies() -> list[Copy]:
    return list(Copy.objects.filter(document__number="P46/X").select_related("document", "holder").order_by("number"))


def traced(username: str, data: bytes) -> list[Copy]:
    return trace.trace(principal_by_username(username), "\n".join(pages(data)))


# 1. The acceptance test of the issue: every copy of the extract is traced, metadata or not.


def test_trace_names_every_copy_of_the_extract_also_without_metadata(demo):
    copies = extract_copies()
    assert len(copies) == 9
    marks = set()
    for copy in copies:
        data = pdf(copy.holder.username, "P46/X", copy.number)
        bare = stripped(data)
        assert b"/Title" in data and b"Typst" in data
        assert b"/Title" not in bare and b"Typst" not in bare and b"xmpmeta" not in bare
        for version in (data, bare):
            (found,) = traced("registrar", version)
            assert (found.pk, found.document.number, found.number) == (copy.pk, "P46/X", copy.number)
            assert (found.holder, found.issued_at) == (copy.holder, copy.issued_at)
        marks.add(trace.mark(copy))
    assert len(marks) == 9, "each copy has a mark of its own"


def test_the_trace_command_prints_document_copy_holder_and_issue_time(demo, tmp_path):
    copy = extract_copies()[4]
    path = tmp_path / "leaked.pdf"
    path.write_bytes(stripped(pdf("gromyko", "P46/X", 5)))
    stdout = io.StringIO()
    call_command("trace", str(path), "--as", "registrar", "--json", stdout=stdout)
    (row,) = json.loads(stdout.getvalue())["copies"]
    assert row == {
        "number": "P46/X",
        "copy": 5,
        "of": 9,
        "holder": "gromyko",
        "holder_name": "A. A. Gromyko",
        "issued_at": copy.issued_at.isoformat(),
        "status": "returned",
    }
    stdout = io.StringIO()
    call_command("trace", str(path), "--as", "registrar", stdout=stdout)
    assert stdout.getvalue().strip() == (
        f"No P46/X, copy No. 5 of 9, held by A. A. Gromyko (gromyko), issued {copy.issued_at.isoformat()}, returned"
    )


# 2. Markings on every page.


def test_every_page_carries_banners_copy_holder_due_date_margin_and_page_x_of_y(demo):
    copy = extract_copies()[4]
    texts = pages(pdf("gromyko", "P46/X", 5))
    assert len(texts) >= 3, "the extract with its draft attachment spans pages"
    registry_line = f"No P46/X · Copy No. 5 of 9 · Holder: A. A. Gromyko · Due back {day(copy.due_at)}"
    for x, text in enumerate(texts, start=1):
        lines = text.splitlines()
        assert lines.count("TOP SECRET") == 2, "a banner at the top and at the bottom"
        assert lines[-1] == "TOP SECRET"
        assert lines.index("TOP SECRET") < lines.index(registry_line)
        assert "Must be returned within 7 days to CC CPSU (General Department, 1st sector)" in lines
        assert f"{trace.mark(copy)} Page {x} of {len(texts)}" in lines
    assert "SECRETARY OF THE CC" in texts[0] and "Wire when you have done it." in texts[-1]
    assert "Secret" in texts[1].splitlines(), "the attachment starts a page under its own marking"


def test_banner_colours_follow_the_level(demo):
    release = Release.objects.get().document.number
    public = pdf("visitor", release)
    assert pages(public)[0].splitlines().count("UNCLASSIFIED") == 2
    assert "#007a33" in colours(public), "UNCLASSIFIED is green"
    assert "#ff8c00" in colours(pdf("gromyko", "P46/X")), "TOP SECRET is orange"
    cable = Cable.objects.filter(in_reply_to__isnull=True).order_by("drafted_at").first().document.number
    assert "#c8102e" in colours(pdf("dobrynin", cable)), "SECRET is red"


def colours(data: bytes) -> set[str]:
    """The fill colours used on the first page, as #rrggbb."""
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    found = re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) scn", content)
    return {"#" + "".join(f"{round(float(c) * 255):02x}" for c in rgb) for rgb in found}


def test_a_reading_without_a_copy_has_no_copy_marks(demo):
    texts = pages(pdf("gromyko", "P46/X"))
    assert all("Copy No." not in text and "TRACE" not in text for text in texts)
    assert texts[0].splitlines()[1:3] == ["TOP SECRET", "No P46/X"]


# 3. Same copy, same bytes; data never read as markup.


def test_the_same_copy_renders_to_the_same_bytes(demo):
    first = pdf("gromyko", "P46/X", 5)
    assert first.startswith(b"%PDF-") and first == pdf("gromyko", "P46/X", 5)
    assert first != pdf("brezhnev", "P46/X", 1)
    issued = extract_copies()[4].issued_at.astimezone(dt.UTC)
    assert PdfReader(io.BytesIO(first)).metadata["/CreationDate"] == issued.strftime("D:%Y%m%d%H%M%SZ")


MARKUP = r"#set page(fill: red) $x^2$ *bold* [link] \ _under_ <label> @ref `raw` // not a comment"


def test_markup_characters_in_a_title_come_out_literally(demo, at):
    with at("1977-03-01T10:00:00+03:00"):
        registry.register_document(
            demo.registrar,
            number="R-77",
            title=MARKUP,
            classification=Classification.of("CONFIDENTIAL"),
            text="#panic() and $1 + 1$ /* open",
            dated=demo.document.dated,
            signatory="#strong[Secretary]",
            distribution=[principal_by_username("gromyko")],
        )
    lines = pages(pdf("gromyko", "R-77"))[0].splitlines()
    assert MARKUP in lines
    assert "#panic() and $1 + 1$ /* open" in lines
    assert "#STRONG[SECRETARY]" in lines
    assert lines.count("CONFIDENTIAL") == 2


# 4. Refusals.


def test_a_forged_or_altered_mark_is_refused(demo):
    copy = extract_copies()[4]
    good = trace.mark(copy)
    code = good.rsplit(":", 1)[1]
    altered_code = good[:-1] + ("A" if good[-1] != "A" else "B")
    other_copy = good.replace("P46/X:5:", "P46/X:6:")
    unknown = f"TRACE P99/X:5:{code}"
    registrar = principal_by_username("registrar")
    for forged in (altered_code, other_copy, unknown, "TRACE P46/X:5:AAAAAAAAAAAAAAAA"):
        with pytest.raises(NotFound) as caught:
            trace.trace(registrar, f"page text {forged} Page 1 of 1")
        assert caught.value.message == f"no copy in the register carries the trace mark {forged}"
    with pytest.raises(InvalidInput, match="no trace mark found"):
        trace.trace(registrar, "No P46/X Copy No. 5 of 9")
    assert not AuditEvent.objects.filter(action="copy.traced").exists()
    assert trace.trace(registrar, f"x {good} y {good}") == [copy]
    (event,) = AuditEvent.objects.filter(action="copy.traced")
    assert (event.actor_id, event.data) == (registrar.pk, {"copy": 5, "holder": copy.holder.username})


def test_tracing_is_for_registry_staff_and_only_what_they_may_register(demo):
    text = "\n".join(pages(pdf("gromyko", "P46/X", 5)))
    for username in ("gromyko", "visitor", "dobrynin"):
        with pytest.raises(Refused, match="registrars and auditors"):
            trace.trace(principal_by_username(username), text)
    with pytest.raises(NotFound):
        trace.trace(principal_by_username("auditor"), text)


def test_the_trace_command_refuses_a_forged_file_with_exit_2(demo, tmp_path, capsys):
    path = tmp_path / "forged.pdf"
    path.write_bytes(pdf("gromyko", "P46/X"))
    with pytest.raises(SystemExit) as exit_:
        call_command("trace", str(path), "--as", "registrar")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("invalid: no trace mark found")
    path.write_bytes(b"not a pdf")
    with pytest.raises(SystemExit) as exit_:
        call_command("trace", str(path), "--as", "registrar")
    assert exit_.value.code == 2 and f"{path} is not a readable PDF" in capsys.readouterr().err


def test_a_visitor_cannot_render_and_no_file_is_written(demo, tmp_path, capsys):
    out = tmp_path / "p46x.pdf"
    with pytest.raises(NotFound):
        pdf("visitor", "P46/X")
    with pytest.raises(SystemExit) as exit_:
        call_command("render", "P46/X", "--as", "visitor", "--format", "pdf", "--output", str(out))
    assert exit_.value.code == 2 and not out.exists()
    assert capsys.readouterr().err.strip() == "not found: no document No P46/X"


# 5. The command.


def test_the_render_command_writes_a_pdf_to_a_file_or_to_redirected_stdout(demo, tmp_path):
    out = tmp_path / "copy5.pdf"
    stdout = io.StringIO()
    call_command(
        "render", "P46/X", "--as", "gromyko", "--copy", "5", "--format", "pdf", "--output", str(out), stdout=stdout
    )
    assert out.read_bytes().startswith(b"%PDF-") and out.read_bytes() == pdf("gromyko", "P46/X", 5)
    assert stdout.getvalue().strip() == f"No P46/X written to {out}"
    piped = io.TextIOWrapper(io.BytesIO())
    call_command("render", "P46/X", "--as", "gromyko", "--copy", "5", "--format", "pdf", stdout=piped)
    assert piped.buffer.getvalue() == out.read_bytes()


def test_a_pdf_without_a_place_to_go_is_refused_before_the_read(demo, capsys):
    before = AuditEvent.objects.count()
    with pytest.raises(SystemExit) as exit_:
        call_command("render", "P46/X", "--as", "gromyko", "--format", "pdf", "--json", stdout=io.StringIO())
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        call_command("render", "P46/X", "--as", "gromyko", "--format", "pdf", stdout=io.StringIO())
    assert "a PDF is binary: give --output FILE" in capsys.readouterr().err
    assert AuditEvent.objects.count() == before


@pytest.mark.slow
@pytest.mark.embedded
def test_render_and_trace_on_a_demo_data_dir(tmp_path, demo_data_dir):  # tmp_path: a demo data dir
    out = tmp_path / "copy5.pdf"
    rendered = run(
        tmp_path, "render", "P46/X", "--as", "gromyko", "--copy", "5", "--format", "pdf", "--output", str(out)
    )
    assert rendered.returncode == 0, rendered.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    out.write_bytes(stripped(out.read_bytes()))
    traced_ = run(tmp_path, "trace", str(out), "--as", "registrar", "--json")
    assert traced_.returncode == 0, traced_.stderr
    (row,) = json.loads(traced_.stdout)["copies"]
    assert (row["number"], row["copy"], row["holder"]) == ("P46/X", 5, "gromyko")
    assert re.match(r"1977-02-1\dT", row["issued_at"])
    refused = run(tmp_path, "trace", str(out), "--as", "gromyko")
    assert refused.returncode == 2 and "registrars and auditors" in refused.stderr
