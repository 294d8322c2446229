"""The reference case (TsKhSD, f. 89, op. 25, d. 44) as the archive's selector would hand it to the exporters,
with two illustrative companions: the records the export and OAI-PMH tests are made on."""

from __future__ import annotations

import datetime

from secretariat.archive.records import Annotation, PublishedItem, Redacted, Reference, Repository, Text, Unit

UTC = datetime.UTC

TSKHSD = Repository(code="TsKhSD", name="Central Archive of Contemporary Documents (TsKhSD)", country_code="RU")
GUIDANCE = (
    "(For the Soviet Ambassador: If the interlocutor asks who exactly we are talking about, "
    "you could name the First secretary Pressel (sic))"
)
SECRET = "the First secretary Pressel (sic)"
PRIVACY = Redacted("PRIVACY", "names a member of a foreign embassy's staff")
TITLE = 'About the instructions to the Soviet Ambassador in Washington for his conversation with Vance on the question of "human rights".'
DECISION = (
    "The draft of the instructions to the Soviet Ambassador in Washington this question is to be approved. "
    "(The draft is attached.)"
)
before, after = GUIDANCE.split(SECRET)
REFERENCE_ITEM = PublishedItem(
    identifier="tskhsd-89-25-44",
    title=TITLE,
    creator="CC CPSU Politburo",
    date=datetime.date(1977, 2, 18),
    date_as_written="February 18, 1977",
    number="P46/X",
    classification_as_marked="TOP SECRET",
    caveats=(),
    reference=Reference(
        repository="TsKhSD",
        fond="89",
        opis="25",
        document="44",
        sheet_count=7,
        as_written="Fond 89 Opis list 25 Document 44 Pages 7",
    ),
    segments=(Text(f"{DECISION}\n\n{before}"), PRIVACY, Text(f"{after}\n\nWire when you have done it.")),
    annotations=(
        Annotation("margin", "Must be returned within 7 days to the CC CPSU (General Department, 1st sector)"),
        Annotation(
            "stamp",
            "TsKhSD(Central Archive of Contemporary Documents) Fond 89 Opis list 25 Document 44 Pages 7 Copy No. 03.31.94",
        ),
    ),
    language="en",
    published_at=datetime.datetime(2024, 11, 7, 9, 30, tzinfo=UTC),
    declassified_on=datetime.date(1994, 3, 31),
)
# Illustrative companions (not transcriptions): a second item in the same opis, and a Russian one.
SECOND_ITEM = PublishedItem(
    identifier="tskhsd-89-25-45",
    title="Extract from protocol No 47 of the meeting of CC CPSU Politburo (illustrative)",
    creator="CC CPSU Politburo",
    date=datetime.date(1977, 3, 4),
    date_as_written="March 4, 1977",
    number="P47/5",
    classification_as_marked="SECRET",
    caveats=(),
    reference=Reference(repository="TsKhSD", fond="89", opis="25", document="45", sheets="1-2"),
    segments=(Text("An illustrative decision text, published whole.\n"),),
    annotations=(),
    language="en",
    published_at=datetime.datetime(2024, 11, 8, 12, 0, tzinfo=UTC),
)
RUSSIAN_ITEM = PublishedItem(
    identifier="tskhsd-89-31-29",
    title="Выписка из протокола № 106 заседания Политбюро ЦК КПСС (иллюстрация)",
    creator="Политбюро ЦК КПСС",
    date=datetime.date(1980, 1, 29),
    date_as_written="29.1.1980",
    number="П106/12",
    classification_as_marked="Совершенно секретно",
    caveats=("Особая папка",),
    reference=Reference(repository="TsKhSD", fond="89", opis="31", document="29", sheets="1", sheet_count=1),
    segments=(
        Text("Согласиться с предложением, изложенным в записке "),
        Redacted("SOURCES", "раскрывает источник"),
        Text("."),
    ),
    annotations=(Annotation("editorial", "Перевод не публиковался."),),
    language="ru",
    published_at=datetime.datetime(2024, 12, 2, 8, 0, tzinfo=UTC),
    declassified_on=datetime.date(1992, 6, 1),
)
OPIS_25 = Unit("series", "25", "Opis 25", Reference("TsKhSD", "89", "25"), children=(REFERENCE_ITEM, SECOND_ITEM))
OPIS_31 = Unit("series", "31", "Opis 31", Reference("TsKhSD", "89", "31"), children=(RUSSIAN_ITEM,))
FOND_89 = Unit("fonds", "89", "Fond 89: CPSU on trial", Reference("TsKhSD", "89"), children=(OPIS_25, OPIS_31))
