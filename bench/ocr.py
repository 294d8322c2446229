"""OCR of typed pages: character error rate against the typed text, and seconds per page, for
`secretariat.scans.ocr.read` (OCRmyPDF: deskew, rotation, PDF/A, page image and word boxes) against the
floor of plain `tesseract` on the same 300 dpi image (`-l rus+eng`, its text to stdout) in the same run.

The pages come from `secretariat.scans.synthetic.typed_page` (a typewriter's monospace, 300 dpi, jitter,
slight skew, speckles and blur; its maker knows the text): the English page is the first sheet of the
reference case's extract (its margin note written along the left margin, an archive stamp), the Russian page
the Secretariat's decision St-195/3s of 29 January 1980 from the importer's corpus (the archive's reference
as its stamp). Each is read twice: typed text only, and as the demo's scan with the margin note and stamp.

CER = edit distance / length of the reference, whitespace collapsed to single spaces, case and punctuation
kept. Reported per block of what the generator put on the sheet: the typed text (the headline figure), the
margin note, the stamp, each found wherever it stands in what OCR read (the block aligned against the best-
matching stretch of the OCR text, so the order in which OCR reads the blocks does not count, and neither
does stray text outside every block, such as a speck read as a comma); and the whole page strictly, against
the generator's order (typed text, note, stamp), where a note read before the text counts as error.

The floor runs Tesseract with OMP_THREAD_LIMIT=1, as OCRmyPDF runs it with jobs=1 (with more threads it
was twice as slow on this 2-core machine).

    .venv/bin/python bench/ocr.py [--runs 1] [--out bench/results/ocr]

Needs no database and no data dir (Django is configured bare, for the error messages' gettext).
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure()  # no data dir, no database: only what gettext in the error messages needs
django.setup()

from secretariat.scans import files, ocr, synthetic  # noqa: E402

REFERENCE = ROOT / "src/secretariat/demo/reference/politburo-1977-protocol-46-point-x.txt"
RUSSIAN = ROOT / "tests/archive/transcriptions/ru-1980-secretariat-st195-3s.txt"


def english_page() -> dict:
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    body = lines[: lines.index("SECRETARY OF THE CC") + 1]
    note = next(line for line in lines if line.startswith("[Along left-hand margin]"))
    return {
        "language": "English",
        "source": "reference case, P46/X extract (first sheet)",
        "lines": body,
        "margin_notes": [note.removeprefix("[Along left-hand margin]").strip()],
        "stamp": ["ARCHIVE COPY", "31.III.1994"],
    }


def russian_page() -> dict:
    lines = RUSSIAN.read_text(encoding="utf-8").splitlines()
    return {
        "language": "Russian",
        "source": f"{RUSSIAN.relative_to(ROOT)} (publication's heading left out)",
        "lines": lines[1:-1],
        "margin_notes": ["Вернуть в течение 7 дней"],
        "stamp": [part.strip() for part in lines[-1].split(",", 1)],
    }


def sheet(spec: dict, demo: bool):
    options = {"dpi": 300, "skew_degrees": 0.8, "noise": 0.25, "seed": 1977}
    if demo:
        options.update(margin_notes=spec["margin_notes"], stamp=spec["stamp"])
    return synthetic.typed_pages(spec["lines"], **options)[0]


def normal(text: str) -> str:
    return " ".join(text.split())


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str) -> float:
    reference, hypothesis = normal(reference), normal(hypothesis)
    return levenshtein(reference, hypothesis) / max(1, len(reference))


def found_cer(block: str, text: str) -> float:
    """Edit distance of `block` to the stretch of `text` it matches best (free gaps before and after it in
    `text`), over the block's length."""
    block, text = normal(block), normal(text)
    previous = [0] * (len(text) + 1)
    for i, cb in enumerate(block, 1):
        current = [i]
        for j, ct in enumerate(text, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cb != ct)))
        previous = current
    return min(previous) / max(1, len(block))


