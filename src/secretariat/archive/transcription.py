"""Read a transcribed or translated party document into archival fields.

Transcriptions of Politburo, Secretariat and Central Committee papers come in many editorial
styles: Wilson Center and Library of Congress translations, the Bukovsky archive, Russian
editions with archeographic notes. `parse` reads one line at a time. Each family of patterns
(annotations, classifications, numbers, dates, distribution, archival references, return
instructions) has its own small functions below, and the fields are resolved from what they find.

Nothing is ever dropped: every line is placed in the body text, an annotation, the source lines
of a field, or `unparsed`, each placement recording which part of the line went where, and
`Transcription.lost_lines` proves it line by line. `parse` never raises on any string.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from secretariat.kernel.classification import Level

# Lines longer than this are read as prose only: no header pattern applies to them.
MAX_HEADER_LINE = 1000
# A line of at least this many words is prose; ending a sentence (perhaps with a note mark), it is body text.
PROSE_WORDS = 8
SENTENCE_END = re.compile(r"[.!?:»”\"](?:\s*(?:\(\d{1,3}\)|\[\d{1,3}\]|\d{1,3}))?$")

# ---------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class Annotation:
    """A mark on the page that is not body text, with the input lines it was read from."""

    kind: str  # margin | stamp | editorial | typist | page
    text: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Classification:
    level: str | None = None  # a Level label, the highest marked
    caveats: tuple[str, ...] = ()
    as_written: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReturnInstruction:
    text: str
    days: int | None
    to: str | None


@dataclass(frozen=True)
class ArchivalReference:
    as_written: str
    repository: str | None = None
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    document: str | None = None
    sheets: str | None = None


@dataclass(frozen=True)
class Attachment:
    title: str
    classification: str | None


@dataclass(frozen=True)
class Placement:
    """Where (part of) an input line went: "text", "unparsed", "annotation" or "field:<name>"."""

    line: int  # 1-based
    destination: str
    content: str


@dataclass(frozen=True)
class Transcription:
    """What one transcription says, field by field, with where each of its lines went."""

    issuing_body: str | None
    document_type: str | None
    title: str | None
    date: str | None
    date_as_written: str | None
    number: str | None
    protocol_number: str | None
    point: str | None
    classification: Classification
    distribution: tuple[str, ...]
    return_instruction: ReturnInstruction | None
    signatory: str | None
    attachments: tuple[Attachment, ...]
    annotations: tuple[Annotation, ...]
    archival_reference: ArchivalReference | None
    text: str
    unparsed: tuple[str, ...]
    lines: tuple[str, ...] = field(repr=False)
    placement: tuple[Placement, ...] = field(repr=False)

    def as_json(self) -> dict:
        """The import's JSON object: exactly the keys of issue 5, null or empty where absent."""
        reference = self.archival_reference
        instruction = self.return_instruction
        return {
            "issuing_body": self.issuing_body,
            "document_type": self.document_type,
            "title": self.title,
            "date": self.date,
            "date_as_written": self.date_as_written,
            "number": self.number,
            "protocol_number": self.protocol_number,
            "point": self.point,
            "classification": {
                "level": self.classification.level,
                "caveats": list(self.classification.caveats),
                "as_written": list(self.classification.as_written),
            },
            "distribution": list(self.distribution),
            "return_instruction": {
                "text": instruction.text if instruction else None,
                "days": instruction.days if instruction else None,
                "to": instruction.to if instruction else None,
            },
            "signatory": self.signatory,
            "attachments": [{"title": a.title, "classification": a.classification} for a in self.attachments],
            "annotations": [{"kind": a.kind, "text": a.text} for a in self.annotations],
            "archival_reference": {
                "as_written": reference.as_written if reference else None,
                "repository": reference.repository if reference else None,
                "fond": reference.fond if reference else None,
                "opis": reference.opis if reference else None,
                "delo": reference.delo if reference else None,
                "document": reference.document if reference else None,
                "sheets": reference.sheets if reference else None,
            },
            "text": self.text,
            "unparsed": list(self.unparsed),
        }

    def lost_lines(self) -> tuple[int, ...]:
        """Numbers of the non-blank input lines not fully accounted for; empty means nothing dropped.

        The text must be exactly the parts placed in it, in order (one per line, paragraphs apart),
        and `unparsed` exactly the parts placed there; an annotation must name the line it came
        from and hold the part; a field must have a value. A line is accounted for when its parts,
        each so verified, leave nothing of it but whitespace.
        """
        in_text = [p.content for p in self.placement if p.destination == "text"]
        in_unparsed = [p.content for p in self.placement if p.destination == "unparsed"]
        text_holds = [part for part in self.text.split("\n") if part] == in_text
        unparsed_holds = list(self.unparsed) == in_unparsed
        annotated: dict[int, list[Annotation]] = {}
        for annotation in self.annotations:
            for number in annotation.lines:
                annotated.setdefault(number, []).append(annotation)

        def holds(placed: Placement) -> bool:
            if placed.destination == "text":
                return text_holds
            if placed.destination == "unparsed":
                return unparsed_holds
            if placed.destination == "annotation":
                return any(placed.content in a.text or a.text in placed.content for a in annotated.get(placed.line, []))
            if placed.destination.startswith("field:"):
                value = getattr(self, placed.destination.removeprefix("field:"), None)
                if isinstance(value, Classification):
                    return bool(value.level or value.caveats or value.as_written)
                return bool(value)
            return False

        by_line: dict[int, list[Placement]] = {}
        for placed in self.placement:
            by_line.setdefault(placed.line, []).append(placed)
        lost = []
        for number, line in enumerate(self.lines, start=1):
            remaining = line.strip()
            for placed in by_line.get(number, []):
                if placed.content and placed.content in line and holds(placed):
                    remaining = remaining.replace(placed.content, "", 1)
            if remaining.strip():
                lost.append(number)
        return tuple(lost)


# ---------------------------------------------------------------------------------------------
# Annotations: square brackets, << >>, page markers, typists' marks, editors' notes

BRACKET_LINE = re.compile(r"^\[(?P<label>[^\[\]]{1,400})\]\s*(?P<rest>.*)$")
ANGLE_LINE = re.compile(r"^<<(?P<label>.{1,400})>>$")
FOLIO_MARK = re.compile(r"^[VВ]-\d{1,4}\(?$")  # the archive's foliation: "V-9(", "V-100"
DASHED_PAGE = re.compile(r"^[-–—]\s*\d{1,4}\s*[-–—]$")  # "- 2 -", "– 2 –"
PAGE_WORD = re.compile(r"^(?:page|p\.|стр\.|страница|лист|л\.)\s*\d{1,4}(?:\s*об\.?)?$", re.I)
PAGE_LABEL = re.compile(r"^(?:page|p\.|pp\.|sheet|стр|лист|л\.|l\.)(?:\W|\d|$)", re.I)
STAMP_LABEL = re.compile(r"stamp|seal|штамп|печат", re.I)
MARGIN_LABEL = re.compile(r"margin|на пол(?:е|ях)|по полю|поля\b", re.I)
SIGNATURE_TAG = re.compile(r"^(?:signature|signed|signed by hand|подпись|подписи)$", re.I)
FOOTNOTE_LABEL = re.compile(r"^\d{1,3}$")
# "15-zv vd", "19-ma,am mk, vd", "4ak": copies typed and the typists' initials
TYPIST_MARK = re.compile(r"^\d{1,3}\s?-?\s?[a-zа-яё]{2,3}(?:\s?[,\s]\s?[a-zа-яё]{2,3}){0,6}\.?$")
EDITORS_NOTE = re.compile(r"^-\s+\S")  # "- РГАСПИ. Ф. 17 …", "- Sheet 15 Typewritten copy …"
SEPARATOR = re.compile(r"^[=\-_*~·•]{4,}$")
# An edition's footnotes stand under a rule of underscores, each opening with its number: "1 Отправлена шифром …"
FOOTNOTE_RULE = re.compile(r"^_{4,}$")
FOOTNOTE_LINE = re.compile(r"^\d{1,3}\s+[^\W\d_]")


