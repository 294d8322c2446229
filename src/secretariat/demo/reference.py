"""The reference case's facts and texts, taken from the packaged transcription.

Dates the file gives: the meeting and the issue of the extract (18 February 1977) and the
return period (7 days). Times of day and the set-up dates before the meeting are
illustrative, and marked so where they are used.
"""

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources

MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")

SOURCE = "politburo-1977-protocol-46-point-x.txt"


def source_text() -> str:
    return resources.files("secretariat.demo").joinpath("reference", SOURCE).read_text(encoding="utf-8")


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
RETURN_DAYS = 7
REGISTRY_UNIT = ("cc-gd-1", "CC CPSU (General Department, 1st sector)")
POST = ("washington", "Embassy of the USSR in Washington")

NUMBER = "P46/X"
MEETING_DAY = dt.date(1977, 2, 18)
ISSUED_AT = dt.datetime(1977, 2, 18, 16, 0, tzinfo=MOSCOW)  # time of day illustrative
SET_UP_AT = dt.datetime(1977, 2, 14, 9, 0, tzinfo=MOSCOW)  # illustrative: accounts before the meeting


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
