"""The kernel's refusals in Russian: what a text may not hold, a malformed marking, a missing field; and the
backup's refusals on the command line under LANG=ru_RU.UTF-8 (the kernel's CLI picks the language)."""

import subprocess

import pytest
from django.utils import translation

from secretariat.kernel import texts
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, bounded
from tests.cli import SECRETARIAT, env_for


def test_the_kernels_refusals_read_in_russian_and_stay_english_by_default():
    with translation.override("ru"):
        with pytest.raises(InvalidInput) as tab:
            texts.line("a\tb", "title")
        assert tab.value.message == "title: табуляция (\\t) в позиции 2; допускается только одна строка без табуляций"
        with pytest.raises(InvalidInput) as long:
            texts.body("x" * 1_001, "text", max_length=1_000)
        assert long.value.message == "text — 1\xa0001 зн.; допускается не более 1\xa0000 зн."
        with pytest.raises(ValueError, match="^неизвестный уровень грифа 'VERY SECRET'; допустимы: UNCLASSIFIED, "):
            Classification.parse("VERY SECRET")
        with pytest.raises(InvalidInput, match="^не указано: причина$"):
            bounded("  ", "причина", 10)
    with pytest.raises(InvalidInput, match="^title holds a tab"):
        texts.line("a\tb", "title")
    with pytest.raises(InvalidInput, match="^text is 1,001 characters long; at most 1,000 are allowed$"):
        texts.body("x" * 1_001, "text", max_length=1_000)


@pytest.mark.slow
@pytest.mark.embedded
def test_a_backup_is_refused_in_russian_under_lang_ru(tmp_path):
    env = {k: v for k, v in env_for(tmp_path).items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    target = tmp_path / "no-such-dir" / "office.tar.gz"
    refused = subprocess.run(
        [SECRETARIAT, "backup", str(target)],
        env={**env, "LANG": "ru_RU.UTF-8"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert refused.returncode == 2, refused.stderr
    assert f"invalid: {target.parent} не является каталогом" in refused.stderr
    assert not target.parent.exists()