@dataclass
class _AnnotationHit:
    kind: str
    placed: str  # the part of the line that is the annotation
    rest: str = ""  # what is left of the line to read as content
    takes_paragraph: bool = False  # a bare "[Text along left-hand margin]": the next paragraph is its text
    signature: bool = False  # "[signature] K. Chernenko": the rest names the signatory


def read_annotation(line: str) -> _AnnotationHit | None:
    """The annotation a whole line (or its leading bracket) is, if any."""
    if FOLIO_MARK.match(line) or DASHED_PAGE.match(line) or PAGE_WORD.match(line):
        return _AnnotationHit("page", line)
    if TYPIST_MARK.match(line):
        return _AnnotationHit("typist", line)
    if (angle := ANGLE_LINE.match(line)) is not None:
        return _AnnotationHit(_bracket_kind(angle["label"].strip()), line)
    if (bracket := BRACKET_LINE.match(line)) is not None:
        return _read_bracket(line, bracket["label"].strip(), bracket["rest"].strip())
    if EDITORS_NOTE.match(line):
        return _AnnotationHit("editorial", line)
    return None


def _bracket_kind(label: str) -> str:
    if STAMP_LABEL.search(label):
        return "stamp"
    if MARGIN_LABEL.search(label):
        return "margin"
    if PAGE_LABEL.match(label) and len(label.split()) <= 5:
        return "page"
    return "editorial"


def _read_bracket(line: str, label: str, rest: str) -> _AnnotationHit:
    kind = _bracket_kind(label)
    if not rest:
        return _AnnotationHit(kind, line, takes_paragraph=kind in ("margin", "stamp"))
    if kind in ("margin", "stamp") or FOOTNOTE_LABEL.match(label) or len(label.split()) > 3:
        return _AnnotationHit(kind, line)
    tag = line[: len(line) - len(rest)].strip()
    return _AnnotationHit(kind, tag, rest=rest, signature=bool(SIGNATURE_TAG.match(label)))


# ---------------------------------------------------------------------------------------------
# Classifications: "Top secret", "Strictly secret", "Совершенно секретно", "Special file", "Особая папка"

SPECIAL_FILE = "SPECIAL FILE"
LEVEL_PHRASES = [
    (re.compile(r"совершенно\s+секретно(?:\s+особой\s+важности)?", re.I), Level.TOP_SECRET),
    (re.compile(r"(?<!\w)сов\.\s*секретно", re.I), Level.TOP_SECRET),
    (re.compile(r"строго\s+секретно", re.I), Level.TOP_SECRET),
    (re.compile(r"top[\s-]+secret(?!\w)", re.I), Level.TOP_SECRET),
    (re.compile(r"strictly\s+secret(?!\w)", re.I), Level.TOP_SECRET),
    (re.compile(r"(?<!\w)секретно(?!\w)", re.I), Level.SECRET),
    (re.compile(r"(?<!\w)secret(?!\w)", re.I), Level.SECRET),
    (re.compile(r"(?:strictly\s+)?confidential(?!\w)|(?<!\w)конфиденциально(?!\w)", re.I), Level.CONFIDENTIAL),
    (re.compile(r"для\s+служебного\s+пользования|for\s+official\s+use\s+only", re.I), Level.CONFIDENTIAL),
    (re.compile(r"(?<!\w)(?:unclassified|несекретно)(?!\w)", re.I), Level.UNCLASSIFIED),
]
CAVEAT_PHRASES = [
    (
        re.compile(
            r"особ(?:ая|ой|ую)\s+папк[аиу]|из\s+о(?:\[собой\]|собой|\.)\s*п(?:апки|\.)"
            r"|\(?особый\s*№[^)\n]{0,5}\)?|special\s+(?:file|folder|dossier|dossiers|files|folders|papka)"
            r"|(?<!\w)osobaya\s+papka(?!\w)",
            re.I,
        ),
        SPECIAL_FILE,
    ),
]
HANDLING_PHRASES = re.compile(
    r"top\s+priority|one\s+copy\s+only|single\s+copy|only\s+copy|\(working\s+notes\)|(?<!\w)срочно(?!\w)"
    r"|(?<!\w)urgent(?!\w)|(?<!\w)лично(?!\w)|единственный\s+экземпляр|copy\s+no\.?\s*\d{1,4}|экз\.\s*№\s*\d{1,4}",
    re.I,
)
# What may stand beside markings on a marking line: "(from the Special File)", "Из особой папки", "K № …"
MARKING_FILLER = re.compile(r"(?<!\w)(?:К|K|от|of|dated|г|года|ода|from|the|из)(?!\w)|[\s.,;:()\[\]*«»\"“”–—-]+", re.I)


@dataclass
class _Markings:
    level: Level | None
    caveats: list[str]
    as_written: list[str]


def read_markings(line: str) -> _Markings | None:
    """The markings of a line that holds nothing but markings (and perhaps a number and date)."""
    if len(line) > 300:
        return None
    spans: list[tuple[int, int]] = []
    found: list[tuple[int, str, Level | None, str | None]] = []

    def take(match: re.Match, level: Level | None, caveat: str | None) -> None:
        if any(match.start() < end and start < match.end() for start, end in spans):
            return
        spans.append(match.span())
        found.append((match.start(), match.group(0), level, caveat))

    for pattern, level in LEVEL_PHRASES:
        for match in pattern.finditer(line):
            take(match, level, None)
    for pattern, caveat in CAVEAT_PHRASES:
        for match in pattern.finditer(line):
            take(match, None, caveat)
    for match in HANDLING_PHRASES.finditer(line):
        take(match, None, None)
    if not found:
        return None
    number = find_number(line)
    if number is not None:
        spans.append(number.span)
    spans.extend(hit.span for hit in find_dates(line))
    remainder = "".join(ch for i, ch in enumerate(line) if not any(start <= i < end for start, end in spans))
    if MARKING_FILLER.sub("", remainder):
        return None
    found.sort()
    levels = [level for _, _, level, _ in found if level is not None]
    return _Markings(
        level=max(levels) if levels else None,
        caveats=[caveat for _, _, _, caveat in found if caveat],
        as_written=[text for _, text, _, _ in found],
    )


# ---------------------------------------------------------------------------------------------
# Numbers: "No P46/X", "# P78/168", "№ 106", "Ст-195/3с", "St-173/49gs"

