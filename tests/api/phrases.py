"""The classified phrases of the demo that no API answer may hold for someone who may not read them."""

import re

from secretariat.demo import reference as ref


def secret_phrases() -> list[str]:
    """Sentences of the classified texts of the demo: the extracts' decisions, the cable's parts
    and guidance, their titles, the open control's task."""
    texts = [
        ref.decision(),
        ref.title(),
        ref.cable_subject(),
        ref.cable_first(),
        ref.cable_guidance(),
        ref.cable_first_continued(),
        ref.SECOND_CASE["decision"],
        ref.SECOND_CASE["title"],
        ref.SECOND_CASE["task"],
    ]
    sentences = [s.strip() for text in texts for s in re.split(r"[.\n:;]", text)]
    return [s for s in sentences if len(s) >= 25]


def leaks(body: str) -> list[str]:
    return [phrase for phrase in secret_phrases() if phrase in body]
