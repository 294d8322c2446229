"""Text the register desk is given (docs/texts.md): what does not fit comes back in the form with the
message, status 422, nothing registered; line breaks from a browser's textarea (CR LF) and from OCR (form
feeds) are registered as LF."""

import html

import pytest

from secretariat.registry.models import Document
from tests.refusals import snapshot

FORM = {
    "number": "",
    "series": "GD",
    "title": "Note on the visit",
    "classification": "SECRET",
    "kind": "note",
    "dated": "1977-03-01",
    "text": "The text.",
    "distribution": "gromyko",
}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "x" * 1_000_000, "title is 1,000,000 characters long; at most 500 are allowed"),
        ("title", "Note\x00on the visit", r"title holds a NUL character (\x00) at character 5, which no text may hold"),
        ("title", "Note on\r\nthe visit", r"title holds a carriage return (\r) at character 8; it must be one line"),
        ("text", "First line.\r\nThe\x00 text.", r"text holds a NUL character (\x00) on line 2, column 4"),
        ("text", "The \x1b[1mtext", r"text holds a control character (\x1b) on line 1, column 5"),
    ],
    ids=["long title", "NUL in title", "two-line title", "NUL in text", "escape in text"],
)
def test_the_register_desk_refuses_a_text_that_does_not_fit(demo, login, field, value, message):
    registrar = login("registrar")
    before = snapshot()
    response = registrar.post("/registry/register/", {**FORM, field: value})
    page = response.content.decode()
    assert response.status_code == 422 and 'role="alert"' in page
    assert html.escape(message) in page
    assert "Register a document" in page  # the form again, as it was sent
    assert snapshot() == before
    assert not Document.objects.filter(number__startswith="GD-").exists()


def test_the_register_desk_keeps_tabs_and_makes_line_breaks_lf(demo, login):
    registrar = login("registrar")
    text = "Page one.\r\n\tIndented.\r\n\fPage two.\rEnd."
    response = registrar.post("/registry/register/", {**FORM, "text": text})
    assert response.status_code == 302 and response["Location"] == "/registry/GD-1/"
    version = Document.objects.get(number="GD-1").versions.get()
    assert version.text == "Page one.\n\tIndented.\n\nPage two.\nEnd."