NUMBER_SIGN = r"(?:(?<!\w)(?:No|Nº|N°)\.?|№|#|(?<!\w)N(?=\s+\d))"
NUMBER_TOKEN = r"(?:[A-Za-zА-Яа-яЁё]{1,3}[-\s]?)?\d{1,6}(?:[-/][\w()]{1,12}){0,3}"
SIGNED_NUMBER = re.compile(rf"{NUMBER_SIGN}\s*(?P<number>{NUMBER_TOKEN})")
# A registration number written without a sign: "St-173/49gs", "Pb 176/125", "П51/94"
# The prefixes name the body: Pb/P/П/ПБ Politburo, St/Ст Secretariat, Pr/Пр Presidium, Ob/Об Orgburo;
# capitalised or in capitals, Latin or Cyrillic (never lower case: "к 6/V-26", "об 5/VI" are words and dates).
BARE_NUMBER = re.compile(
    r"(?<![\w/])(?P<number>(?:Pb|PB|P|Pr|PR|St|ST|Ob|OB|ПБ|Пб|П|Пр|ПР|Ст|СТ|Об|ОБ)[-\s]?\d{1,6}/[\w()]{1,12})"
)
# Not the document's own number: a protocol, a copy, a decree or an annex cited by number
CITED_BEFORE = re.compile(
    r"(?:protocol|minutes?|протокол\w*|copy|экз\.?|decree|resolution|постановлени\w*|annex|item|point"
    r"|пункт\w*|п\.|pr\.\s*PB|regarding|document|telegram|телеграмм\w*)\s*(?:(?:No|Nº|N°)\.?|№|#)?\s*$",
    re.I,
)
NUMBER_PREFIX = re.compile(r"(?<!\w)(?:К|K|On|To|Re:?)(?!\w)|[\s.,;:()\[\]*]+", re.I)


@dataclass
class _NumberHit:
    number: str
    span: tuple[int, int]
    strong: bool  # it opens the line (after markings, "К", "On")
    shaped: bool  # it looks like a registration number: "P46/X", "Ст-195/3с", "27/5с"


def find_number(line: str) -> _NumberHit | None:
    """The registration number a short header line carries, if any."""
    if len(line) > 120:
        return None
    for pattern in (SIGNED_NUMBER, BARE_NUMBER):
        for match in pattern.finditer(line):
            before = line[: match.start()]
            if CITED_BEFORE.search(before):
                continue
            number = match["number"].rstrip(".,;:-)")
            if not number or not any(ch.isdigit() for ch in number):
                continue
            opening = before
            for phrase, _ in LEVEL_PHRASES:
                opening = phrase.sub("", opening)
            strong = not NUMBER_PREFIX.sub("", opening)
            shaped = "/" in number or number[0].isalpha()
            return _NumberHit(number, match.span(), strong, shaped)
    return None


NUMBER_PARTS = re.compile(r"^(?:[A-Za-zА-Яа-яЁё]{1,3}[-\s]?)?(?P<protocol>\d{1,6})/(?P<point>[\w()]{1,12})")


# Letters after a point's number mark the paper's secrecy, not the point: "s"/"с" secret, "gs"/"гс" (and
# "ss"/"сс") top secret, "op"/"оп" special file. St-173/49gs is point 49; Ст-195/3с point 3.
SECRECY_SUFFIX = re.compile(r"^(?P<point>\d{1,6})(?:gs|ss|op|s|гс|сс|оп|с)$", re.I)


def point_without_secrecy(point: str | None) -> str | None:
    """The point a written point names: its secrecy letters dropped ("49gs" -> "49"), anything else as written."""
    if point is None:
        return None
    match = SECRECY_SUFFIX.match(point)
    return match["point"] if match else point


def protocol_and_point(number: str) -> tuple[str | None, str | None]:
    """Split a registration number: P46/X is point X of protocol 46, Ст-195/3с point 3 of protocol 195."""
    match = NUMBER_PARTS.match(number)
    return (match["protocol"], point_without_secrecy(match["point"])) if match else (None, None)


# A protocol line: "Extract from protocol No 46 …", "Выписка из протокола № 195 § 3с …", "Minute No. 173/49gs"
PROTOCOL_LINE = re.compile(
    r"(?:protocol|minutes?|протокол\w*)\b(?:\s+|[^\n№#]{0,60}?(?:(?:No|Nº|N°)\.?|№|#)\s*)"
    r"(?P<protocol>\d{1,5})(?:\s*/\s*(?P<slash>[\w()]{1,8}))?"
    r"(?:\s*(?:§|,?\s*(?:paragraph|item|point|p\.|п\.))\s*(?P<point>[\w/()]{1,10}))?",
    re.I,
)


def read_protocol(line: str, year: int | None) -> tuple[str, str | None] | None:
    """The protocol number and point a protocol line names; "№2/26" in 1926 is protocol 2 of that year."""
    match = PROTOCOL_LINE.search(line)
    if match is None:
        return None
    protocol, slash, point = match["protocol"], point_without_secrecy(match["slash"]), match["point"]
    point = point_without_secrecy(point)
    if slash and year is not None and slash == f"{year % 100:02d}":
        return f"{protocol}/{slash}", point
    if slash:
        return protocol, point or slash
    return protocol, point


# ---------------------------------------------------------------------------------------------
# Dates: "February 18, 1977", "05/10/50" (day first), "29.1.1980", "18 февраля 1977 г.", "11.III.31"

ENGLISH_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
RUSSIAN_MONTHS = {
    "января": 1,
    "январь": 1,
    "февраля": 2,
    "февраль": 2,
    "марта": 3,
    "март": 3,
    "апреля": 4,
    "апрель": 4,
    "мая": 5,
    "май": 5,
    "июня": 6,
    "июнь": 6,
    "июля": 7,
    "июль": 7,
    "августа": 8,
    "август": 8,
    "сентября": 9,
    "сентябрь": 9,
    "октября": 10,
    "октябрь": 10,
    "ноября": 11,
    "ноябрь": 11,
    "декабря": 12,
    "декабрь": 12,
}
ROMAN_MONTHS = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}

_EN = "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True))
_RU = "|".join(sorted(RUSSIAN_MONTHS, key=len, reverse=True))
_ROMAN = "|".join(sorted(ROMAN_MONTHS, key=len, reverse=True))
YEAR_SUFFIX = r"(?:\s*г(?:ода|\[ода\]|\.|(?!\w)))?"
DATE_PATTERNS = [
    re.compile(rf"(?<!\w)(?P<month>{_EN})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})\s+(?P<month>{_EN})\.?,?\s+(?P<year>\d{{4}})(?!\d)"),
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?:-?го)?\s+(?P<month>{_RU})\s+(?P<year>\d{{4}}){YEAR_SUFFIX}", re.I),
    re.compile(
        rf"(?<![\d./])(?P<day>\d{{1,2}})[./](?P<month>\d{{1,2}})[./](?P<year>\d{{4}}|\d{{2}})(?![\d/]){YEAR_SUFFIX}"
    ),
    re.compile(
        rf"(?<!\d)(?P<day>\d{{1,2}})\s?[./]?\s?(?P<month>{_ROMAN})(?![A-Za-z])"
        rf"\s?[./\-\s]{{1,2}}\s?(?P<year>\d{{4}}|\d{{2}})(?!\d){YEAR_SUFFIX}"
    ),
    re.compile(r"(?<!\d)(?P<year>1[89]\d\d)[.-](?P<month>\d{2})[.-](?P<day>\d{2})(?!\d)"),
]
YEAR_AT_END = re.compile(r"[,\"”»]\s*(?P<year>1[89]\d\d)\.?\s*$")  # a title ending in its year: '… ASSR," 1940'
DATE_FILLER = re.compile(r"(?<!\w)(?:от|dated|of|on)(?!\w)|[\s.,;:()\[\]*]+", re.I)


