"""PDF rendering benchmark: one copy of a one-page document, against typst.compile of one line.

Builds a one-page CONFIDENTIAL note with one issued copy in a throwaway data dir, then times
render_pdf (layout, trace mark and Typst compile; the audited read is not included) against
the floor of compiling a trivial one-line Typst document in the same run.
"""

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

import typst  # noqa: E402
from django.core.management import call_command  # noqa: E402
from timing import timings  # noqa: E402

from secretariat.accounts import services as accounts  # noqa: E402
from secretariat.kernel.classification import Classification  # noqa: E402
from secretariat.registry import services as registry  # noqa: E402
from secretariat.render.pdf import render_pdf  # noqa: E402
from secretariat.render.selectors import read_for_rendering  # noqa: E402


def one_page_copy():
    admin = accounts.bootstrap_admin("admin")
    registrar = accounts.add_principal(admin, "registrar", clearance="TOP SECRET", roles=["registrar"])
    holder = accounts.add_principal(admin, "holder", clearance="TOP SECRET", roles=["member"], last_name="Holder")
    document = registry.register_document(
        registrar,
        title="Note on the meeting of 18 February",
        classification=Classification.parse("CONFIDENTIAL"),
        text="The draft of the instructions is to be approved.\n\n" + "A paragraph of the note. " * 40,
        dated=dt.date(2026, 1, 1),
        series="B",
        distribution=[holder],
    )
    registry.issue_copies(registrar, document.number)
    return read_for_rendering(holder, document.number, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rendering = one_page_copy()
    with tempfile.TemporaryDirectory() as tmp:
        trivial = Path(tmp) / "line.typ"
        trivial.write_text("One line.\n", encoding="utf-8")
        floor = timings(lambda: typst.compile(str(trivial), ignore_system_fonts=True), args.runs)
    copy = timings(lambda: render_pdf(rendering.reading, rendering.copy), args.runs)
    pages = len(re.findall(rb"/Type/Page\b(?!s)", render_pdf(rendering.reading, rendering.copy)))
    floor_median, copy_median = statistics.median(floor), statistics.median(copy)
    print(f"typst binding {typst.__version__}, {args.runs} runs")
    print(f"floor: typst.compile of one line      mean {statistics.mean(floor):6.2f} ms  median {floor_median:6.2f} ms")
    print(
        f"render_pdf, one-page copy ({pages} page)  mean {statistics.mean(copy):6.2f} ms  median {copy_median:6.2f} ms"
        f"  = {copy_median / floor_median:.1f}x the floor"
    )


if __name__ == "__main__":
    main()
