"""The browser tests' authenticator (tests/e2e/conftest.py) against django-otp's own check of a code, on a stood
clock: every code it gives is taken at once, however the logins fall across the 30-second windows, so that no
browser test waits for a new window. No browser, no database: the device is one the accounts service would enrol,
never saved."""

import base64
import random
import types

import pytest
from django_otp.plugins.otp_totp import models as otp_totp

from tests.e2e.conftest import TOTP_STEP, Authenticator


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """One clock for the authenticator and the device's check (which reads `time.time()`)."""
    clock = Clock(1_000_000 * TOTP_STEP)
    monkeypatch.setattr(otp_totp, "time", types.SimpleNamespace(time=clock))
    return clock


def enrolled(clock, monkeypatch) -> tuple[Authenticator, otp_totp.TOTPDevice]:
    device = otp_totp.TOTPDevice(name="authenticator", confirmed=False)  # as the accounts service enrols one
    monkeypatch.setattr(device, "save", lambda *args, **kwargs: None)
    authenticator = Authenticator(clock=clock)
    authenticator.enrol("gromyko", base64.b32encode(device.bin_key).decode().rstrip("="))
    return authenticator, device


def log_in(authenticator, device, clock, typing: float, answering: float) -> bool:
    """Type the code (`typing` seconds after it was read), the server checks it, the page shows `answering`
    seconds later."""
    code = authenticator.code("gromyko")
    clock.now += typing
    taken = device.verify_token(code)
    clock.now += answering
    if taken:
        authenticator.spent("gromyko")
    return taken


def test_logins_in_one_window_need_no_wait(clock, monkeypatch):
    """Enrolment, then four more logins within the same window: each code taken, the step after the last."""
    clock.now += 2
    authenticator, device = enrolled(clock, monkeypatch)
    window = int(clock.now) // TOTP_STEP
    for k in range(5):
        assert log_in(authenticator, device, clock, 0.5, 0.5), k
        assert device.last_t == window + k
    assert int(clock.now) // TOTP_STEP == window


def test_a_code_is_taken_once(clock, monkeypatch):
    authenticator, device = enrolled(clock, monkeypatch)
    assert log_in(authenticator, device, clock, 0.1, 0.1)
    code = f"{otp_totp.TOTP(device.bin_key, step=TOTP_STEP).token():06d}"
    assert not device.verify_token(code)


@pytest.mark.parametrize("seed", range(20))
def test_logins_however_they_fall_across_windows(clock, monkeypatch, seed):
    """Runs of logins with pauses from none to minutes, read, typed and answered across the turn of a window."""
    rng = random.Random(seed)
    for _ in range(25):
        authenticator, device = enrolled(clock, monkeypatch)
        for k in range(8):
            clock.now += rng.choice([0, 0.2, 1, 5, TOTP_STEP - 0.3, TOTP_STEP, 61, 200])
            if rng.random() < 0.3:  # read just before the window turns
                clock.now += TOTP_STEP - clock.now % TOTP_STEP - rng.choice([0.01, 0.3, 1])
            typing, answering = rng.choice([0.01, 0.5, 2, 9]), rng.choice([0.01, 0.5, 3])
            assert log_in(authenticator, device, clock, typing, answering), (seed, k, device.drift, device.last_t)
