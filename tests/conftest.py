"""Shared fixtures: the clock, a small registry built through the services, and the reference case.

Each test process (the controller, and each pytest-xdist worker) has a data dir of its own, made afresh by
tests/settings.py whatever the environment says (audit key, uploads; each test has its own checkpoint file,
`checkpoint_file`, and bag store, `archive_dir`). On SQLite the test database is a file in it.

The reference case, `demo`
--------------------------
`secretariat.demo.build.build()` signs a hundred audit events, renders a PDF/A and writes a BagIt bag: a second or
more. So each test process builds it once per variant, and each test gets it restored:

* The image, built once per process on first use (`DemoImages`): a database of the demo's own, made from the
  migrated empty test database (PostgreSQL: `CREATE DATABASE <test db>_demo_<variant> TEMPLATE <test db>` once
  Django's connections to it are closed; SQLite: a copy of the test database's file, by SQLite's backup API). The
  demo is built into it for real (committed, so its on_commit callbacks run and the checkpoint reaches its file),
  with the data files pointed at a directory of the image's own: audit key, checkpoint file, bags, uploads.
  (pytest-django makes the test database only if a collected test asks for `db`; when none does, `demo_images`
  makes it, and it refuses to build into the database the settings name.)
* Per test, `demo` copies those files (they are small) to the test's tmp_path (the bags into `archive_dir`) and
  points the settings at the copy, so that what a test appends or tampers with never reaches another test, and
  the empty database's tests never see the demo's checkpoint file. It then points Django's default connection at
  the image's database (closing it first; the test database's name is put back, and the connection closed
  again, afterwards) and runs the test in a transaction rolled back at its end, exactly as pytest-django's `db`
  does for the empty database (a `django.test.TestCase` without its class-level set-up): the next test finds the
  demo as built.
* What `build()` returned is made again for each test: its model instances fetched afresh from the demo database,
  everything else copied, so no test sees another's in-memory changes.
* `demo` and the empty database do not mix: a test that asks for both (`db`, a `django_db` mark, or a fixture that
  needs `db`, such as `admin`) fails at set-up, saying so. A test that changes the demo changes its own copy.
* Variants: `build()`, the whole case (the default), and `build(archive=False)`, the papers as they stood in
  1977, nothing transferred or declassified; a module or test asks for the latter with
  `@pytest.mark.demo(archive=False)`.
* The demo's logins have MD5-hashed passwords (argon2 is slow by design, and not what these tests are about), and
  the test runs with the MD5 hasher, as when each test built its own demo.

`demo_data_dir` is the same idea for tests that run the real `secretariat` command over a demo's data dir:
`secretariat demo --no-serve` runs once per run (`golden_demo_data_dir`, built by the first xdist worker that
needs it), and each test gets a copy of the data dir in its tmp_path; each browser test module serves a copy.
Tests whose point is running `secretariat demo` itself (tests/test_demo.py) still run it.
"""

import contextlib
import copy
import dataclasses
import datetime as dt
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import django.test
import pytest
from django.conf import settings as django_settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.test.utils import override_settings, setup_databases, teardown_databases
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.kernel import clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from tests import grants
from tests.cli import SECRETARIAT, create_template, env_for, run

MOSCOW = dt.timezone(dt.timedelta(hours=3))
ISSUE_DAY = dt.datetime(1977, 2, 18, 11, 0, tzinfo=MOSCOW)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_unconfigure(config):
    """Remove this process's data dir (tests/settings.py made it; an xdist worker may not reach atexit)."""
    test_settings = sys.modules.get("tests.settings")
    if test_settings is not None:
        shutil.rmtree(test_settings.TEST_DATA_DIR, ignore_errors=True)


# The browser tests' screenshot folders, one per process (tests/e2e/conftest.py), named at the end of the run.
SCREENSHOTS = pytest.StashKey[list[str]]()
SCREENSHOTS_OUTPUT = "screenshots"  # the key of an xdist worker's output to the controller


