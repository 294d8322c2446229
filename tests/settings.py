"""Test settings: the project's own, over a data dir of this process's own (keys, checkpoint file, uploads).

Every test process (the controller and each pytest-xdist worker, told apart by PYTEST_XDIST_WORKER) makes a
fresh data dir, whatever the environment says: the suite never writes into a data dir a person has configured.
The other SECRETARIAT_* settings a person may have exported (an archive dir, a frozen clock, a secret key, an
email backend...) are dropped too, so that neither the tests nor the `secretariat` processes they start read
them (SECRETARIAT_OCR_CACHE is set anew: see below). Two variables are kept: SECRETARIAT_DATABASE_URL, which only names the PostgreSQL server on which the test
runner creates (and drops) its own test_… databases, and SECRETARIAT_ORACLE_EXAMPLES, the oracle tests' depth.

On SQLite the test database is a file in that data dir (not the in-memory default), so that tests/conftest.py
can copy it to build the reference case once per process (see its docstring).
"""

import atexit
import os
import shutil
import tempfile

KEPT = {"SECRETARIAT_DATABASE_URL", "SECRETARIAT_ORACLE_EXAMPLES"}
for _name in [name for name in os.environ if name.startswith("SECRETARIAT_") and name not in KEPT]:
    del os.environ[_name]

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_DATA_DIR = tempfile.mkdtemp(prefix=f"secretariat-test-{WORKER}-")
atexit.register(shutil.rmtree, TEST_DATA_DIR, ignore_errors=True)
os.environ["SECRETARIAT_DATA_DIR"] = TEST_DATA_DIR
os.environ["SECRETARIAT_SSL_REDIRECT"] = "0"  # the test client speaks plain HTTP
# The demo's scan is the same bytes in every demo the suite builds (in process, and each `secretariat demo` it
# runs): OCR reads it once a machine, into a folder every test process shares, and keeps it there for the next
# run (keyed by the bytes and the OCR's versions). tests/scans/test_ocr.py reads without it, always afresh.
os.environ["SECRETARIAT_OCR_CACHE"] = os.path.join(tempfile.gettempdir(), f"secretariat-ocr-cache-{os.getuid()}")

from secretariat.settings import *  # noqa: E402,F403
from secretariat.settings import DATA_DIR, DATABASES  # noqa: E402

# The database named by the settings (on PostgreSQL, the configured one): tests/conftest.py refuses to build into it.
CONFIGURED_DATABASE_NAME = str(DATABASES["default"]["NAME"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
