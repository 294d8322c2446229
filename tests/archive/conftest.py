"""The archive tests' fixtures: the demo's archivist. The modules that transfer CASE-1 themselves ask for the
demo as it stood in 1977 (`pytest.mark.demo(archive=False)`); the others get the whole demo, archive included."""

import pytest

from secretariat.kernel.principals import principal_by_username


@pytest.fixture
def archivist(demo):
    return principal_by_username("archivist")
