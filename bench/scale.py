"""Scale benchmark (issue 13): a registry of N papers (10k, 100k, 1M), every operation against its raw floor
measured in the same run, and the pages under HTTP load; a Markdown table and a log-log plot of time against size.

For each size, in a fresh process (bench/scale_run.py) and a fresh data dir (SQLite) or a fresh database made
beside the one SECRETARIAT_DATABASE_URL names (PostgreSQL, dropped afterwards):

- building: the first --bulk papers through the bulk path (`registry.register_batch`, the service behind
  `secretariat import register ENTRIES.csv`: 100 papers a transaction, every audit event kept), their copies
  issued by `issue_copies` batched the same way, and the path's rate against bulk_create of as many papers and
  copies (bench/desks.py's builder, rolled back); the rest by that builder (papers, copies; their versions and
  search entries inserted raw, bench/search.py's); the archive by bench/archive.py's builder (min(N, 100k) items);
- operations, warm, median of --runs, each against its floor through the same connection: in-tray, register,
  overdue, controls page (whole pages through Django's test client / a raw SELECT of their 50 rows + COUNT);
  OAI ListRecords and EAD3 pages (bench/exports.py: raw SELECT of the 100 rows + lxml); reading-room and staff
  search for a rare and a common word (the raw ranked index query); registering and issuing one paper
  (bulk_create of its rows); audit verify (bench/audit_verify.py's hashlib tree);
- HTTP: `secretariat serve` (gunicorn, 2 workers x 4 threads) on 127.0.0.1, each page at concurrency 1, 8, 32
  for --http-seconds, against the login page (no database).

    .venv/bin/python bench/scale.py                                   # 10k papers, SQLite
    .venv/bin/python bench/scale.py --sizes 10000,100000 --out bench/results/scale-sqlite
    SECRETARIAT_DATABASE_URL=postgres://… .venv/bin/python bench/scale.py --engine postgres
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
OVERDUE_EVERY = CONTROL_EVERY = 10  # as bench/scale_run.py builds them (it imports Django; this file does not)


def fresh_database(url: str, name: str) -> str:
    """CREATE DATABASE `name` beside the one `url` names; the URL of the new one."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_size(size: int, args, engine: str) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"secretariat-scale-{size}-"))
    env = {**os.environ, "SECRETARIAT_DATA_DIR": str(data_dir), "SECRETARIAT_DEVELOPMENT": "1"}
    env.pop("SECRETARIAT_DEBUG", None)
    base = os.environ.get("SECRETARIAT_DATABASE_URL", "")
    database = f"secretariat_scale_{size}_{os.getpid()}"
    if engine == "postgres":
        env["SECRETARIAT_DATABASE_URL"] = fresh_database(base, database)
    else:
        env.pop("SECRETARIAT_DATABASE_URL", None)
    figures = data_dir / "figures.json"
    command = [sys.executable, str(HERE / "scale_run.py"), str(size), "--json", str(figures)]
    command += ["--bulk", str(args.bulk), "--runs", str(args.runs), "--http-seconds", str(args.http_seconds)]
    if args.archive_items is not None:
        command += ["--archive-items", str(args.archive_items)]
    started = time.perf_counter()
    try:
        subprocess.run(command, env=env, check=True)
    finally:
        if engine == "postgres":
            drop_database(base, database)
    result = json.loads(figures.read_text())
    result["wall_s"] = time.perf_counter() - started
    return result


