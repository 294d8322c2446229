"""Classification: a level plus a set of compartments, ordered by dominance.

A dominates B when A's level is at least B's and A holds every compartment B has. This is
the lattice order of the Bell-LaPadula model: a partial order, not a total one (SECRET with
SPECIAL FILE and TOP SECRET without it are incomparable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

COMPARTMENT_CODE = re.compile(r"^[A-Z][A-Z0-9 -]{0,39}$")


class Level(models.IntegerChoices):
    UNCLASSIFIED = 0, "UNCLASSIFIED"
    CONFIDENTIAL = 1, "CONFIDENTIAL"
    SECRET = 2, "SECRET"
    TOP_SECRET = 3, "TOP SECRET"

    @classmethod
    def parse(cls, text: str | int | Level) -> Level:
        """Accept 'TOP SECRET', 'top_secret', 'TS', 'S', 'C', 'U' or the number."""
        if isinstance(text, int):
            return cls(text)
        key = re.sub(r"[\s_-]+", " ", str(text).strip().upper())
        for level in cls:
            if key in (level.label, _ABBREVIATIONS[level]):
                return level
        names = ", ".join(level.label for level in cls)
        raise ValueError(
            _("unknown classification level %(text)s; use one of %(names)s") % {"text": repr(text), "names": names}
        )


_ABBREVIATIONS = {
    Level.UNCLASSIFIED: "U",
    Level.CONFIDENTIAL: "C",
    Level.SECRET: "S",
    Level.TOP_SECRET: "TS",
}


def normalise_compartment(code: str) -> str:
    value = re.sub(r"\s+", " ", code.strip().upper())
    if not COMPARTMENT_CODE.match(value):
        raise ValueError(
            _(
                "malformed compartment %(code)s: capital letters, digits, spaces or hyphens, "
                "starting with a letter, at most 40 characters"
            )
            % {"code": repr(code)}
        )
    return value


@dataclass(frozen=True, order=False)
class Classification:
    level: Level
    compartments: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        object.__setattr__(self, "level", Level(self.level))
        object.__setattr__(self, "compartments", frozenset(normalise_compartment(c) for c in self.compartments))

    @classmethod
    def of(cls, level: str | int | Level, compartments: Iterable[str] = ()) -> Classification:
        return cls(Level.parse(level), frozenset(compartments))

    @classmethod
    def parse(cls, text: str) -> Classification:
        """Parse the banner form, e.g. 'TOP SECRET//SPECIAL FILE'."""
        level, *compartments = [part for part in str(text).split("//")]
        return cls.of(level, [c for c in compartments if c.strip()])

    def dominates(self, other: Classification) -> bool:
        return self.level >= other.level and self.compartments >= other.compartments

    def __ge__(self, other: Classification) -> bool:
        return self.dominates(other)

    def __le__(self, other: Classification) -> bool:
        return other.dominates(self)

    def join(self, other: Classification) -> Classification:
        """The least classification dominating both (what a cover over both must carry)."""
        return Classification(max(self.level, other.level), self.compartments | other.compartments)

    def __str__(self) -> str:
        return "//".join([self.level.label, *sorted(self.compartments)])

    def as_json(self) -> dict:
        return {"level": self.level.label, "compartments": sorted(self.compartments)}


UNCLASSIFIED = Classification(Level.UNCLASSIFIED)

__all__ = ["Classification", "Level", "UNCLASSIFIED", "normalise_compartment"]
