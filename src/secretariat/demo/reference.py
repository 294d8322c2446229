"""The reference case's facts and texts, taken from the packaged transcription.

Dates the file gives: the meeting and the issue of the extract (18 February 1977) and the
return period (7 days). Everything else the file does not date (times of day, the set-up
before the meeting, the conversation with Vance, the report, the TASS release, the returns
of the copies, and the whole second case) is illustrative, and marked ILLUSTRATIVE here.
"""

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources

MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")

SOURCE = "politburo-1977-protocol-46-point-x.txt"


def source_text(source: str = SOURCE) -> str:
    return resources.files("secretariat.demo").joinpath("reference", source).read_text(encoding="utf-8")


# A Russian paper of the importer's corpus (reference/README.md), imported with its transcription and a scan.
RUSSIAN_SOURCE = "ru-1980-secretariat-st195-3s.txt"
RUSSIAN_STAMP = ("ЦХСД", "ф. 89 оп. 31 д. 29", "л. 1")


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    office: str


# "To: comrades Brezhnev, Podgorny, Kosygin, Andropov, Gromyko, Kirilenko, Suslov, Ponomarev,
# Zamiatin." Offices as of February 1977.
ADDRESSEES = [
    Person("brezhnev", "L. I.", "Brezhnev", "General Secretary of the CC CPSU"),
    Person("podgorny", "N. V.", "Podgorny", "Chairman of the Presidium of the Supreme Soviet"),
    Person("kosygin", "A. N.", "Kosygin", "Chairman of the Council of Ministers"),
    Person("andropov", "Yu. V.", "Andropov", "Chairman of the KGB"),
    Person("gromyko", "A. A.", "Gromyko", "Minister of Foreign Affairs"),
    Person("kirilenko", "A. P.", "Kirilenko", "Secretary of the CC CPSU"),
    Person("suslov", "M. A.", "Suslov", "Secretary of the CC CPSU"),
    Person("ponomarev", "B. N.", "Ponomarev", "Secretary of the CC CPSU"),
    Person("zamiatin", "L. M.", "Zamiatin", "Director General of TASS"),
]

BODY = "CC CPSU Politburo"
BODY_PREFIX = "P"
MOTTO = "Proletariats of the World unite!"
LETTERHEAD = "COMMUNIST PARTY OF THE SOVIET UNION. THE CENTRAL COMMITTEE"
SALUTATION = "comrades"
# Full members of the Politburo in February 1977 among the addressees (Ponomarev was a
# candidate member, Zamiatin not a member): they read the protocol's points.
MEMBERS = ["brezhnev", "podgorny", "kosygin", "andropov", "gromyko", "kirilenko", "suslov"]
MFA = ("mfa", "USSR Ministry of Foreign Affairs")
DOBRYNIN = Person("dobrynin", "A. F.", "Dobrynin", "USSR Ambassador in the USA")
CHANNEL = ("tass", "TASS", "TASS")
MEETING = 46
POINT = "X"
RETURN_DAYS = 7
REGISTRY_UNIT = ("cc-gd-1", "CC CPSU (General Department, 1st sector)")
POST = ("washington", "WASHINGTON")

NUMBER = "P46/X"
MEETING_DAY = dt.date(1977, 2, 18)
WASHINGTON = dt.timezone(dt.timedelta(hours=-5), "EST")


def msk(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(1977, 2, day, hour, minute, tzinfo=MOSCOW)


SET_UP_AT = msk(14, 9)  # ILLUSTRATIVE: accounts before the meeting
MEETING_AT = msk(18, 11)  # the day is the file's; the time ILLUSTRATIVE
SIGNED_AT = msk(18, 13)
DRAFTED_AT = msk(18, 14)
APPROVED_AT = msk(18, 15)
ISSUED_AT = msk(18, 16)  # extract made and copies issued the day of the meeting; time ILLUSTRATIVE
SENT_AT = msk(18, 20)
REPORT_DAYS = 7  # ILLUSTRATIVE: "Wire when you have done it" names no period
ACKNOWLEDGED_AT = dt.datetime(1977, 2, 19, 9, 30, tzinfo=WASHINGTON)  # ILLUSTRATIVE
CONVERSATION_DAY = 21  # ILLUSTRATIVE: the file leaves the TASS date blank ("On February " "")
REPORTED_AT = dt.datetime(1977, 2, 21, 18, 0, tzinfo=WASHINGTON)  # ILLUSTRATIVE
RELEASED_AT = msk(22, 10)  # ILLUSTRATIVE
RECEIPTS_AT = msk(19, 10)  # ILLUSTRATIVE: each holder signs for their copy the next morning
RETURNS = {  # ILLUSTRATIVE: each copy back within the 7 days
    1: msk(21, 10),
    2: msk(21, 11),
    3: msk(22, 10),
    4: msk(22, 12),
    5: msk(23, 10),
    6: msk(23, 15),
    7: msk(24, 10),
    8: msk(24, 16),
    9: msk(25, 11),
}
CLOSED_AT = msk(25, 17)  # ILLUSTRATIVE
DRAFT_PAGES = 6  # the extract's one page and the draft's six: "Pages 7" on the archive stamp

# The archive. The stamp reads "TsKhSD(Central Archive of Contemporary Documents) Fond 89 Opis
# list 25 Document 44 Pages 7 Copy No. 03.31.94": the researcher's copy is dated 31 March 1994.
ARCHIVE = ("TsKhSD", "Central Archive of Contemporary Documents")
FOND, OPIS, DOCUMENT = "89", "25", 44
FOND_TITLE = "Communist Party of the Soviet Union on Trial"  # fond 89's title as the archive gives it
CPSU_DISSOLVED = dt.date(1991, 11, 6)  # the decree ending the CPSU's activity, the event the papers waited for
DECLASSIFICATION_EVENT = "the end of the CPSU's activity"
TRANSFERRED_AT = dt.datetime(1992, 6, 1, 10, 0, tzinfo=MOSCOW)  # ILLUSTRATIVE: the stamp gives no transfer date
REVIEW_SWEPT_AT = dt.datetime(1994, 3, 1, 6, 0, tzinfo=MOSCOW)  # ILLUSTRATIVE
DECLASSIFIED_AT = dt.datetime(1994, 3, 31, 10, 0, tzinfo=MOSCOW)  # the researcher's copy's date, 03.31.94
REDACTED = ("Pressel", "PRIVACY")  # ILLUSTRATIVE: the one redaction, the diplomat the guidance names


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    j = text.index(end, i) + len(end)
    return text[i:j]


def _without_sheet_marks(text: str) -> str:
    """Drop the archive's foliation lines (V-9(, V-100, V-101) and markup: they are not the text."""
    lines = [line for line in text.splitlines() if not re.fullmatch(r"V-\d+\(?", line.strip())]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).replace("<u>", "").replace("</u>", "").strip()


