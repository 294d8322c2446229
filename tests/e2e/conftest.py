"""Browser tests: a real demo data dir served on a free port, driven by Playwright on Debian's Chromium.

pytest-django's live_server needs transactional_db, which the audit log's triggers refuse; so the demo is
served as a user serves it, in a subprocess over a data dir of its own, and the browser logs in with the demo's
logins. The data dir is a copy of one `secretariat demo --no-serve` built once per run (tests/conftest.py),
served by `secretariat serve` with the development settings `secretariat demo --port` serves with (one
process, four threads, plain HTTP); tests/test_demo.py runs `secretariat demo --port` itself.

Under pytest-xdist (--dist loadfile) a module runs whole on one worker: its server, on a port of its own and
over a data dir of its own, and its browser are started once. Screenshots go to a folder per process
(screenshots-gw0, ...); tests/conftest.py names the folders at the end of the run.
"""

import base64
import contextlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect, sync_playwright

from tests.cli import PG_URL, SECRETARIAT, demo_on_postgresql, env_for, free_port
from tests.conftest import SCREENSHOTS, SCREENSHOTS_OUTPUT

CHROMIUM = "/usr/bin/chromium"
TOTP_STEP = TOTPDevice._meta.get_field("step").default  # 30 s: the accounts service enrols with the defaults


@dataclass
class Authenticator:
    """The authenticator app of every demo principal enrolled in this module, with what it knows of the server's
    device since: a code is always one the server takes at once, never a wait for the next 30-second window.

    A device (the accounts service enrols one with django-otp's defaults) takes a code of a step after the last one
    it took (`last_t`), and up to `tolerance` (1) steps from its clock's step plus its `drift`; the drift then
    becomes how far ahead the code taken was (django-otp's OTP_TOTP_SYNC, on unless settings say otherwise). So a
    second login in the window of the first sends the next step's code (t+1), and the device's drift follows.
    Which step the server's clock read is known to within the window the clock may have turned to while the
    request ran, so the drift is kept as a range of one or two values, and each code is one the server takes
    whichever it is and whichever window its clock is in (this one or the next). tests/e2e/test_authenticator.py
    plays this against django-otp's own check, on a stood clock.
    """

    clock: Callable[[], float] = time.time
    keys: dict[str, bytes] = field(default_factory=dict)
    last_step: dict[str, int] = field(default_factory=dict)  # the step of the last code the server took
    drift: dict[str, tuple[int, int]] = field(default_factory=dict)  # the device's drift, within these two
    sent: dict[str, tuple[int, int]] = field(default_factory=dict)  # the step of the code sent, the window then

    def enrol(self, username: str, base32_key: str, last_step: int = -1, drift: int = 0) -> None:
        """Add a device's key: a new one's (nothing taken yet), or one in use since (its last step and drift)."""
        self.keys[username] = base64.b32decode(base32_key + "=" * (-len(base32_key) % 8))
        self.last_step[username], self.drift[username] = last_step, (drift, drift)

    def _window(self) -> int:
        return int(self.clock()) // TOTP_STEP

    def code(self, username: str) -> str:
        """The code of the window the device's clock is in by its drift, or, if a code of that step was taken
        already, of the step after the one taken last."""
        low, high = self.drift[username]
        assert high - low <= 1, f"{username}'s last code took more than a window to go through: its drift is lost"
        now = self._window()
        step = max(now + high, self.last_step[username] + 1)
        self.sent[username] = (step, now)
        return f"{hotp(self.keys[username], step):06d}"

    def spent(self, username: str) -> None:
        """The server took the code just sent, at a step of its clock between the window then and now."""
        step, then = self.sent.pop(username)
        self.last_step[username], self.drift[username] = step, (step - self._window(), step - then)


@dataclass
class Demo:
    url: str
    data_dir: Path
    logins: dict[str, str]  # username -> password, from demo-logins.txt
    authenticator: Authenticator


def _serve(data_dir: Path, database_url: str | None = None, worker: bool = False) -> tuple[subprocess.Popen, str]:
    """The demo data dir served on a free port, once it answers; another port if this one was taken meanwhile
    (another worker's server may bind the port between our probe and the server's bind). Without the task worker
    `serve` starts beside it, unless the module runs queued tasks (SERVE_WITH_WORKER = True)."""
    for attempt in range(3):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        # Files, not pipes (gunicorn's access log would fill a pipe nobody reads and stall the server), beside
        # the data dir.
        out, err = (data_dir.parent / f"{data_dir.name}.{attempt}.{name}" for name in ("stdout", "stderr"))
        with out.open("w") as stdout, err.open("w") as stderr:
            server = subprocess.Popen(
                [SECRETARIAT, "serve", "--port", str(port), "--workers", "1", "--threads", "4"]
                + ([] if worker else ["--no-worker"]),
                env=env_for(data_dir, database_url) | {"SECRETARIAT_DEVELOPMENT": "1"},  # as `secretariat demo` serves
                cwd=data_dir,
                stdout=stdout,
                stderr=stderr,
            )
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/login/", timeout=5):
                    return server, url
            except OSError:
                if server.poll() is not None:
                    if "Connection in use" in err.read_text() and attempt < 2:  # gunicorn's words
                        break
                    raise AssertionError(err.read_text()) from None
                if time.monotonic() > deadline:
                    server.kill()
                    raise AssertionError("the demo did not serve within 90 s") from None
                time.sleep(0.2)
    raise AssertionError("no free port for the demo")