def ms(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 10:
        return f"{value:.0f} ms"
    return f"{value:.2f} ms"


def table(results: list[dict], engine: str) -> str:
    sizes = [r["size"] for r in results]
    head = "| operation | floor | " + " | ".join(f"{s:,}: time / floor (×)" for s in sizes) + " |"
    lines = [
        f"# Scale benchmark: {engine}",
        "",
        f"Measured {dt.date.today().isoformat()} on a {os.cpu_count()}-core machine (shared with other work), "
        "`bench/scale.py`. Times are medians of warm runs; each ratio is to its floor "
        "measured in the same run through the same connection.",
        "",
        "## How the data was built",
        "",
        "| papers | through the services (bulk path, audit kept) | by bulk_create (bench/desks.py) | archive items "
        "(bench/archive.py) | audit events | built in | whole run |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        b = r["built"]
        lines.append(
            f"| {r['size']:,} | {b['bulk']:,} | {b['fast']:,} | {b['archive_items']:,} | {b['events']:,} "
            f"| {b['build_s']:.0f} s | {r['wall_s']:.0f} s |"
        )
    lines += [
        "",
        "Papers built through the services are registered by `register_batch` (one event each, and one for its "
        "addressee) and their copies issued by `issue_copies` (one event each); papers built by bulk_create get a "
        "copy, a first version and a search entry (raw insert of its stems), no audit event. Then, raw for both: "
        f"one copy in {OVERDUE_EVERY} made overdue (its due date moved back: no service backdates), a control on "
        f"one paper in {CONTROL_EVERY} (bulk_create). The archive's items are published straight into the tables, "
        "indexed through the search service.",
        "",
        "The bulk path's own rate (`register_batch`, as `secretariat import register` runs it, then "
        "`issue_copies` a batch at a time) against bulk_create of as many papers and their copies (issue 13's "
        "goal: at least 0.3×):",
        "",
        "| papers | register_batch | issue_copies, batched | bulk path, papers/s | bulk_create, papers/s | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        b = r["built"]
        if not b["bulk"]:
            continue
        path = b["register_batch_s"] + b["issue_batch_s"]
        lines.append(
            f"| {b['bulk']:,} | {b['register_batch_s']:.1f} s ({b['register_batch_s'] / b['bulk'] * 1000:.1f} ms "
            f"each) | {b['issue_batch_s']:.1f} s | {b['bulk'] / path:,.0f} | {b['bulk'] / b['bulk_create_s']:,.0f} "
            f"| {b['bulk_create_s'] / path:.3f}× |"
        )
    lines += ["", "## Operations against their floors", "", head, "|---|---|" + "---|" * len(sizes)]
    for i, op in enumerate(results[0]["ops"]):
        cells = []
        for r in results:
            o = r["ops"][i]
            cells.append(f"{ms(o['ms'])} / {ms(o['floor_ms'])} ({o['ms'] / o['floor_ms']:.1f}×)")
        name = op["op"].split(" (whole log")[0] if "audit verify" in op["op"] else op["op"]
        lines.append(f"| {name} | {op['floor']} | " + " | ".join(cells) + " |")
    events = ", ".join(f"{r['ops'][-1]['op'].split('(whole log, ')[1].rstrip(')')} at {r['size']:,}" for r in results)
    lines += ["", f"Audit verify is over the whole log ({events}); the EAD3 page holds 100 records."]
    if any(r["http"] for r in results):
        lines += [
            "",
            "## HTTP load on 127.0.0.1 (`secretariat serve`: gunicorn, 2 workers × 4 threads)",
            "",
            f"Requests answered 200 a second over {results[0].get('http_seconds', 'a few')} seconds a level "
            "(client threads on the same 2 cores); the ratio is to the login page, which reads no database "
            "(issue 13's goal: at least 15% at c=8). Errors are answers other than 200.",
            "",
            "| papers | page | c=1 | c=8 | c=32 | c=8 / login page | errors (c=1/8/32) |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in results:
            rows: dict[str, dict[int, dict]] = {}
            for h in r["http"]:
                rows.setdefault(h["page"], {})[h["c"]] = h
            reference = next(iter(rows.values()))
            for page, by_c in rows.items():
                rps = [by_c.get(c, {}).get("rps", 0) for c in (1, 8, 32)]
                errors = "/".join(str(by_c.get(c, {}).get("errors", "–")) for c in (1, 8, 32))
                kinds = sorted({k for h in by_c.values() for k in h.get("error_kinds", [])})
                ratio = by_c[8]["rps"] / reference[8]["rps"] if 8 in by_c and reference.get(8) else 0
                lines.append(
                    f"| {r['size']:,} | {page} | {rps[0]:.0f} | {rps[1]:.0f} | {rps[2]:.0f} | {ratio:.1%} "
                    f"| {errors}{' (' + ', '.join(kinds) + ')' if kinds else ''} |"
                )
    return "\n".join(lines) + "\n"


def plot(results: list[dict], engine: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["size"] for r in results]
    figure, axes = plt.subplots(figsize=(10, 6.5))
    colours = plt.get_cmap("tab20").colors
    for i, op in enumerate(results[0]["ops"]):
        name = "audit verify (whole log)" if "audit verify" in op["op"] else op["op"]
        style = {"color": colours[(2 * i) % 20 + (2 * i) // 20], "linestyle": "-" if i % 2 == 0 else "--"}
        axes.plot(sizes, [r["ops"][i]["ms"] for r in results], marker="o", label=name, **style)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("papers in the registry")
    axes.set_ylabel("time, ms (median, warm)")
    axes.set_title(f"Secretariat at scale ({engine}): time against size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    if len(sizes) == 1:
        axes.set_xlim(sizes[0] / 3, sizes[0] * 3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000", help="papers, comma-separated (10000)")
    parser.add_argument(
        "--engine",
        choices=("sqlite", "postgres"),
        default="postgres" if os.environ.get("SECRETARIAT_DATABASE_URL") else "sqlite",
        help="postgres: a fresh database beside SECRETARIAT_DATABASE_URL's (default when it is set)",
    )
    parser.add_argument("--out", type=Path, default=None, help="where table.md and scale.png go (a temp dir)")
    parser.add_argument("--bulk", type=int, default=20_000, help="papers built through the services (20000)")
    parser.add_argument("--archive-items", type=int, default=None, help="archive items (min(N, 100000))")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each operation (10)")
    parser.add_argument("--http-seconds", type=float, default=3.0, help="seconds a page at a concurrency (3; 0: none)")
    args = parser.parse_args()
    if args.engine == "postgres" and not os.environ.get("SECRETARIAT_DATABASE_URL"):
        parser.error("--engine postgres needs SECRETARIAT_DATABASE_URL (a role that may CREATE DATABASE)")
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    out = args.out or Path(tempfile.mkdtemp(prefix="secretariat-scale-"))
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for size in sizes:
        print(f"== {size:,} papers, {args.engine}", flush=True)
        result = run_size(size, args, args.engine)
        result["http_seconds"] = args.http_seconds
        results.append(result)
        (out / "figures.json").write_text(json.dumps(results, indent=1))
        (out / "table.md").write_text(table(results, args.engine))
        plot(results, args.engine, out / "scale.png")
    print(f"\n{(out / 'table.md').read_text()}\nwritten: {out / 'table.md'}, {out / 'scale.png'}")


if __name__ == "__main__":
    main()
