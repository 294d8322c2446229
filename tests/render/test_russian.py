"""The page around a paper speaks Russian to a browser that asks for it; the paper itself stays as it is."""

import pytest
from django.utils import translation

from secretariat.kernel.errors import InvalidInput, Refused
from secretariat.kernel.principals import principal_by_username
from secretariat.render.trace import trace
from tests.web.pages import P46_TEXT, P46_TITLE


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request in Russian leaves Russian active in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


def test_the_document_page_in_russian_keeps_the_paper_as_it_is(demo, login):
    html = login("gromyko").get("/documents/P46/X/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<h2 id="history-heading">История</h2>' in html and "<th>Когда</th>" in html
    assert "<title>№ P46/X" in html
    assert "гриф части</span> Secret" in html  # the words around the marking; the marking as the paper writes it
    assert P46_TITLE in html and P46_TEXT in html
    assert ">TOP SECRET</div>" in html  # the banner's marking stays as configured


def test_a_refused_trace_is_said_in_russian(demo):
    with translation.override("ru"):
        with pytest.raises(Refused, match="не может устанавливать экземпляр по метке"):
            trace(principal_by_username("gromyko"), "anything")
        with pytest.raises(InvalidInput, match="метка экземпляра не найдена"):
            trace(principal_by_username("registrar"), "no marks here")