def blocks(spec: dict, page, demo: bool) -> dict[str, str]:
    """The generator's words, split into its blocks: typed text, margin note, stamp (in that order)."""
    texts = [word.text for word in page.page.words]
    note = sum(len(n.split()) for n in spec["margin_notes"]) if demo else 0
    stamp = sum(len(line.split()) for line in spec["stamp"]) if demo else 0
    typed = len(texts) - note - stamp
    out = {"typed": " ".join(texts[:typed])}
    if demo:
        out["note"] = " ".join(texts[typed : typed + note])
        out["stamp"] = " ".join(texts[typed + note :])
    return out


def tesseract(png_path: Path) -> str:
    return subprocess.run(
        ["tesseract", str(png_path), "stdout", "-l", "rus+eng"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    ).stdout


def measure(spec: dict, demo: bool, runs: int, work: Path) -> dict:
    page = sheet(spec, demo)
    truth = " ".join(word.text for word in page.page.words)
    parts = blocks(spec, page, demo)
    png = io.BytesIO()
    page.image.save(png, "PNG", dpi=(300, 300))
    png_path = work / "page.png"
    png_path.write_bytes(png.getvalue())
    pdf = files.as_pdf(png.getvalue(), files.PNG)

    floor_times, read_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        floor_text = tesseract(png_path)
        floor_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        reading = ocr.read(pdf)
        read_times.append(time.perf_counter() - start)
    return {
        "language": spec["language"],
        "page": "with margin note and stamp" if demo else "typed text only",
        "source": spec["source"],
        "characters": len(normal(parts["typed"])),
        "words": len(page.page.words),
        **{f"cer_{name}_tesseract": found_cer(text, floor_text) for name, text in parts.items()},
        **{f"cer_{name}_read": found_cer(text, reading.text) for name, text in parts.items()},
        "cer_page_tesseract": cer(truth, floor_text),
        "cer_page_read": cer(truth, reading.text),
        "seconds_tesseract": statistics.median(floor_times),
        "seconds_read": statistics.median(read_times),
    }


def pct(row: dict, key: str) -> str:
    return f"{row[key]:.1%}" if key in row else "–"


def table(rows: list[dict], runs: int) -> str:
    out = [
        f"# OCR: character error rate and seconds per page ({runs} run(s), median seconds)",
        "",
        "CER as `tesseract` (the floor) / `ocr.read`. Typed text, margin note and stamp: each block found wherever",
        "OCR put it; whole page: against the generator's order (see bench/ocr.py).",
        "",
        "| page | characters typed | CER typed text | CER margin note | CER stamp | CER whole page "
        "| s/page `tesseract` | s/page `ocr.read` | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [
            f"{pct(r, f'cer_{name}_tesseract')} / {pct(r, f'cer_{name}_read')}" if f"cer_{name}_read" in r else "–"
            for name in ("typed", "note", "stamp", "page")
        ]
        out.append(
            f"| {r['language']}, {r['page']} | {r['characters']} | {' | '.join(cells)} "
            f"| {r['seconds_tesseract']:.2f} | {r['seconds_read']:.2f} | "
            f"{r['seconds_read'] / r['seconds_tesseract']:.1f}× |"
        )
    out += ["", "Pages: " + "; ".join(sorted({f"{r['language']}: {r['source']}" for r in rows})) + "."]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/ocr")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as work:
        for spec in (english_page(), russian_page()):
            for demo in (False, True):
                row = measure(spec, demo, args.runs, Path(work))
                rows.append(row)
                print(
                    f"{row['language']:<8} {row['page']:<27} CER typed text: tesseract {row['cer_typed_tesseract']:6.1%}"
                    f"  read {row['cer_typed_read']:6.1%}   s/page: tesseract {row['seconds_tesseract']:5.2f}"
                    f"  read {row['seconds_read']:5.2f}",
                    flush=True,
                )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "table.md").write_text(table(rows, args.runs), encoding="utf-8")
    (args.out / "figures.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written: {args.out / 'table.md'}")


if __name__ == "__main__":
    main()
