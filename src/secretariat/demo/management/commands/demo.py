import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from secretariat.audit.selectors import tree_size
from secretariat.audit.verification import verify_log
from secretariat.cases import selectors as case_selectors
from secretariat.demo.build import build, current_code
from secretariat.kernel.cli import SecretariatCommand, count
from secretariat.kernel.errors import Refused
from secretariat.registry import presenters, selectors
from secretariat.web import server

MARKER = ".secretariat-demo"
# What a demo leaves in its data dir and removes before building again.
DEMO_FILES = [
    "secretariat.sqlite3",
    "secretariat.sqlite3-wal",
    "secretariat.sqlite3-shm",
    "keys",
    "files",
    "audit-checkpoints.log",
    "demo-logins.txt",
    "archive",
]


def _prepare(data_dir: Path) -> None:
    """Start fresh in a data dir the demo made before; refuse one that holds anything else."""
    connections.close_all()
    if (data_dir / MARKER).exists():
        for name in DEMO_FILES:
            path = data_dir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    elif any(p.name not in {"secret_key", "static"} for p in data_dir.iterdir()):
        raise Refused(
            f"{data_dir} holds a registry that is not a demo; the demo builds only into a fresh data dir "
            "(set SECRETARIAT_DATA_DIR to an empty directory)"
        )
    (data_dir / MARKER).write_text("made by `secretariat demo`; the next demo run deletes and rebuilds it\n")


