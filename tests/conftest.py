"""Shared fixtures: the clock, and a small registry built through the services."""

import datetime as dt

import pytest

from secretariat.accounts import services as accounts
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.registry import services as registry

MOSCOW = dt.timezone(dt.timedelta(hours=3))
ISSUE_DAY = dt.datetime(1977, 2, 18, 11, 0, tzinfo=MOSCOW)


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    """Each test's transfers write their bags apart (a rolled-back test leaves no bag in another's way)."""
    settings.SECRETARIAT_ARCHIVE_DIR = tmp_path / "archive"
    return settings.SECRETARIAT_ARCHIVE_DIR


@pytest.fixture
def at():
    """Stand the clock at a given instant: `with at(when): ...`."""
    return clock.frozen


@pytest.fixture
def admin(db):
    return accounts.bootstrap_admin("admin", clearance="TOP SECRET")


@pytest.fixture
def make_principal(admin):
    """Add a principal through the service (no password: argon2 is slow by design)."""

    def make(username, clearance="TOP SECRET", roles=("member",), compartments=(), unit=None, **names):
        return accounts.add_principal(
            admin, username, clearance=clearance, roles=roles, compartments=compartments, unit=unit, **names
        )

    return make


@pytest.fixture
def registrar(make_principal):
    return make_principal("registrar", roles=("registrar",))


@pytest.fixture
def register(registrar):
    """Register a document through the service, as the registrar, on the reference date."""

    def make(number="P46/X", classification="TOP SECRET", to=(), text="The draft is to be approved.", **kwargs):
        with clock.frozen(ISSUE_DAY):
            return registry.register_document(
                registrar,
                number=number,
                title=kwargs.pop("title", f"Paper {number}"),
                classification=Classification.parse(classification),
                text=text,
                dated=ISSUE_DAY.date(),
                distribution=list(to),
                **kwargs,
            )

    return make
