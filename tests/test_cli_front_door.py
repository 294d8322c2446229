"""The `secretariat` command's front door: its own commands by desk, its version, and help for every argument."""

import argparse
import re
from importlib.metadata import version

import pytest
from django.core.management import get_commands, load_command_class

from tests.cli import run

pytestmark = pytest.mark.embedded  # a fresh process over a data dir of its own

PROJECT_COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("secretariat"))


@pytest.mark.parametrize("args", [(), ("--help",), ("help",)])
def test_the_help_lists_the_projects_commands_by_desk_and_not_djangos(tmp_path, args):
    shown = run(tmp_path, *args)
    assert shown.returncode == 0, shown.stderr
    listed = re.findall(r"^  (\S+)\s{2,}\S", shown.stdout, re.M)
    assert sorted(set(listed) - {"migrate"}) == PROJECT_COMMANDS
    for desk in ("Accounts and access:", "Registry: documents and copies:", "Archive:", "Audit log:"):
        assert f"\n{desk}\n" in shown.stdout
    assert re.search(r"^  document\s+Register documents, add versions, attachments and addressees", shown.stdout, re.M)
    for django_own in ("startproject", "squashmigrations", "axes_reset", "shell"):
        assert django_own not in shown.stdout


def test_djangos_own_commands_are_behind_help_django(tmp_path):
    shown = run(tmp_path, "help", "--django")
    assert shown.returncode == 0, shown.stderr
    assert "squashmigrations" in shown.stdout and "[registry]" in shown.stdout


def test_the_version_is_the_projects(tmp_path):
    shown = run(tmp_path, "--version")
    assert shown.returncode == 0
    assert shown.stdout == f"secretariat {version('secretariat')}\n"


def _arguments(parser: argparse.ArgumentParser, path: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _arguments(child, f"{path} {name}")
        else:
            yield path, action


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_every_argument_of_every_command_says_what_it_takes(name):
    parser = load_command_class(get_commands()[name], name).create_parser("secretariat", name)
    silent = [
        f"{path}: {'/'.join(action.option_strings) or action.dest}"
        for path, action in _arguments(parser, name)
        if not action.help
    ]
    assert not silent, silent