@dataclass
class _DateHit:
    date: dt.date
    as_written: str
    span: tuple[int, int]


def find_dates(line: str) -> list[_DateHit]:
    """Every valid date written in a line, in order; two-digit years are 19xx."""
    if len(line) > MAX_HEADER_LINE:
        return []
    hits: list[_DateHit] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(line):
            if any(match.start() < h.span[1] and h.span[0] < match.end() for h in hits):
                continue
            month_text = match["month"]
            month = (
                ENGLISH_MONTHS.get(month_text)
                or RUSSIAN_MONTHS.get(month_text.lower())
                or ROMAN_MONTHS.get(month_text)
                or (int(month_text) if month_text.isdigit() else 0)
            )
            year = int(match["year"])
            if year < 100:
                year += 1900
            try:
                date = dt.date(year, month, int(match["day"]))
            except ValueError:
                continue
            hits.append(_DateHit(date, match.group(0).strip(), match.span()))
    return sorted(hits, key=lambda h: h.span)


def is_date_line(line: str) -> bool:
    """A line that is only a date ("11 мая 1959 г.", "от 2 июля 1937 г.", "05/10/50")."""
    hits = find_dates(line)
    if not hits:
        return False
    rest = "".join(ch for i, ch in enumerate(line) if not any(h.span[0] <= i < h.span[1] for h in hits))
    return not DATE_FILLER.sub("", rest)


# The decision's own date, which is the paper's when it carries two (a meeting's and a covering letter's, a
# draft's and its approval's): "Решение от 5.III.40", "Approved by the Secretariat on 12 May 1976",
# "Утверждено Политбюро 3 мая 1937 г.", "Adopted on …". (A poll's date, "Опросом членов ПБ от 17.VI.33", is
# not among them: the corpus dates such an extract by its protocol.)
DECISION_LINE = re.compile(
    r"^(?:Decision|Решение)\b[^\n]{0,40}?(?<!\w)(?:dated|of|от)\s"
    r"|(?<!\w)(?:принято|утвержден[оаы]?|одобрен[оаы]?)\b[^\n]{0,60}?(?:от\s|\d)"
    r"|(?<!\w)(?:approved|adopted|decided)\b[^\n]{0,60}?(?:on|of|dated)\s",
    re.I,
)
MEETING_LINE = re.compile(r"\b(?:meeting|session|заседани[яеи]|protocol|minutes|протокол)", re.I)


# ---------------------------------------------------------------------------------------------
# Distribution: "To: comrades …", "Extracts to Cdes.: …", "Копии: …", "Выписки посланы: …"

COMRADES = r"(?:comrades?|cdes?\.?|cmrds?\.?|т\.\s?т\.|тт\.|тов\.|т\.|товарищ[уа]?м?)"
DISTRIBUTION_LINES = [
    re.compile(
        r"(?<!\w)(?:Copies|Copy to|Extracts?(?:\s+sent)?\s+to|Extracts have been sent(?:\s+to)?|Distribution"
        rf"|Копии|Копия|Выписки(?:\s+посланы)?|Разослать)(?:\s+{COMRADES}\s*:?|\s*:)\s*(?P<names>.+)$",
        re.I,
    ),
    re.compile(rf"^To\s*:?\s*{COMRADES}\s+(?P<names>.+)$", re.I),
    re.compile(r"^(?:Тов\.|Т\.\s?т\.|Тт\.|Товарищам)\s*(?P<names>.+)$"),
    re.compile(r"^For\s+(?:comrades?|cdes?\.?)\s+(?P<names>.+?)\s+only\b", re.I),
]
NAME_SEPARATORS = re.compile(r"\s*(?:[,;]|(?<!\w)(?:and|и)(?!\w))\s*")
NAME_QUALIFIER = re.compile(r"\s+[–—-]\s+.*$|\s*\(.*$")
INITIALS = re.compile(r"(?<!\w)[A-ZА-ЯЁ]\.(?:\s?[A-ZА-ЯЁ]\.)*")
COMRADE_WORD = re.compile(rf"(?<!\w){COMRADES}(?!\w)|(?<!\w)only(?!\w)", re.I)


# An office before the comrade: "СЕКРЕТАРЮ ЦК ВКП(б) тов. СТАЛИНУ", "To the Secretary of the CC Comrade Stalin",
# "Гагры. Тов. Сталину." The office is in capitals, opens with "To", or is a place and a stop or dash.
OFFICE_FIRST = re.compile(
    r"^(?P<office>(?:В\s+)?(?:[A-ZА-ЯЁ]{2}[\w()]*\.?,?\s+){1,8}"
    r"|(?:To|Copy to)\s+(?:the\s+)?(?:[A-Z][\w()-]*,?\s+(?:of\s+(?:the\s+)?)?){1,8}"
    r"|[A-ZА-ЯЁ][\w-]+\s*[.—–-]\s*)"
    rf"(?<!\w)(?i:{COMRADES})\s*(?P<names>[A-ZА-ЯЁ][^\n]{{0,160}})$",
)
# A surname alone in the dative, perhaps after a place: "Кагановичу.", "Сочи — Сталину.", "СТАЛИНУ И.В."
DATIVE_SURNAME = r"[А-ЯЁ][а-яёА-ЯЁ-]*(?:ову|еву|ёву|ину|ыну|скому|цкому|ому|ичу|ОВУ|ЕВУ|ИНУ|ЫНУ|СКОМУ|ЦКОМУ|ОМУ|ИЧУ)"
ADDRESSEE_LINE = re.compile(
    rf"^(?:[А-ЯЁ][\w-]+\s*[.—–-]\s*)?(?P<names>{DATIVE_SURNAME}(?:\s+[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?)?)\s*\.?$"
)
# "Для Кагановича.", "For Cde. Stalin": a short line naming whom the paper is for
FOR_LINE = re.compile(
    rf"^(?:Для|For)\s+(?:{COMRADES}\s*)?(?P<names>(?:[A-ZА-ЯЁ]\.\s?){{0,2}}[A-ZА-ЯЁ][\w-]+(?:\s+[A-ZА-ЯЁ]\.\s?(?:[A-ZА-ЯЁ]\.)?)?)\.?$",
    re.I,
)
# A list's heading with nothing after it ("Копии:", "To Comrades:"): its names follow, one or a few a line.
DISTRIBUTION_HEADING = re.compile(
    r"^(?:To|Copies(?:\s+to)?|Copy to|Extracts?(?:\s+sent)?\s+to|Distribution|Копии|Выписки(?:\s+посланы)?|Разослать"
    rf"|Кому|Адресаты)(?:\s+{COMRADES})?\s*:?\s*$",
    re.I,
)
# "тов. Молотову В.М." in lower case: read only when the rest is names and nothing else
LOWER_COMRADE = re.compile(r"^(?:тов\.|т\.\s?т\.|тт\.|товарищ(?:у|ам))\s*(?P<names>[А-ЯЁ].*)$")
MAX_NAME_WORDS = 3


