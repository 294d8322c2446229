"""Test settings: the project's own, over a throwaway data dir (keys, checkpoint file, uploads)."""

import os
import tempfile

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-test-"))
os.environ.setdefault("SECRETARIAT_SSL_REDIRECT", "0")  # the test client speaks plain HTTP

from secretariat.settings import *  # noqa: E402,F403