class Command(SecretariatCommand):
    help = (
        "Build the reference case (Politburo protocol 46, point X, 18 February 1977), end to end, into a fresh "
        "data dir, and serve it on 127.0.0.1 (--no-serve: build it and exit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="build the case and exit (so does --json)")
        parser.add_argument("--port", type=count, default=8000, help="serve on this port (8000)")
        parser.add_argument(
            "--code",
            metavar="USER",
            default=None,
            help="print the code USER's authenticator shows now, and exit (only in a data dir the demo built)",
        )

    def handle(self, *args, no_serve, port, code, **options):
        data_dir = Path(settings.DATA_DIR)
        if code is not None:
            if not (data_dir / MARKER).exists():
                raise Refused(f"{data_dir} is not a demo's data dir: only the demo's own logins have codes to tell")
            shown = current_code(code)
            return self.emit({"username": code, "code": shown}, shown)
        if connection.vendor == "sqlite":
            _prepare(data_dir)
        self._witness_beside(data_dir)
        call_command("migrate", verbosity=0, interactive=False)
        if connection.vendor != "sqlite" and tree_size() > 0:
            raise Refused("the database already holds a registry; the demo builds only into an empty one")
        demo = build()
        self._write_logins(data_dir, demo)
        self._report(demo)
        if not no_serve and not self.as_json:
            self.stdout.write(
                f"\nServing it on http://127.0.0.1:{port}/ : log in with a login above (each role gets its desks); "
                "logins cleared SECRET or above also need a code from an authenticator app (TOTP): add the key "
                "printed after their password to one, or run `secretariat demo --code USER`). No login "
                f"is needed for the public TASS page http://127.0.0.1:{port}/channels/tass/ and the reading room "
                f"http://127.0.0.1:{port}/reading-room/ (OAI-PMH at /oai). "
                "Development settings (plain HTTP): not for real papers. Ctrl-C stops it."
            )
            self.stdout.flush()
            server.serve("127.0.0.1", port, workers=1, threads=4)

    def _witness_beside(self, data_dir: Path) -> None:
        """Unless witnesses are configured, the demo's signed heads are witnessed in a directory
        beside the data dir (outside it, as a witness must be), for this process and the server."""
        if settings.SECRETARIAT_AUDIT_WITNESSES:
            return
        witness = data_dir.parent / f"{data_dir.name}-witness"
        if (witness / MARKER).exists():
            shutil.rmtree(witness)  # the heads of the demo this run replaces
        elif witness.exists() and any(witness.iterdir()):
            raise Refused(f"{witness} holds something else; the demo witnesses its log there only when it is new")
        witness.mkdir(parents=True, exist_ok=True)
        (witness / MARKER).write_text("the signed heads of the demo beside it; the next demo run deletes them\n")
        settings.SECRETARIAT_AUDIT_WITNESSES = [str(witness)]
        os.environ["SECRETARIAT_AUDIT_WITNESSES"] = str(witness)

    def _write_logins(self, data_dir: Path, demo) -> None:
        path = data_dir / "demo-logins.txt"
        path.write_text(
            "".join(
                f"{login.username}\t{login.password}\t{login.who}\t{login.authenticator_key}\n" for login in demo.logins
            )
        )
        path.chmod(0o600)

    def _report(self, demo) -> None:
        registrar, document = demo.registrar, demo.document
        as_of = demo.cases[0].closed_at
        copies = presenters.copies_at(selectors.copies(registrar, document.number), as_of)
        (balance,) = selectors.balances(registrar, as_of, document.number)
        verified = verify_log()
        cases = [
            {
                "number": c.number,
                "title": c.title,
                "closed": c.is_closed,
                "still_missing": case_selectors.still_missing(c),
            }
            for c in demo.cases
        ]
        data = {
            "data_dir": str(settings.DATA_DIR),
            "steps": [{"at": s.at.isoformat(), "what": s.what} for s in demo.steps],
            "document": presenters.document_json(document),
            "copies": [presenters.copy_json(c, as_of) for c in copies],
            "balance": balance.as_json(),
            "cases": cases,
            "audit": {
                "events": verified.size,
                "ok": verified.ok,
                "witnesses": settings.SECRETARIAT_AUDIT_WITNESSES,
                "witnessed_size": verified.witnessed_size,
                "key_fingerprint": verified.key_fingerprint,
            },
            "logins": [{**login.__dict__, "otpauth_uri": login.otpauth_uri} for login in demo.logins],
        }
        lines = [
            f"Built the reference case in {settings.DATA_DIR} (SQLite, WAL), every step through the services:",
            *(f"  {s.at:%Y-%m-%d %H:%M %Z}  {s.what}" for s in demo.steps),
            "",
            f"Register of No {document.number}, as on {as_of.date().isoformat()}:",
            f"  {document.classification}   {document.kind}   dated {document.dated.isoformat()}   "
            f"{document.page_count} page + attachment",
            f"  {document.return_instruction()}",
            *(presenters.copy_line(c, as_of) for c in copies),
            "  " + presenters.balance_line(balance),
            "",
            "Case files:",
            *(
                f"  {c['number']:<8} {'closed' if c['closed'] else 'OPEN  '}  {c['title']}"
                + "".join(f"\n             still missing: {m}" for m in c["still_missing"])
                for c in cases
            ),
            "",
            f"Audit log: {verified.size} events, "
            + ("verified" if verified.ok else "DOES NOT VERIFY")
            + f"; signed by key {verified.key_fingerprint}; heads witnessed up to {verified.witnessed_size} events "
            + f"in {', '.join(settings.SECRETARIAT_AUDIT_WITNESSES)}",
            "",
            "Logins (also in demo-logins.txt in the data dir):",
            *(
                f"  {login.username:<11} {login.password:<18} {login.who}: {login.sees}"
                + (
                    f"\n  {'':<11} authenticator key {login.authenticator_key}  {login.otpauth_uri}"
                    if login.authenticator_key
                    else ""
                )
                for login in demo.logins
            ),
            "",
            "Look further (the same data dir is the default for every command):",
            *(f"  {command:<62} {why}" for command, why in _next_steps(document.number)),
        ]
        self.emit(data, "\n".join(lines))


def _next_steps(number: str) -> list[tuple[str, str]]:
    return [
        (f"secretariat render {number} --as gromyko", "the extract as an addressee reads it (audited)"),
        (
            f"secretariat render {number} --as gromyko --copy 5 --format html --output p46x.html",
            "his copy, marked, as HTML",
        ),
        ("secretariat render TEL-1 --as dobrynin", "the cable, with the guidance for the ambassador"),
        ("secretariat render TEL-1 --as gromyko", "the same cable for its drafter"),
        (f"secretariat render {number} --as registrar", "not found: registry staff see metadata only"),
        ("secretariat render TASS-1 --as visitor", "the public release, anyone may read it"),
        ("secretariat meeting show P 46 --as brezhnev", "the protocol's point X, as a member of the body"),
        ("secretariat cable show TEL-1 --as registrar", "the cable's register side: states, DTG, posts"),
        (f"secretariat register --as registrar {number} --as-of 1977-02-21", "the register as it stood then"),
        ("secretariat case list --as registrar", "CASE-1 closed; CASE-2 open"),
        ("secretariat case close CASE-2 --as registrar", "refused: says which copy and control keep it open"),
        ("secretariat control list --as registrar --overdue", "the desk list of late controls"),
        ("secretariat overdue --as registrar", "copies not back by their due date"),
        ("secretariat archive list --as archivist", "CASE-1 in fond 89, opis 25: document 44 published"),
        ("secretariat archive show TsKhSD/89/25/44", "the extract as published: Pressel withheld"),
        ("secretariat archive fixity --as archivist", "check the transferred bag's SHA-512 manifests"),
        ("secretariat import-transcription FILE --dry-run", "read an old paper's transcription, field by field"),
        ("secretariat audit log --as auditor", "the journal of every step"),
        ("secretariat audit verify", "recompute the Merkle tree, check every signature"),
        (
            f"SECRETARIAT_AUDIT_WITNESSES={','.join(settings.SECRETARIAT_AUDIT_WITNESSES)} secretariat audit verify",
            "the same, and against the heads its witness keeps outside the data dir",
        ),
    ]