def find_distribution(line: str) -> list[str] | None:
    """The addressees a distribution line names, surnames as written."""
    if len(line) > 400:
        return None
    for pattern in DISTRIBUTION_LINES:
        match = pattern.search(line)
        if match is not None:
            names = [name for part in NAME_SEPARATORS.split(match["names"]) if (name := _surname(part))]
            return names or None
    if len(line) > 200:
        return None
    for pattern in (OFFICE_FIRST, ADDRESSEE_LINE, FOR_LINE, LOWER_COMRADE):
        match = pattern.match(line)
        if match is not None:
            names = _name_list(match["names"])
            if names:
                return names
    return None


def _name_list(text: str) -> list[str] | None:
    """Names only, or nothing: each part of `text` one to three capitalised words, no digits, no sentence."""
    names = []
    for part in NAME_SEPARATORS.split(text.strip()):
        if not part.strip():
            continue
        name = _surname(part)
        if name is None or any(ch.isdigit() for ch in name) or len(name.split()) > MAX_NAME_WORDS:
            return None
        if not all(word[:1].isupper() for word in name.split()):
            return None
        names.append(name)
    return names or None


def find_distribution_block(lines: list[str]) -> tuple[list[str], int] | None:
    """A distribution list over several lines: a heading alone ("Копии:") and name lines under it, or a line
    of names ending in a comma or "and"/"и" and the lines that carry on. Returns the names and how many lines."""
    if not lines or len(lines[0]) > 400:
        return None
    first = lines[0]
    if DISTRIBUTION_HEADING.match(first):
        names: list[str] = []
        used = 1
        for follower in lines[1:8]:
            found = _name_list(COMRADE_WORD.sub(" ", follower)) if len(follower) <= 120 else None
            if not found:
                break
            names.extend(found)
            used += 1
        return (names, used) if names else None
    opening = find_distribution(first)
    if opening and re.search(r"(?:,|(?<!\w)(?:and|и))\s*$", first):
        names = list(opening)
        used = 1
        for follower in lines[1:8]:
            found = _name_list(COMRADE_WORD.sub(" ", follower)) if len(follower) <= 200 else None
            if not found:
                break
            names.extend(found)
            used += 1
            if not re.search(r"(?:,|(?<!\w)(?:and|и))\s*$", follower):
                break
        return names, used
    return None


def _surname(part: str) -> str | None:
    part = NAME_QUALIFIER.sub("", part)
    part = COMRADE_WORD.sub(" ", part)
    part = INITIALS.sub(" ", part)
    part = " ".join(part.split()).strip(" .:…")
    return part if part[:1].isupper() and any(ch.isalpha() for ch in part[1:]) else None


# ---------------------------------------------------------------------------------------------
# Archival references: "Fond 89 Opis 25 Document 44 Pages 7", "ф. 89, оп. 31, д. 29, л. 1",
# "APRF, fond 3, opis 65, delo 827, listy 121-122", "RGASPI f. 17, op. 3, d. 1045, l. 7"

REPOSITORY = re.compile(
    r"(?<!\w)(?P<value>TsKhSD|RGANI|RGASPI|RTsKhIDNI|APRF|AP RF|GARF|RGAE|RGVA|TsAMO|AVP ?RF|TsGA"
    r"|ЦХСД|РГАНИ|РГАСПИ|РЦХИДНИ|АП РФ|АПРФ|ГА РФ|ГАРФ|РГАЭ|РГВА|ЦАМО|АВП РФ|ЦГА)(?!\w)"
)
FOND = re.compile(r"(?<!\w)(?:fond|f\.|ф\.|фонд)\s*(?P<value>[\w-]{1,8})", re.I)
# Latin and Cyrillic letters mixed in an abbreviation ("Oп." with a Latin O) are read as either script.
OPIS = re.compile(r"(?<!\w)(?:opis(?:\s+list)?|op\.|[оo][пn]\.|опись)\s*(?P<value>[\w-]{1,8})", re.I)
DELO = re.compile(r"(?<!\w)(?:delo|d\.|д\.|дело)\s*(?P<value>[\w-]{1,8})", re.I)
DOCUMENT = re.compile(r"(?<!\w)(?:document|doc\.|док\.)\s*(?P<value>[\w-]{1,8})", re.I)
SHEETS = re.compile(
    r"(?<!\w)(?:pages?|sheets?|listy|ll\.|l\.|лл\.|л\.)\s*"
    r"(?P<value>\d{1,5}(?:\s?(?:ob|об)\.?)?(?:\s*[-–—]\s*\d{1,5}(?:\s?(?:ob|об)\.?)?)?)",
    re.I,
)


def find_reference(line: str) -> ArchivalReference | None:
    """The archival reference a line gives: a fond and at least one level or sheet below it."""
    if len(line) > MAX_HEADER_LINE:
        return None
    fond = FOND.search(line)
    if fond is None:
        return None
    parts = {
        name: pattern.search(line, fond.end())
        for name, pattern in (("opis", OPIS), ("delo", DELO), ("document", DOCUMENT), ("sheets", SHEETS))
    }
    found = {name: match for name, match in parts.items() if match is not None}
    if not found:
        return None
    repository = REPOSITORY.search(line[: fond.start()])
    start = repository.start() if repository else fond.start()
    end = max(match.end() for match in [fond, *found.values()])

    def value(name: str) -> str | None:
        match = found.get(name)
        return (match["value"].strip("-–— ") or None) if match is not None else None

    return ArchivalReference(
        as_written=line[start:end].strip(),
        repository=repository["value"] if repository else None,
        fond=fond["value"].strip("-. ") or None,
        opis=value("opis"),
        delo=value("delo"),
        document=value("document"),
        sheets=value("sheets"),
    )


# ---------------------------------------------------------------------------------------------
# Return instructions: "Must be returned within 7 days to …", "Подлежит возврату в течение 24 часов в …"

# An instruction, not a narrative: "Must be returned …", "To be returned …", a note opening with "Return …"
RETURN_START = re.compile(
    r"(?<!\w)(?P<phrase>must be returned|to be returned|подлежит\s+возврату)(?!\w)|(?:^|\])\s*(?P<bare>return)(?!\w)",
    re.I,
)
WITHIN = re.compile(
    r"(?:within|в\s+течени[еи])\s+(?P<n>\d{1,3})(?:-?(?:х|ти|и))?\s+(?P<unit>days?|hours?|дн\w*|час\w*|сут\w*)", re.I
)
RETURN_TO = re.compile(
    r"(?<!\w)(?:to|в|во)\s+(?P<to>(?:the\s+)?[A-ZА-ЯЁ][^()\n]{0,80}?(?:\s*\([^)\n]{0,80}\))?)"
    r"(?=\s+within\b|\s*[.;]|\s*$)"
)


