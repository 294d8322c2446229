"""The case files desk speaks Russian to a browser that asks for it; its refusals and messages too."""

import pytest
from django.utils import translation

from secretariat.audit.models import AuditEvent
from secretariat.cases.models import CaseFile


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request in Russian leaves Russian active in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


def test_the_case_files_desk_in_russian(demo, login):
    registrar = login("registrar")
    text = registrar.get("/cases/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Дела</h1>" in text and "Завести дело" in text and "1–2 из 2" in text
    case = registrar.get("/cases/CASE-2/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Дело CASE-2:" in case and "Закрыть это дело" in case


def test_a_refused_closing_and_a_done_opening_are_said_in_russian(demo, login):
    registrar = login("registrar")
    size = AuditEvent.objects.count()
    refused = registrar.post("/cases/CASE-2/close/", {"confirm": "on"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 409
    assert "дело CASE-2 нельзя закрыть:" in refused.content.decode()
    assert AuditEvent.objects.count() == size and not CaseFile.objects.get(number="CASE-2").is_closed

    opened = registrar.post(
        "/cases/open/", {"title": "Визит в марте", "documents": ["P47/5"]}, follow=True, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert "Заведено дело CASE-3: Визит в марте" in opened.content.decode()
