"""Russian and English: every word a person reads goes through Django's translation, and the Russian catalog is whole.

Each app keeps its own catalog (<app>/locale/ru/LC_MESSAGES/django.po, compiled beside it). The checks use GNU
gettext's own tools, as `makemessages` and `compilemessages` do (the README's system packages).
"""

import gettext
import html.parser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import secretariat

pytestmark = pytest.mark.embedded  # no database: the PostgreSQL pass would only run it again

PACKAGE = Path(secretariat.__file__).parent
APPS = sorted(path.parent for path in PACKAGE.glob("*/apps.py"))
CATALOGS = sorted(PACKAGE.glob("*/locale/ru/LC_MESSAGES/django.po"))
TEMPLATES = sorted(path for path in PACKAGE.glob("*/templates/**/*.html"))


def _statistics(po: Path) -> str:
    shown = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stderr


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: po.parents[3].name)
def test_the_russian_catalog_is_whole_and_compiled(po, tmp_path):
    statistics = _statistics(po)
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)], check=True)
    with open(tmp_path / "django.mo", "rb") as fresh, open(po.with_suffix(".mo"), "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            f"{po.with_suffix('.mo')} is stale: run `django-admin compilemessages` in {po.parents[3]}"
        )


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.name)
def test_every_marked_string_of_an_app_is_in_its_catalog(app, tmp_path):
    """`makemessages` over a copy of the app finds nothing the committed catalog lacks or has changed."""
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    (copy / "locale").mkdir(exist_ok=True)
    made = subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "ru", "--no-location", "--no-obsolete"],
        cwd=copy,  # -P: the app's own selectors.py must not stand in for the standard library's
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "secretariat.settings", "SECRETARIAT_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    po = copy / "locale/ru/LC_MESSAGES/django.po"
    if not po.exists():  # nothing marked in this app
        return
    statistics = _statistics(po)
    assert "untranslated" not in statistics and "fuzzy" not in statistics, (
        f"{app.name}: {statistics.strip()}; run `django-admin makemessages -l ru` in {app} and translate"
    )


class _Words(html.parser.HTMLParser):
    """The text a person reads in a template once its tags, variables and translated blocks are taken out."""

    READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        for name, value in attrs:
            if value and (name in self.READ_ATTRIBUTES or (name == "value" and ("type", "submit") in attrs)):
                self.words.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.words.append(data)


# Template syntax that carries no bare words: translated blocks, comments, tags and variables.
_TEMPLATE_SYNTAX = re.compile(
    r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}|{{.*?}}",
    re.S,
)
_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_a_template_has_no_word_outside_translation(template):
    words = _Words()
    words.feed(_TEMPLATE_SYNTAX.sub(" ", template.read_text(encoding="utf-8")))
    bare = [text.strip() for text in words.words if _WORD.search(text)]
    assert not bare, f"put these through {{% translate %}} or {{% blocktranslate %}}: {bare}"


def test_pages_follow_the_browser_and_then_the_persons_choice(client):
    russian = client.get("/login/", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru">' in russian.text and "К содержанию" in russian.text
    assert 'lang="en-gb">British English</button>' in russian.text  # the way back, named in its own tongue
    english = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en-gb">' in english.text and "Skip to content" in english.text
    assert 'lang="ru">Русский</button>' in english.text
    chosen = client.post("/i18n/setlang/", {"language": "ru", "next": "/reading-room/"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/reading-room/"
    assert '<html lang="ru">' in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").text  # the choice wins


def _choices_shown_on_pages():
    """Every choice a desk shows, with the context its app's labels.py gives it."""
    from secretariat.accounts.models import AccessRequest, Unit
    from secretariat.archive.models import Annotation, ArchiveUnit, Item, Redaction, Review
    from secretariat.cables.models import Cable, Control
    from secretariat.kernel.principals import Role
    from secretariat.registry.models import Copy, Document

    return [
        ("role", Role),
        ("access request", AccessRequest.Kind),
        ("access request", AccessRequest.State),
        ("unit kind", Unit.Kind),
        ("paper kind", Document.Kind),
        ("copy state", Copy.Status),
        ("cable state", Cable.State),
        ("precedence", Cable.Precedence),
        ("control state", Control.Status),
        ("archive level", ArchiveUnit.Level),
        ("instruction", Item.Instruction),
        ("annotation", Annotation.Kind),
        ("review outcome", Review.Outcome),
        ("redaction reason", Redaction.Reason),
    ]


def test_every_choice_a_page_shows_has_its_russian_words():
    from django.utils import translation

    untranslated = []
    with translation.override("ru"):
        for context, choices in _choices_shown_on_pages():
            for choice in choices:
                if translation.pgettext(context, choice.label) == choice.label:
                    untranslated.append(f"{context}: {choice.label}")
    assert untranslated == []


def test_words_in_more_than_one_catalog_read_the_same_in_each():
    """Django merges the apps' catalogs, and the first app holding a msgid wins for every page: the same English
    (in the same context) translated two ways would show one app's words on another's page ('С' for a cable's
    sender, from the audit desk's date range). A different meaning takes a context; the same one, the same words."""
    words: dict[object, dict[str, object]] = {}
    for po in CATALOGS:
        with open(po.with_suffix(".mo"), "rb") as compiled:
            for msgid, msgstr in gettext.GNUTranslations(compiled)._catalog.items():
                if msgid:
                    words.setdefault(msgid, {})[po.parents[3].name] = msgstr
    differing = {msgid: apps for msgid, apps in words.items() if len(set(apps.values())) > 1}
    assert differing == {}