# What each confirmed authenticator took last (its last step and drift), so the tests' authenticator goes on from it.
DEVICES_TAKEN = (
    "SELECT p.username, d.last_t, d.drift FROM otp_totp_totpdevice d "
    "JOIN accounts_principal p ON p.id = d.user_id WHERE d.confirmed"
)


@contextlib.contextmanager
def _served(data_dir: Path, database_url: str | None = None, worker: bool = False) -> Iterator[Demo]:
    """A demo's data dir (and its PostgreSQL database, if it was built on one) served until the block ends."""
    server, url = _serve(data_dir, database_url, worker)
    try:
        if database_url:
            import psycopg

            with psycopg.connect(database_url) as db:
                taken = {name: (last_t, drift) for name, last_t, drift in db.execute(DEVICES_TAKEN)}
        else:
            with contextlib.closing(sqlite3.connect(data_dir / "secretariat.sqlite3")) as db:
                taken = {name: (last_t, drift) for name, last_t, drift in db.execute(DEVICES_TAKEN)}
        logins, authenticator = {}, Authenticator()
        for line in (data_dir / "demo-logins.txt").read_text().splitlines():
            username, password, _who, key = line.split("\t")
            logins[username] = password
            if key:  # the demo enrolled this login's authenticator; its key is printed for the person
                authenticator.enrol(username, key, *taken[username])
        yield Demo(url, data_dir, logins, authenticator)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, golden_demo_data_dir, request):
    """A copy of the demo's data dir (embedded SQLite), served until the module's tests are done."""
    data_dir = tmp_path_factory.mktemp("demo")
    shutil.copytree(golden_demo_data_dir, data_dir, symlinks=True, dirs_exist_ok=True)
    with _served(data_dir, worker=getattr(request.module, "SERVE_WITH_WORKER", False)) as served:
        yield served


@pytest.fixture(scope="module")
def demo_on_the_configured_engine(tmp_path_factory, request):
    """The demo on this pass's engine, served (with its task worker where the module says SERVE_WITH_WORKER): on
    PostgreSQL, a copy of the run's demo database (tests/conftest.py's golden_demo_database), dropped afterwards;
    on SQLite, a copy of the embedded demo's data dir."""
    if not PG_URL:
        data_dir = tmp_path_factory.mktemp("demo")
        shutil.copytree(request.getfixturevalue("golden_demo_data_dir"), data_dir, symlinks=True, dirs_exist_ok=True)
        with _served(data_dir, worker=getattr(request.module, "SERVE_WITH_WORKER", False)) as served:
            yield served
        return
    data_dir = tmp_path_factory.mktemp("demo-pg")
    golden = request.getfixturevalue("golden_demo_database")
    with demo_on_postgresql(golden, "secretariat_walk", data_dir) as database_url:
        with _served(data_dir, database_url, worker=getattr(request.module, "SERVE_WITH_WORKER", False)) as served:
            yield served


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots_root(tmp_path_factory, pytestconfig):
    """This process's screenshot folder (each xdist worker has its own), for the end-of-run summary."""
    folder = tmp_path_factory.mktemp(f"screenshots-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}", numbered=False)
    pytestconfig.stash[SCREENSHOTS] = [str(folder)]
    if hasattr(pytestconfig, "workeroutput"):  # an xdist worker: the controller prints the summary
        pytestconfig.workeroutput[SCREENSHOTS_OUTPUT] = str(folder)
    return folder


class Tab:
    """A browser tab on the demo that saves a full-page screenshot of every page it shows."""

    def __init__(self, page: Page, demo: Demo, folder: Path):
        self.page, self.demo, self.folder = page, demo, folder
        self.shots = 0

    def visit(self, path: str, expect_status: int = 200):
        response = self.page.goto(self.demo.url + path)
        assert response is not None and response.status == expect_status, (path, response and response.status)
        self.snap()
        return response

    def snap(self) -> Path:
        """Screenshot the page now shown, named by order and path."""
        self.page.wait_for_load_state()
        self.shots += 1
        name = re.sub(r"[^A-Za-z0-9]+", "-", self.page.url.removeprefix(self.demo.url)).strip("-") or "root"
        path = self.folder / f"{self.shots:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def submit_password(self, username: str, password: str | None = None) -> None:
        """Fill in the login form on the page shown and send it."""
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password or self.demo.logins[username])
        self.snap()
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()
        self.snap()

    def pass_second_factor(self, username: str) -> None:
        """Type the code of the login's authenticator (the demo enrolled it at activation)."""
        expect(self.page).to_have_url(re.compile(r"/login/second-factor/"))
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Second factor")
        authenticator = self.demo.authenticator
        self.page.get_by_label("Six-digit code").fill(authenticator.code(username))
        self.snap()
        self.page.get_by_role("button", name="Verify").click()
        expect(self.page).not_to_have_url(re.compile(r"/login/second-factor/"))
        authenticator.spent(username)
        self.snap()

    def log_in(self, username: str) -> None:
        """Log in from /login/ to the in-tray, with the second factor where the clearance calls for it."""
        self.visit("/login/")
        self.submit_password(username)
        if "/login/second-factor/" in self.page.url:
            self.pass_second_factor(username)
        expect(self.page).to_have_url(f"{self.demo.url}/in-tray/")


@pytest.fixture
def tab_factory(demo, chromium, screenshots_root, request):
    """New tabs, each in a browser context of its own (own cookies); screenshots under the test's folder."""
    folder = screenshots_root / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    contexts = []

    def make(**context_options) -> Tab:
        context = chromium.new_context(**context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Tab(context.new_page(), demo, folder)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tab(tab_factory) -> Tab:
    return tab_factory(viewport={"width": 1280, "height": 800})