# How many `embedded` tests the PostgreSQL pass left out (each xdist worker reports it: the controller collects none).
EMBEDDED_DESELECTED = pytest.StashKey[int]()
EMBEDDED_DESELECTED_OUTPUT = "embedded_deselected"


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker is done: keep the screenshot folder it reports, if it ran browser tests, and how many
    embedded tests it deselected (every worker collects the same tests)."""
    output = getattr(node, "workeroutput", {})
    if folder := output.get(SCREENSHOTS_OUTPUT):
        node.config.stash.setdefault(SCREENSHOTS, []).append(folder)
    if deselected := output.get(EMBEDDED_DESELECTED_OUTPUT):
        node.config.stash[EMBEDDED_DESELECTED] = deselected


def pytest_terminal_summary(terminalreporter, config):
    """Say where the screenshots are, as the issue asks, without -s; and what the PostgreSQL pass left out (under
    xdist pytest's own count of deselected tests does not reach the controller)."""
    for folder in sorted(config.stash.get(SCREENSHOTS, [])):
        terminalreporter.write_line(f"Browser screenshots: {folder}")
    if deselected := config.stash.get(EMBEDDED_DESELECTED, 0):
        terminalreporter.write_line(f"Embedded tests deselected on PostgreSQL: {deselected} (they run on SQLite)")


# What a test needs to use the configured database (its test database): an `embedded` test asks for none of them.
ENGINE_FIXTURES = {"django_db_setup", "_django_db_helper", "db", "transactional_db", "live_server"}


def deselect_embedded_on_postgresql(config, items):
    """`embedded` tests run on a data dir of their own, always on embedded SQLite: on PostgreSQL they would only
    run again what the SQLite pass ran, so they are deselected there. A test marked `embedded` that asks for the
    configured database (a fixture in ENGINE_FIXTURES, or a django_db mark) is a collection error on either
    engine: it would run on SQLite, and be left out on PostgreSQL without ever having run there."""
    embedded = [item for item in items if item.get_closest_marker("embedded")]
    mismarked = []
    for item in embedded:
        asked = sorted(ENGINE_FIXTURES.intersection(getattr(item, "fixturenames", ())))
        if item.get_closest_marker("django_db"):
            asked.append("a django_db mark")
        if asked:
            mismarked.append(f"{item.nodeid} is marked embedded but uses the configured database ({', '.join(asked)})")
    if mismarked:
        message = "\n".join([*mismarked, "Drop the `embedded` mark, or what uses the database."])
        if hasattr(config, "workerinput"):  # an xdist worker: its UsageError would reach the controller unsaid
            items[0].session.shouldstop = message  # the controller stops the run with it
        raise pytest.UsageError(message)
    if embedded and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        config.hook.pytest_deselected(items=embedded)
        items[:] = [item for item in items if not item.get_closest_marker("embedded")]
        config.stash[EMBEDDED_DESELECTED] = len(embedded)
        if hasattr(config, "workerinput"):
            config.workeroutput[EMBEDDED_DESELECTED_OUTPUT] = len(embedded)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`embedded` tests are deselected on PostgreSQL (above). Then, on an xdist worker: the files holding slow
    tests first (in their order), then the others. With --dist loadfile and no reordering by test count, the
    controller hands out files in this order, so the run ends on quick files, not on one worker finishing a long
    one alone. A run in one process keeps pytest's order."""
    deselect_embedded_on_postgresql(config, items)
    if not hasattr(config, "workerinput"):
        return
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the office's language: a request in Russian leaves Russian active in the
    test's thread (Django's LocaleMiddleware activates it), which would change what later tests read."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    """Each test's transfers write their bags apart (a rolled-back test leaves no bag in another's way)."""
    settings.SECRETARIAT_ARCHIVE_DIR = tmp_path / "archive"
    return settings.SECRETARIAT_ARCHIVE_DIR


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    """Each test's signed checkpoints go to a file of its own: what one test appends never reaches another's
    `audit verify` (the audit key stays the process's, in its data dir)."""
    settings.SECRETARIAT_AUDIT_CHECKPOINTS = tmp_path / "audit-checkpoints.log"
    return settings.SECRETARIAT_AUDIT_CHECKPOINTS


@pytest.fixture(autouse=True)
def restore_record(settings, tmp_path):
    """Each test's record of a restore (what `audit accept-rollback` reads) is its own."""
    settings.SECRETARIAT_RESTORE_RECORD = tmp_path / "restored-from.json"
    return settings.SECRETARIAT_RESTORE_RECORD


@pytest.fixture
def at():
    """Stand the clock at a given instant: `with at(when): ...`."""
    return clock.frozen


@pytest.fixture
def officers(db):
    """The installation ceremony: the first administrator and the first security officer."""
    return grants.install("admin", "security", clearance="TOP SECRET")


@pytest.fixture
def admin(officers):
    return officers[0]


@pytest.fixture
def security_officer(officers):
    return officers[1]


@pytest.fixture
def make_principal(admin, security_officer):
    """Add a principal as the registry does: the administrator asks, the security officer approves
    (no password: the person would set it with the activation code, and argon2 is slow by design)."""

    def make(username, clearance="TOP SECRET", roles=("member",), compartments=(), unit=None, **names):
        return grants.add_principal(
            admin,
            username,
            security_officer=security_officer,
            clearance=clearance,
            roles=roles,
            compartments=compartments,
            unit=unit,
            **names,
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


# --- the reference case, built once per process ----------------------------------------------------------------


def _data_files(data_dir: Path) -> dict[str, Path]:
    """The settings naming the files a registry keeps beside its database, all under `data_dir`."""
    return {
        "SECRETARIAT_AUDIT_KEY": data_dir / "keys" / "audit-ed25519.pem",
        "SECRETARIAT_AUDIT_CHECKPOINTS": data_dir / "audit-checkpoints.log",
        "MEDIA_ROOT": data_dir / "files",
        "SECRETARIAT_ARCHIVE_DIR": data_dir / "archive",
    }


@contextlib.contextmanager
def _default_database(name: str):
    """Point Django's default connection at the database `name` (closed before and after), then back."""
    connection = connections[DEFAULT_DB_ALIAS]
    before = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict["NAME"] = before


def _afresh(value: Any) -> Any:
    """`value` for one test: a model instance fetched again (from the database now connected), else a copy."""
    if isinstance(value, Model):
        return type(value)._base_manager.get(pk=value.pk)
    if isinstance(value, list | tuple):
        return type(value)(_afresh(v) for v in value)
    return copy.deepcopy(value)


@dataclasses.dataclass
class DemoImage:
    """A reference case built once: its database (a file name on SQLite) and its data files."""

    database: str
    data_dir: Path
    built: Any  # what build() returned; each test gets `fresh()`, never this object

    def fresh(self):
        return dataclasses.replace(
            self.built, **{f.name: _afresh(getattr(self.built, f.name)) for f in dataclasses.fields(self.built)}
        )


class DemoImages:
    """The variants of the reference case this process has built, each built on first use."""

    def __init__(self, root: Path, blocker):
        self.root, self.blocker = root, blocker
        self.images: dict[bool, DemoImage] = {}

    def get(self, archive: bool = True) -> DemoImage:
        if archive not in self.images:
            self.images[archive] = self._build(archive)
        return self.images[archive]

    def _build(self, archive: bool) -> DemoImage:
        from secretariat.demo.build import build

        variant = "whole" if archive else "1977"
        data_dir = self.root / f"demo-{variant}"
        shutil.rmtree(data_dir, ignore_errors=True)  # what a failed attempt left
        data_dir.mkdir(parents=True)
        connection = connections[DEFAULT_DB_ALIAS]
        test_database = connection.settings_dict["NAME"]
        with self.blocker.unblock():
            connections.close_all()
            if connection.vendor == "postgresql":
                database = f"{test_database}_demo_{variant}"
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')  # left by a run that was killed
                    cursor.execute(f'CREATE DATABASE "{database}" TEMPLATE "{test_database}"')
            elif connection.vendor == "sqlite":
                assert not connection.is_in_memory_db(), "tests/settings.py makes the SQLite test database a file"
                database = str(data_dir.with_suffix(".sqlite3"))
                with (
                    contextlib.closing(sqlite3.connect(test_database)) as source,
                    contextlib.closing(sqlite3.connect(database)) as target,
                ):
                    source.backup(target)
            else:
                raise NotImplementedError(f"no demo image on {connection.vendor}")
            with (
                override_settings(PASSWORD_HASHERS=FAST_HASHER, **_data_files(data_dir)),
                _default_database(database),
            ):
                built = build(archive=archive)
        return DemoImage(database, data_dir, built)

    def drop(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql" or not self.images:
            return
        with self.blocker.unblock():
            connections.close_all()
            with connection._nodb_cursor() as cursor:
                for image in self.images.values():
                    cursor.execute(f'DROP DATABASE IF EXISTS "{image.database}"')


@pytest.fixture(scope="session")
def demo_images(request, django_db_setup, django_db_blocker):
    """This process's demo images. pytest-django makes the test database only when a collected test asks for
    `db`; when none does (a run of demo tests alone), it is made here, for the demo's database is made from it."""
    connection = connections[DEFAULT_DB_ALIAS]
    made_here = None
    if str(connection.settings_dict["NAME"]) == django_settings.CONFIGURED_DATABASE_NAME:
        with django_db_blocker.unblock():
            made_here = setup_databases(verbosity=request.config.option.verbose, interactive=False, aliases={"default"})
    assert str(connection.settings_dict["NAME"]) != django_settings.CONFIGURED_DATABASE_NAME
    images = DemoImages(Path(django_settings.DATA_DIR) / "demo-images", django_db_blocker)
    yield images
    images.drop()
    if made_here is not None:
        with django_db_blocker.unblock():
            teardown_databases(made_here, verbosity=request.config.option.verbose)


EMPTY_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
    "_django_db_helper",
}


class _DemoTestCase(django.test.TestCase):
    """pytest-django's `db`, on the demo's database: one transaction per test, rolled back at its end."""

    @classmethod
    def setUpClass(cls):
        super(django.test.TestCase, cls).setUpClass()  # as pytest-django: no class-level transaction

    @classmethod
    def tearDownClass(cls):
        super(django.test.TestCase, cls).tearDownClass()


@pytest.fixture
def demo(request, demo_images, django_db_blocker, settings, tmp_path, archive_dir):
    """The reference case (what `build()` returns), restored for this test; see the module's docstring."""
    mixed = sorted(EMPTY_DATABASE_FIXTURES.intersection(request.fixturenames))
    if request.node.get_closest_marker("django_db"):
        mixed.append("a django_db mark")
    if mixed:
        pytest.fail(
            f"{request.node.nodeid} asks for the demo and for the empty test database ({', '.join(mixed)}): "
            "they are two databases, and a test gets one",
            pytrace=False,
        )
    marker = request.node.get_closest_marker("demo")
    image = demo_images.get(**(marker.kwargs if marker else {}))

    data_dir = tmp_path / "demo-data"
    shutil.copytree(image.data_dir, data_dir, ignore=shutil.ignore_patterns("archive"))
    if (image.data_dir / "archive").exists():
        shutil.copytree(image.data_dir / "archive", archive_dir)
    files = _data_files(data_dir) | {"SECRETARIAT_ARCHIVE_DIR": archive_dir}
    for name, value in files.items():
        setattr(settings, name, value)
    settings.PASSWORD_HASHERS = FAST_HASHER

    with django_db_blocker.unblock(), _default_database(image.database):
        _DemoTestCase.setUpClass()
        case = _DemoTestCase(methodName="__init__")
        case._pre_setup()
        try:
            yield image.fresh()
        finally:
            case._post_teardown()
            _DemoTestCase.tearDownClass()
            _DemoTestCase.doClassCleanups()


@pytest.fixture(scope="session")
def golden_demo_data_dir(tmp_path_factory):
    """`secretariat demo --no-serve` run once per run, into a data dir of its own that tests only copy: the
    first xdist worker to need it builds it in the run's base temp dir, under a lock the others wait on."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # each worker's base temp dir is in the run's
    data_dir, built = root / "demo-data-dir", root / "demo-data-dir.built"
    with (root / "demo-data-dir.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            shutil.rmtree(data_dir, ignore_errors=True)  # what a failed attempt left
            data_dir.mkdir()
            result = run(data_dir, "demo", "--no-serve")
            assert result.returncode == 0, result.stderr
            built.touch()
    return data_dir


@pytest.fixture(scope="session")
def golden_demo_database(tmp_path_factory):
    """On the PostgreSQL pass, `secretariat demo --no-serve` run once per run into a database of its own and a
    data dir beside it, which tests copy (`demo_on_postgresql`) rather than build: (data dir, database name).
    Built by the first xdist worker to need it, under a lock the others wait on, as golden_demo_data_dir."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    data_dir, built, name = root / "demo-pg-data-dir", root / "demo-pg.built", "secretariat_demo_golden"
    with (root / "demo-pg.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            shutil.rmtree(data_dir, ignore_errors=True)
            data_dir.mkdir()
            url = create_template(name)
            result = subprocess.run(
                [SECRETARIAT, "demo", "--no-serve"], env=env_for(data_dir, url), capture_output=True, text=True
            )
            assert result.returncode == 0, result.stderr
            built.touch()
    return data_dir, name


@pytest.fixture
def demo_data_dir(golden_demo_data_dir, tmp_path):
    """The test's tmp_path, holding a copy of a data dir `secretariat demo --no-serve` built."""
    shutil.copytree(golden_demo_data_dir, tmp_path, symlinks=True, dirs_exist_ok=True)
    return tmp_path


@pytest.fixture
def login():
    """A test client logged in as `username`, past the second factor when their clearance needs one."""

    def log_in(username: str) -> django.test.Client:
        client = django.test.Client()
        principal = principal_by_username(username)
        client.force_login(principal)
        if principal.clearance >= 2:  # SECRET and up: a real TOTP code, as the login page takes it
            device, _ = TOTPDevice.objects.get_or_create(user=principal, name="test", defaults={"confirmed": True})
            device.last_t = -1
            device.save()
            code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
            assert client.post("/login/second-factor/", {"token": code, "next": "/in-tray/"}).status_code == 302
        return client

    return log_in