def find_return(text: str) -> ReturnInstruction | None:
    """The return instruction in a margin note or line: how many days, and to whom."""
    if len(text) > MAX_HEADER_LINE:
        return None
    start = RETURN_START.search(text)
    if start is None:
        return None
    instruction = text[start.start("phrase" if start["phrase"] else "bare") :].strip()
    within = WITHIN.search(instruction)
    if within is None:
        return None
    amount = int(within["n"])
    hours = within["unit"].lower().startswith(("hour", "час"))
    days = (amount // 24 if amount % 24 == 0 else None) if hours else amount
    to = None
    for candidate in (instruction[: within.start()], instruction[within.end() :]):
        match = RETURN_TO.search(candidate)
        if match is not None:
            to = match["to"].strip()
            break
    return ReturnInstruction(text=instruction, days=days, to=to)


# ---------------------------------------------------------------------------------------------
# Letterhead, document types, titles, points, signatories, attachments

MOTTO = re.compile(
    r"^(?:(?:proletari(?:ans|ats)|workers) of (?:the world|all (?:lands|countries)),? unite!?"
    r"|пролетарии всех стран,? соединяйтесь!?)$",
    re.I,
)
LETTERHEAD_WORDS = {
    "communist", "party", "of", "the", "soviet", "union", "central", "committee", "cc", "cpsu", "vkp(b)",
    "ркп(б)", "вкп(б)", "коммунистическая", "партия", "советского", "союза", "центральный", "комитет", "цк",
    "кпсс", "всесоюзная", "(большевиков)",
}  # fmt: skip
LETTERHEAD_NAMES = {"committee", "cc", "cpsu", "vkp(b)", "party", "партия", "комитет", "цк", "кпсс", "вкп(б)", "ркп(б)"}
# A line that opens with the kind's name says what it is; a line that only mentions one comes last.
DOCUMENT_TYPES = [
    ("extract", re.compile(r"^(?:№\s*\d+\.\s*)?(?:extract|excerpt)s?\b|^(?:№\s*\d+\.\s*)?выписка\s+из", re.I)),
    ("resolution", re.compile(r"^(?:resolution|decision|decree|постановление|решение)\b", re.I)),
    ("letter", re.compile(r"^(?:letter|письмо)\b", re.I)),
    ("telegram", re.compile(r"^(?:telegram|cable|телеграмма|шифровка|шифртелеграмма)\b", re.I)),
    ("report", re.compile(r"^(?:report|доклад|отчет|информация)\b", re.I)),
    (
        "minutes",
        re.compile(
            r"\b(?:transcript|working (?:notes|record)|minutes of|summary of [^\n]{0,40}meeting)\b"
            r"|^протокол\s*№|рабочая запись|стенограмма",
            re.I,
        ),
    ),
    ("memorandum", re.compile(r"\bmemorandum\b|^(?:докладная\s+)?записка\b|^спецсообщение\b", re.I)),
]
BODY_NAME = re.compile(
    r"(?:(?:the\s+)?(?:CC|CPSU|TsK|VKP\s?\(b\)|Central Committee)\s+)*(?:Politburo|Secretariat|Presidium|Orgburo)"
    r"(?:\s+(?:of\s+the\s+)?(?:CC|CPSU|TsK|VKP\s?\(b\)|Central Committee)(?:\s+(?:CC|CPSU|TsK|VKP\s?\(b\)))*)*"
    r"|(?:Политбюро|Секретариата?|Президиума?|Оргбюро|Исполбюро)(?:\s+(?:ЦК|КПСС|ВКП\s?\(б\)|РКП\s?\(б\)))*"
    r"|(?:the\s+)?(?:CPSU Central Committee|Central Committee of the CPSU)|ЦК КПСС"
)
TITLE_START = re.compile(r"^(?:About|On|Concerning|Regarding|О|Об|Обо|По вопросу)(?!\w)")
QUOTED_TITLE = re.compile(r"«(?P<title>[^»]{3,300})»")
# "168. The Question of Shtykov.", "94. — Об антисоветских элементах.", "499 — Вопрос Вышинского", "§5. О …"
POINT_HEADING = re.compile(
    r"^§?\s*(?P<point>\d{1,4}(?:/\d{1,4})?)(?:\s*[.)]\s*[-—–]?|\s+[-—–])\s*(?P<title>[^\W\d_].{0,150})$"
)
SIGNATORY = re.compile(
    r"^(?:secretary of the (?:cc|central committee)|central committee secretary|секретарь\s+\S+|"
    r"(?:[A-ZА-ЯЁ] ){3,}[A-ZА-ЯЁ])(?:\W.*)?$",
    re.I,
)
ATTACHMENT = re.compile(
    r"^(?:On (?:the )?(?:point|item|paragraph) \S+ of (?:the )?(?:protocol|minutes?)\b"
    r"|To p\.\s*\S+[^\n]{0,40}\bpr\.\s*PB\b|\[?(?:Attachment|Annex|Appendix|Enclosure)\b"
    r"|\[?(?:Приложение|К пункту|К п\.\s*\S+\s+пр))",
    re.I,
)
ATTENDANCE = re.compile(
    r"^(?:in the chair|chaired by|present|also taking part|those taking part|председательствовал|присутствовали)\b",
    re.I,
)
META_LABEL = re.compile(
    r"^(?:source|document information|archive|реквизиты|направление|государство|датировка|источник|архив|тип документа"
    r"|метки)\s*:?$",
    re.I,
)


def is_letterhead(line: str) -> bool:
    if MOTTO.match(line):
        return True
    words = [w.strip(".,") for w in line.lower().split()]
    return len(words) >= 2 and all(w in LETTERHEAD_WORDS for w in words) and bool(LETTERHEAD_NAMES.intersection(words))


def document_type_of(line: str) -> str | None:
    if len(line) > 300:
        return None
    return next((kind for kind, pattern in DOCUMENT_TYPES if pattern.search(line)), None)


# ---------------------------------------------------------------------------------------------
# Reading a whole document


@dataclass(eq=False)
class _Line:
    number: int
    raw: str
    content: str  # what is left to read once annotations are taken out; "" when nothing is left
    placements: list[tuple[str, str]] = field(default_factory=list)
    annotation: bool = False  # the line, or its leading bracket, is an annotation
    signature: str | None = None  # named after a "[signature]" tag

    def place(self, destination: str, content: str | None = None) -> None:
        self.placements.append((destination, self.content if content is None else content))


@dataclass
class _Fields:
    """Each field's value and the lines it was read from; the first value set for a field stands."""

    values: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    number_opens_line: bool = False  # a number opening its line outranks a protocol line for protocol and point

    def set(self, name: str, value, *lines: _Line) -> None:
        if value in (None, "", (), []) or name in self.values:
            return
        self.values[name] = value
        self.sources[name] = lines


def parse(text: str) -> Transcription:
    """Read a transcription; never raises, never drops a line (see Transcription.lost_lines)."""
    lines = [_Line(n, raw, raw.strip()) for n, raw in enumerate(str(text).splitlines(), start=1)]
    annotations = _take_annotations(lines)
    fields = _Fields()
    attachment_at = _read_attachments(lines, fields)
    _read_header(lines, annotations, fields, attachment_at)
    metadata = _metadata_values(lines)
    body_start = _body_start(lines, fields, metadata)
    _quoted_title(fields)
    named: dict[int, list[str]] = {}
    for name, sources in fields.sources.items():
        for line in sources:
            named.setdefault(id(line), []).append(name)
    for line in lines:
        for name in dict.fromkeys(named.get(id(line), ())):
            line.place(f"field:{name}", line.content or line.raw.strip())
    text_parts, unparsed = _place_rest(lines, body_start, metadata)
    values = fields.values
    return Transcription(
        issuing_body=values.get("issuing_body"),
        document_type=values.get("document_type"),
        title=values.get("title"),
        date=values.get("date"),
        date_as_written=values.get("date_as_written"),
        number=values.get("number"),
        protocol_number=values.get("protocol_number"),
        point=values.get("point"),
        classification=values.get("classification", Classification()),
        distribution=tuple(values.get("distribution", ())),
        return_instruction=values.get("return_instruction"),
        signatory=values.get("signatory"),
        attachments=tuple(values.get("attachments", ())),
        annotations=tuple(annotations),
        archival_reference=values.get("archival_reference"),
        text=text_parts,
        unparsed=tuple(unparsed),
        lines=tuple(line.raw for line in lines),
        placement=tuple(Placement(line.number, dest, content) for line in lines for dest, content in line.placements),
    )


def _take_annotations(lines: list[_Line]) -> list[Annotation]:
    """Take out every annotation; a bare margin or stamp label takes the paragraph after it."""
    annotations: list[Annotation] = []
    index = 0
    under_rule = False
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.content:
            continue
        if FOOTNOTE_RULE.match(line.content):
            under_rule = True
            continue
        hit = read_annotation(line.content)
        if hit is None and under_rule and FOOTNOTE_LINE.match(line.content):
            hit = _AnnotationHit("editorial", line.content)
        if hit is None:
            continue
        members = [line]
        if hit.takes_paragraph:
            follow = index
            while follow < len(lines) and not lines[follow].content:
                follow += 1
            while follow < len(lines) and lines[follow].content and read_annotation(lines[follow].content) is None:
                members.append(lines[follow])
                follow += 1
            if len(members) > 1:
                index = follow
        text = " ".join([hit.placed, *(m.content for m in members[1:])])
        annotations.append(Annotation(hit.kind, text, tuple(m.number for m in members)))
        line.place("annotation", hit.placed)
        for member in members[1:]:
            member.place("annotation")
            member.content = ""
            member.annotation = True
        line.annotation = True
        line.content = hit.rest
        if hit.signature and hit.rest:
            line.signature = hit.rest
    return annotations


def _read_attachments(lines: list[_Line], fields: _Fields) -> int:
    """Attachments with their own markings; returns the index where the first begins."""
    first = len(lines)
    attachments: list[Attachment] = []
    sources: list[_Line] = []
    for index, line in enumerate(lines):
        header = line.content or (line.raw.strip() if line.annotation else "")
        if not header or len(header) > 200 or not ATTACHMENT.match(header):
            continue
        first = min(first, index)
        level = None
        sources.append(line)
        for follower in lines[index + 1 : index + 8]:
            if not follower.content:
                continue
            markings = read_markings(follower.content)
            if markings is None:
                break
            level = level or (markings.level.label if markings.level is not None else None)
            sources.append(follower)
        attachments.append(Attachment(title=header.strip("[] "), classification=level))
    fields.set("attachments", attachments, *sources)
    return first


def _read_header(lines: list[_Line], annotations: list[Annotation], fields: _Fields, attachment_at: int) -> None:
    """The document's own fields, read from the lines before its first attachment."""
    own = [line for line in lines[:attachment_at] if line.content and len(line.content) <= MAX_HEADER_LINE]
    _read_markings(own, fields)
    _read_letterhead_and_type(own, fields)
    _read_number_and_date(lines, own, fields)
    _read_protocol(own, annotations, fields)
    _read_distribution(own, fields)
    _read_return_and_reference(lines, annotations, fields)
    _read_signatory(own, fields)


def _read_markings(own: list[_Line], fields: _Fields) -> None:
    marked = [(line, m) for line in own if (m := read_markings(line.content)) is not None]
    if not marked:
        return
    levels = [m.level for _, m in marked if m.level is not None]
    classification = Classification(
        level=max(levels).label if levels else None,
        caveats=tuple(dict.fromkeys(c for _, m in marked for c in m.caveats)),
        as_written=tuple(text for _, m in marked for text in m.as_written),
    )
    fields.set("classification", classification, *(line for line, _ in marked))


def _read_letterhead_and_type(own: list[_Line], fields: _Fields) -> None:
    letterhead = [line for line in own if is_letterhead(line.content)]
    typed = [(line, kind) for line in own if (kind := document_type_of(line.content))]
    extract = next(((line, kind) for line, kind in typed if kind == "extract"), None)
    chosen = extract or (typed[0] if typed else None)
    if chosen is not None:
        fields.set("document_type", chosen[1], *(line for line, kind in typed if kind == chosen[1]))
    named = [
        (line, match.group(0).strip())
        for line in own
        if (MEETING_LINE.search(line.content) or document_type_of(line.content))
        and (match := BODY_NAME.search(line.content)) is not None
    ]
    if named:
        fields.set("issuing_body", named[0][1], named[0][0], *letterhead)
    elif letterhead:
        names = [line.content for line in letterhead if not MOTTO.match(line.content)]
        fields.set("issuing_body", " ".join(names) or letterhead[0].content, *letterhead)


def _read_number_and_date(lines: list[_Line], own: list[_Line], fields: _Fields) -> None:
    hits = [(line, hit) for line in own if (hit := find_number(line.content)) is not None]
    ranked = sorted(hits, key=lambda pair: (not pair[1].shaped, not pair[1].strong))
    number_line = None
    if ranked:
        number_line, hit = ranked[0]
        fields.set("number", hit.number, number_line)
        fields.number_opens_line = hit.strong
    for line, date in _date_candidates(lines, own, number_line):
        fields.set("date", date.date.isoformat(), line)
        fields.set("date_as_written", date.as_written, line)
        return
    for line in own[:12]:
        if (year := YEAR_AT_END.search(line.content)) is not None:
            fields.set("date", year["year"], line)
            fields.set("date_as_written", year["year"], line)
            return


def _date_candidates(lines: list[_Line], own: list[_Line], number_line: _Line | None):
    """Dates in order of trust: a decision's, the number's line or its neighbour, a meeting, a date line."""
    for line in own:
        if DECISION_LINE.search(line.content) and len(line.content) <= 120 and (dates := find_dates(line.content)):
            yield line, dates[0]
    if number_line is not None:
        yield from ((number_line, d) for d in find_dates(number_line.content)[:1])
        position = lines.index(number_line)
        neighbours = [n for n in lines[position + 1 : position + 4] if n.content][:1]
        neighbours += [n for n in reversed(lines[max(0, position - 3) : position]) if n.content][:1]
        for neighbour in neighbours:
            if is_date_line(neighbour.content):
                yield neighbour, find_dates(neighbour.content)[0]
    for pattern in (MEETING_LINE,):
        for line in own:
            if pattern.search(line.content) and (dates := find_dates(line.content)):
                yield line, dates[0]
    for line in own:
        if is_date_line(line.content):
            yield line, find_dates(line.content)[0]
    for line in own[:12]:
        if len(line.content.split()) <= 40 and (dates := find_dates(line.content)):
            yield line, dates[0]


def _read_protocol(own: list[_Line], annotations: list[Annotation], fields: _Fields) -> None:
    """Protocol and point: from a number opening its line, a protocol line, the number, or a footnote."""
    date = fields.values.get("date", "")
    year = int(date[:4]) if date[:4].isdigit() else None
    number = fields.values.get("number")
    from_number = protocol_and_point(number) if number else (None, None)
    number_line = fields.sources.get("number", ())
    stated = next(
        (
            (line, found)
            for line in own
            if (found := read_protocol(line.content, year)) is not None and line not in number_line
        ),
        None,
    )
    footnote = next((found for a in annotations if (found := read_protocol(a.text, year)) is not None), None)
    candidates = []
    if fields.number_opens_line:
        candidates.append((from_number, number_line))
    if stated is not None:
        candidates.append((stated[1], (stated[0],)))
    candidates.append((from_number, number_line))
    if footnote is not None:
        candidates.append((footnote, ()))
    for (protocol, point), sources in candidates:
        if protocol:
            fields.set("protocol_number", protocol, *sources)
        if point:
            fields.set("point", point, *sources)


def _read_distribution(own: list[_Line], fields: _Fields) -> None:
    found: list[tuple[list[_Line], list[str]]] = []
    index = 0
    while index < len(own):
        block = find_distribution_block([line.content for line in own[index : index + 8]])
        if block is not None:
            names, used = block
            found.append((own[index : index + used], names))
            index += used
            continue
        if names := find_distribution(own[index].content):
            found.append(([own[index]], names))
        index += 1
    names = list(dict.fromkeys(name for _, line_names in found for name in line_names))
    fields.set("distribution", names, *(line for lines, _ in found for line in lines))


ARCHIVE_LABEL = re.compile(r"^(?:archive|архив)\s*:?$", re.I)


def _read_return_and_reference(lines: list[_Line], annotations: list[Annotation], fields: _Fields) -> None:
    """The site's "Архив:" value is the paper's own reference; then margin notes and editors' notes; then lines.
    A reference in a footnote under the edition's rule cites another paper, so it comes last."""
    for index, line in enumerate(lines):
        if line.content and ARCHIVE_LABEL.match(line.content):
            value = next((n for n in lines[index + 1 :] if n.content), None)
            if value is not None:
                fields.set("archival_reference", find_reference(value.content), value)
    footnotes = [a for a in annotations if a.kind == "editorial" and FOOTNOTE_LINE.match(a.text)]
    annotations = [a for a in annotations if a not in footnotes]
    by_number = {line.number: line for line in lines}
    for annotation in annotations:
        members = [by_number[n] for n in annotation.lines]
        fields.set("return_instruction", find_return(annotation.text), *members)
        fields.set("archival_reference", find_reference(annotation.text), *members)
    for line in lines:
        if line.content:
            fields.set("return_instruction", find_return(line.content), line)
            fields.set("archival_reference", find_reference(line.content), line)
    for annotation in footnotes:
        members = [by_number[n] for n in annotation.lines]
        fields.set("return_instruction", find_return(annotation.text), *members)
        fields.set("archival_reference", find_reference(annotation.text), *members)


def _read_signatory(own: list[_Line], fields: _Fields) -> None:
    for line in own:
        if line.signature:
            fields.set("signatory", line.signature, line)
            return
        if len(line.content) <= 80 and SIGNATORY.match(line.content):
            fields.set("signatory", line.content, line)
            return


def _metadata_values(lines: list[_Line]) -> set[int]:
    """Ids of the lines that are the values of a site's metadata labels ("Источник:" then its value)."""
    values = set()
    for index, line in enumerate(lines):
        if line.content and META_LABEL.match(line.content):
            following = next((n for n in lines[index + 1 :] if n.content), None)
            if following is not None and not META_LABEL.match(following.content):
                values.add(id(following))
    return values


def _body_start(lines: list[_Line], fields: _Fields, metadata: set[int]) -> int:
    """Where the body begins: after the title or point heading, else at the first prose line.

    The title is looked for from the top down to the first prose line of the document itself; an
    editor's summary above the letterhead, markings or document type, or a list of those present,
    does not end the search.
    """
    placed = {id(line) for sources in fields.sources.values() for line in sources} | metadata
    anchors = [fields.sources.get(name, ()) for name in ("issuing_body", "classification", "document_type")]
    anchor = min((line.number for sources in anchors for line in sources), default=0)
    free = [(i, line) for i, line in enumerate(lines) if line.content and id(line) not in placed]
    for index, line in free:
        words = len(line.content.split())
        if len(line.content) <= 160 and (heading := POINT_HEADING.match(line.content)) is not None:
            fields.set("point", heading["point"], line)
            fields.set("title", heading["title"].strip(), line)
            return _after([line], index, fields)
        if words <= 40 and TITLE_START.match(line.content) and not ATTACHMENT.match(line.content):
            block = [line]
            while (follow := index + len(block)) < len(lines) and lines[follow].content:
                if id(lines[follow]) in placed or len(lines[follow].content.split()) >= 12:
                    break
                if read_annotation(lines[follow].content):
                    break
                block.append(lines[follow])
            fields.set("title", " ".join(member.content for member in block), *block)
            return _after(block, index, fields)
        if words >= PROSE_WORDS and line.number > anchor and SENTENCE_END.search(line.content):
            if not ATTENDANCE.match(line.content):
                break
    for index, line in free:
        if len(line.content.split()) >= PROSE_WORDS or ATTENDANCE.match(line.content):
            return index
    return len(lines)


def _after(block: list[_Line], index: int, fields: _Fields) -> int:
    """The body starts after a heading that became a field, or at it when the fields were already set."""
    if any(block[0] in sources for sources in fields.sources.values()):
        return index + len(block)
    return index


def _quoted_title(fields: _Fields) -> None:
    """Fall back on a title quoted in the document-type line: Постановление … «О серьезных недостатках …»."""
    for line in fields.sources.get("document_type", ()):
        if (quoted := QUOTED_TITLE.search(line.content)) is not None:
            fields.set("title", quoted["title"], line)
            return


def _place_rest(lines: list[_Line], body_start: int, metadata: set[int]) -> tuple[str, list[str]]:
    """Lines no field took: the body's go to the text; the header's, labels and their values to `unparsed`."""
    paragraphs: list[str] = []
    unparsed: list[str] = []
    previous = None
    for index, line in enumerate(lines):
        if not line.content or any(dest.startswith("field:") for dest, _ in line.placements):
            continue
        in_header = index < body_start and not ATTENDANCE.match(line.content)
        if in_header or META_LABEL.match(line.content) or SEPARATOR.match(line.content) or id(line) in metadata:
            unparsed.append(line.content)
            line.place("unparsed")
            continue
        gap = previous is not None and any(not lines[i].raw.strip() for i in range(previous + 1, index))
        if paragraphs and not gap:
            paragraphs[-1] += "\n" + line.content
        else:
            paragraphs.append(line.content)
        line.place("text")
        previous = index
    return "\n\n".join(paragraphs), unparsed
