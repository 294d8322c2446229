"""The use cases: the service functions people call to do their work, declared with `@use_case`.

A use case has a face on the web, in the API and on the command line, so that whoever works at a
desk, a script or a shell can do the same things through the same function. One that lacks a face
says which it has and why (`faces=("cli",), because="…"`): only an operator's work (installing,
backing up, the sweeps cron runs) or a browser session's own steps. Helpers the use cases share
(numbering, audit plumbing, parsers) are not declared. tests/test_parity.py finds each declared
use case called from a view, an API operation and a management command, and fails when a face is
missing or a reason is not given.
"""

from collections.abc import Callable
from dataclasses import dataclass

FACES = ("web", "api", "cli")


@dataclass(frozen=True)
class UseCase:
    module: str  # the services module: "secretariat.registry.services"
    name: str  # the function: "issue_copies"
    faces: tuple[str, ...]
    because: str  # why a face is missing; "" when it has all three

    @property
    def label(self) -> str:
        return f"{self.module.split('.')[1]}.{self.name}"


DECLARED: dict[str, UseCase] = {}


def use_case(function: Callable | None = None, *, faces: tuple[str, ...] = FACES, because: str = ""):
    """Declare a service function a use case: `@use_case`, or `@use_case(faces=…, because=…)`."""
    unknown = set(faces) - set(FACES)
    if unknown:
        raise ValueError(f"unknown faces {sorted(unknown)}: a face is one of {FACES}")
    if set(faces) != set(FACES) and not because:
        raise ValueError("a use case without every face says why (because=…)")

    def declare(fn: Callable) -> Callable:
        case = UseCase(fn.__module__, fn.__name__, tuple(faces), because)
        DECLARED[case.label] = case
        return fn

    return declare(function) if function is not None else declare
