"""`secretariat demo`: the reference case, built for real into a data dir, as a user runs it."""

import base64
import json
import signal
import subprocess
import time
import urllib.request

import pytest
from django_otp.oath import totp

from tests.cli import SECRETARIAT, env_for, free_port, run

pytestmark = [pytest.mark.slow, pytest.mark.embedded]  # `secretariat` on data dirs of its own


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    result = run(data_dir, "demo")
    assert result.returncode == 0, result.stderr
    return data_dir, result.stdout


def test_the_demo_prints_the_register_of_p46x_with_nine_copies_returned(demo_dir):
    _, out = demo_dir
    assert "Register of No P46/X, as on 1977-02-25" in out
    assert "Must be returned within 7 days to CC CPSU (General Department, 1st sector)" in out
    copy_lines = [line for line in out.splitlines() if line.strip().startswith("copy ")]
    assert len(copy_lines) == 9
    for k, surname in enumerate(
        ["Brezhnev", "Podgorny", "Kosygin", "Andropov", "Gromyko", "Kirilenko", "Suslov", "Ponomarev", "Zamiatin"], 1
    ):
        line = copy_lines[k - 1]
        assert f"copy {k:>3} of 9" in line and surname in line
        assert "issued 1977-02-18  due 1977-02-25  returned 1977-02-2" in line
    assert "issued   9 = returned   9 + destroyed   0 + lost   0 + outstanding   0" in out


def test_the_demo_walks_the_whole_case_and_closes_it(demo_dir):
    _, out = demo_dir
    steps = [
        "meeting 46 recorded",
        "protocol No 46 signed",
        "drafted on point X",
        "approved by the secretary under point X of protocol No 46",
        "extract No P46/X registered",
        "sent (181700Z FEB 77)",
        "acknowledged the cable",
        "report No WASHINGTON-1 filed",
        "TASS release No TASS-1 out",
        "all nine copies of the extract returned",
        "and closed",
    ]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "CASE-1   closed" in out
    assert (
        "CASE-2   OPEN" in out
        and "still missing: copy 2 of No P47/5 is issued (Yu. V. Andropov, due 7 Mar 1977)" in out
    )
    assert "Audit log: " in out and " events, verified" in out


def test_the_demo_data_dir_answers_the_commands_it_suggests(demo_dir):
    data_dir, out = demo_dir
    register = json.loads(run(data_dir, "register", "--as", "registrar", "P46/X", "--json").stdout)
    assert register["classification"] == "TOP SECRET"
    assert [c["holder"] for c in register["copies"]][:2] == ["brezhnev", "podgorny"]
    assert register["balance"]["returned"] == 9 and register["balance"]["overdue"] == 0
    then = json.loads(run(data_dir, "overdue", "--as", "registrar", "--as-of", "1977-02-21", "--json").stdout)
    assert then == []
    today = json.loads(run(data_dir, "overdue", "--as", "registrar", "--json").stdout)
    assert [(c["document"], c["holder"]) for c in today] == [("P47/5", "andropov")]
    read = run(data_dir, "document", "read", "--as", "gromyko", "P46/X")
    assert read.returncode == 0
    assert "The draft of the instructions to the Soviet Ambassador in Washington" in read.stdout
    assert "Wire when you have done it." in read.stdout
    refused = run(data_dir, "document", "read", "--as", "registrar", "P46/X")
    missing = run(data_dir, "document", "read", "--as", "registrar", "P99/X")
    assert refused.returncode == missing.returncode == 2
    assert refused.stderr.replace("P46/X", "N") == missing.stderr.replace("P99/X", "N")
    verify = run(data_dir, "audit", "verify", "--json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"] is True


def test_the_demo_logins_work_with_their_printed_passwords(demo_dir):
    data_dir, out = demo_dir
    logins = dict(line.split("\t")[:2] for line in (data_dir / "demo-logins.txt").read_text().splitlines())
    assert {"brezhnev", "gromyko", "zamiatin", "registrar", "auditor", "visitor", "admin"} <= set(logins)
    assert logins["gromyko"] in out
    check = run(
        data_dir,
        "shell",
        "-c",
        "from secretariat.accounts.models import Principal; "
        f"print(Principal.objects.get(username='gromyko').check_password({logins['gromyko']!r}))",
    )
    assert check.stdout.strip().splitlines()[-1] == "True"


