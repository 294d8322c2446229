"""Words as the index keeps them: folded, and stemmed by the Snowball stemmer of their script.

Both engines index the same stems, computed here (PyStemmer: Snowball's C stemmers), so a search finds the same
papers on SQLite and on PostgreSQL: "ambassadors" finds "ambassador", «послы» finds «посла». A word in Cyrillic
takes the Russian stemmer, any other the English one; digits and mixed words ("P46", "1977") are kept whole.
"""

import functools
import re
import unicodedata

import Stemmer

# A word: letters and digits (any script), an apostrophe inside it kept with it ("don't").
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A phrase in a query: words in quotes, straight or typographic.
PHRASE = re.compile(r'"([^"]*)"|«([^»]*)»|“([^”]*)”')
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_STEMMERS = {"ru": Stemmer.Stemmer("russian"), "en": Stemmer.Stemmer("english")}


def fold(word: str) -> str:
    """Case and compatibility forms folded, stress marks dropped; ё read as е, as Russian readers do."""
    folded = unicodedata.normalize("NFKC", word).casefold().replace("ё", "е").replace("’", "'")
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", folded).replace("\u0301", ""))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The index's form of one word (the cache makes a corpus cost its vocabulary, not its length)."""
    folded = fold(word)
    if not folded.isalpha():
        return folded.replace("'", "")
    stemmer = _STEMMERS["ru" if _CYRILLIC.search(folded) else "en"]
    return stemmer.stemWord(folded.replace("'", ""))


def visible(text: str) -> str:
    """Text as a reader sees it: compatibility forms folded, format characters (soft hyphens, zero-width spaces)
    dropped, so "про\u00adект" is one word."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def words(text: str) -> list[tuple[int, int]]:
    """Where each word of `text` stands: (start, end)."""
    return [m.span() for m in WORD.finditer(text)]


def stems(text: str) -> str:
    """The stems of every word of `text`, space-separated: what the index holds for it."""
    return " ".join(stem(m.group()) for m in WORD.finditer(visible(text)))


def query_terms(query: str) -> list[tuple[str, ...]]:
    """What a query asks for: each word's stem, and each quoted phrase's stems in order; every one must be found
    (a phrase as its words stand, one after another)."""
    query = visible(query)
    terms = []
    for m in PHRASE.finditer(query):
        phrase = next(g for g in m.groups() if g is not None)
        terms.append(tuple(stem(w.group()) for w in WORD.finditer(phrase)))
    rest = PHRASE.sub(" ", query)
    terms += [(stem(w.group()),) for w in WORD.finditer(rest)]
    return list(dict.fromkeys(term for term in terms if term))


def query_stems(query: str) -> list[str]:
    """Every stem a query asks for, each once, in order: the words a passage marks."""
    return list(dict.fromkeys(s for term in query_terms(query) for s in term))


def snippet(text: str, wanted: list[str], around: int = 12) -> list[tuple[str, bool]]:
    """A passage of `text` around its first word whose stem is wanted, as (part, is_match) pairs to show with the
    matches marked: up to `around` words either side, '…' where it is cut. The beginning when nothing matches."""
    spans = words(text)
    if not spans:
        return []
    wanted_set = set(wanted)
    hits = [i for i, (a, b) in enumerate(spans) if stem(text[a:b]) in wanted_set]
    first = hits[0] if hits else 0
    lo, hi = max(0, first - around), min(len(spans), first + around + 1)
    start, end = spans[lo][0], spans[hi - 1][1]
    parts: list[tuple[str, bool]] = [("…", False)] if lo > 0 else []
    at = start
    for i in range(lo, hi):
        a, b = spans[i]
        if i in hits:
            if a > at:
                parts.append((text[at:a], False))
            parts.append((text[a:b], True))
            at = b
    parts.append((text[at:end], False))
    if hi < len(spans):
        parts.append(("…", False))
    return [(part if match else re.sub(r"\s+", " ", part), match) for part, match in parts if part]
