"""Fixtures of the backup drills: where the backups and witnesses go, and an empty data dir."""

from pathlib import Path

import pytest


@pytest.fixture
def outside(tmp_path_factory) -> Path:
    """A directory outside the data dir (the demo's data dir is the test's tmp_path): backups, witnesses."""
    return tmp_path_factory.mktemp("outside")


@pytest.fixture
def empty(outside) -> Path:
    """An empty data dir to restore into."""
    path = outside / "restored"
    path.mkdir()
    return path