def test_the_demo_tells_its_logins_current_code_and_only_in_its_own_data_dir(demo_dir, tmp_path):
    data_dir, out = demo_dir
    keys = {
        line.split("\t")[0]: line.split("\t")[3] for line in (data_dir / "demo-logins.txt").read_text().splitlines()
    }
    assert f"otpauth://totp/Secretariat:gromyko?secret={keys['gromyko']}&issuer=Secretariat" in out
    before = int(time.time()) // 30
    shown = run(data_dir, "demo", "--code", "gromyko")
    assert shown.returncode == 0, shown.stderr
    codes = {
        f"{totp(base64.b32decode(keys['gromyko']), t0=0, step=30, digits=6, drift=drift):06d}" for drift in (0, 1)
    }  # the window it was asked in, or the next one if it turned meanwhile
    assert shown.stdout.strip() in codes and int(time.time()) // 30 - before <= 1
    assert run(data_dir, "demo", "--code", "visitor").returncode == 2  # cleared below SECRET: no authenticator
    (tmp_path / "secretariat.sqlite3").write_bytes(b"someone's registry")
    elsewhere = run(tmp_path, "demo", "--code", "gromyko")
    assert elsewhere.returncode == 2 and "not a demo's data dir" in elsewhere.stderr


def test_running_the_demo_again_starts_fresh(tmp_path, demo_data_dir):  # tmp_path: a data dir the demo built
    run(tmp_path, "copy", "return", "--as", "registrar", "P47/5", "2")
    again = run(tmp_path, "demo", "--json")
    assert again.returncode == 0
    report = json.loads(again.stdout)
    assert report["cases"][1]["still_missing"][-1].startswith("copy 2 of No P47/5 is issued")
    assert report["audit"]["ok"] is True
    assert run(tmp_path, "audit", "verify").returncode == 0


def test_the_demo_refuses_a_data_dir_that_is_not_a_demo(tmp_path):
    (tmp_path / "secretariat.sqlite3").write_bytes(b"someone's registry")
    result = run(tmp_path, "demo")
    assert result.returncode == 2
    assert "not a demo" in result.stderr
    assert (tmp_path / "secretariat.sqlite3").read_bytes() == b"someone's registry"


def test_the_demo_serves_the_case_on_localhost_until_stopped(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [SECRETARIAT, "demo", "--port", str(port)],
        env=env_for(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/channels/tass/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the demo did not serve within 90 s"
                time.sleep(0.5)
        assert "On February 21 the USSR Ambassador" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/channels/tass/feed.atom", timeout=5) as response:
            assert response.headers["Content-Type"].startswith("application/atom+xml")
    finally:
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=30)
    assert f"Serving it on http://127.0.0.1:{port}/" in out


def test_serve_get_prints_one_response_without_a_server(demo_dir):
    data_dir, _ = demo_dir
    page = run(data_dir, "serve", "--get", "/channels/tass/TASS-1/")
    assert page.returncode == 0 and "On February 21 the USSR Ambassador" in page.stdout
    assert page.stderr.strip().endswith("200 text/html; charset=utf-8")
    missing = run(data_dir, "serve", "--get", "/channels/tass/P46-X/")
    assert missing.returncode == 1 and missing.stderr.strip().endswith("404 text/html; charset=utf-8")
    # As a TOP SECRET member, past both factors (his enrolled authenticator), as the CLI's --as trusts the operator.
    held = run(data_dir, "serve", "--get", "/in-tray/", "--as", "gromyko")
    assert held.returncode == 0 and held.stderr.strip().endswith("200 text/html; charset=utf-8"), held.stderr
    assert "You hold no copies" in held.stdout and "Submit proposals on the programme" in held.stdout
