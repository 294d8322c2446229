"""The whole-case PDF/A for the archive (issue 4, point 4): a closed case's papers in one file."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from secretariat.audit.models import AuditEvent
from secretariat.kernel.errors import NotFound
from secretariat.kernel.principals import principal_by_username
from secretariat.registry.models import Document
from secretariat.render.pdf import render_case_pdf
from secretariat.render.selectors import read_case_for_rendering


def case_pdf(username: str, number: str = "CASE-1") -> bytes:
    return render_case_pdf(*read_case_for_rendering(principal_by_username(username), number))


def test_the_closed_reference_case_is_one_pdf_a_with_every_paper_and_the_guidance(demo):
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    data = case_pdf("archivist")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # PDF/A-2b, as Typst declares it in the XMP metadata after checking conformance on export.
    assert b"<pdfaid:part>2</pdfaid:part>" in data and b"<pdfaid:conformance>B</pdfaid:conformance>" in data
    for number in ("P46/X", "TEL-1", "WASHINGTON-1", "TASS-1"):
        assert f"No {number}" in text
    assert "Case file CASE-1" in text
    assert "you could name the First secretary Pressel" in text  # the guidance: the archive keeps the whole cable
    assert "Page 1 of" in text and f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    read = AuditEvent.objects.filter(action="document.read", seq__gt=head).values_list("object_id", flat=True)
    classified = Document.objects.filter(number__in=["P46/X", "TEL-1", "WASHINGTON-1"]).values_list("pk", flat=True)
    assert sorted(read) == sorted(str(pk) for pk in classified)  # each classified paper's read audited, once
    assert case_pdf("archivist") == data  # deterministic


def test_only_an_archivist_cleared_for_every_paper_gets_a_closed_case(demo):
    for username in ("gromyko", "registrar", "visitor", "auditor"):
        with pytest.raises(NotFound):
            case_pdf(username)
    with pytest.raises(NotFound):
        case_pdf("archivist", "CASE-404")
    with pytest.raises(NotFound):  # CASE-2 is open: archivists do not see open cases at all
        case_pdf("archivist", "CASE-2")


def test_the_render_command_writes_the_case_pdf(demo, tmp_path, capsys):
    out = tmp_path / "case-1.pdf"
    call_command("render", "CASE-1", "--case", "--format", "pdf", "--output", str(out), "--as", "archivist")
    assert out.read_bytes() == case_pdf("archivist")
    with pytest.raises(SystemExit) as exit_:
        call_command("render", "CASE-1", "--case", "--as", "archivist")
    assert exit_.value.code == 2 and "--case renders a whole case file" in capsys.readouterr().err