def title() -> str:
    return _between(source_text(), "About the instructions", '"human rights".').strip()


def decision() -> str:
    return _between(source_text(), "The draft of the instructions", "(The draft is attached.)")


def signatory() -> str:
    return "SECRETARY OF THE CC"


def draft_cable() -> str:
    """The attached draft instructions: from the addressee block to 'Wire when you have done it.'"""
    return _without_sheet_marks(_between(source_text(), "WASHINGTON", "Wire when you have done it."))


def draft_cable_title() -> str:
    return "On the point X of the protocol No 46: draft instructions to the Soviet Ambassador in Washington"


def _paragraphs(text: str) -> str:
    return _without_sheet_marks(text).strip()


def cable_reference() -> str:
    return "On the point X of the protocol No 46"


def cable_addressee_line() -> str:
    return "TO THE SOVIET AMBASSADOR"


def cable_subject() -> str:
    return 'Instructions to the Soviet Ambassador in Washington for his conversation with Vance on "human rights"'


def cable_first() -> str:
    """FIRST, up to the guidance for the ambassador."""
    return _paragraphs(_between(source_text(), "Meet with Vance", "We could specifically name who we have in mind."))


def cable_guidance() -> str:
    return _between(source_text(), "For the Soviet Ambassador:", "Pressel (sic)")


def cable_first_continued() -> str:
    return _paragraphs(_between(source_text(), "And when, for the violation", "social democracy and legality."))


def cable_second() -> str:
    """SECOND: the instruction and the announcement, blank and all, as the cable carries it."""
    text = _between(source_text(), "After the conversation the following", 'basic Soviet-American documents"')
    return _paragraphs(text)


def report_requirement() -> str:
    return "Wire when you have done it."


def tass_template() -> str:
    """The announcement inside SECOND, quotes off, its blank ("On February " "") as {{day}}."""
    quoted = _between(source_text(), '"On February', 'basic Soviet-American documents"')
    text = quoted[1:-1].replace('On February " "', "On February {{day}}", 1)
    return _paragraphs(text)


def tass_title() -> str:
    return "Soviet Ambassador A. F. Dobrynin visited Secretary of State C. Vance"


def report_text() -> str:
    """ILLUSTRATIVE: the file holds no report; this is what "wire when you have done it" asks for."""
    return (
        f"On February {CONVERSATION_DAY} I met Secretary of State Vance and informed him, as instructed, "
        "of the content of part FIRST of your instructions. The announcement of part SECOND may be sent "
        "through the TASS channel. [Illustrative text: the reference file holds no report.]"
    )


SECOND_CASE_AT = dt.datetime(1977, 2, 28, 11, 0, tzinfo=MOSCOW)  # ILLUSTRATIVE
SECOND_CASE = {  # ILLUSTRATIVE, not in the reference file: a case left open for the desks
    "meeting": 47,
    "point": "5",
    "title": "On the preparation of the visit of US Secretary of State C. Vance to Moscow "
    "[illustrative: not in the reference file]",
    "decision": "Instruct the USSR Ministry of Foreign Affairs (comrade Gromyko) to submit, by 10 March 1977, "
    "proposals on the programme and the positions for the talks with C. Vance.",
    "to": ["gromyko", "andropov"],
    "assignee": "gromyko",
    "task": "Submit proposals on the programme and the positions for the talks with C. Vance",
    "due_at": dt.datetime(1977, 3, 10, 18, 0, tzinfo=MOSCOW),
    "case_title": "Visit of C. Vance to Moscow (P47/5) [illustrative]",
}


MARGIN_NOTE = "[Along left-hand margin] "
STAMP_NOTE = "[On following page, archive stamp] "


def scan_sheets() -> list[dict]:
    """The extract as it lies in the archive, sheet by sheet, for the demo's scan: the extract with its margin
    note (one sheet), the draft with its sheet marks (as many sheets as it takes), and the archive stamp on the
    sheet after (the file's own words: "[On following page, archive stamp]")."""
    text = source_text().replace("<u>", "").replace("</u>", "")
    extract, _sep, rest = text.partition("15-zv vd")
    note = next(line for line in extract.splitlines() if line.startswith(MARGIN_NOTE))
    draft, _sep, stamp = rest.partition(STAMP_NOTE)
    return [
        {
            "lines": [*(line for line in extract.splitlines() if line != note), "15-zv vd"],
            "margin_notes": [note[len(MARGIN_NOTE) :]],
        },
        {"lines": draft.strip().splitlines()},
        {"lines": [], "stamp": stamp.strip().replace(") ", ")\n").replace(" Copy", "\nCopy").splitlines()},
    ]
