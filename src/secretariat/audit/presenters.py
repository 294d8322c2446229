"""How the audit log's verification reads on the command line (`audit verify`, `restore`)."""

from secretariat.audit.verification import Report


def verification_text(report: Report) -> str:
    """OK with the size, root and what is not yet witnessed; or FAILED naming the first bad event,
    the rollback if the log is shorter than its signed heads, then every other problem."""
    notes = "".join(f"\nwarning: {w}" for w in report.warnings)
    if report.ok:
        tail = (
            f"; {report.unwitnessed} event(s) after the last head held outside the database "
            f"(at {report.witnessed_size}) are not yet witnessed"
            if report.unwitnessed
            else ""
        )
        return (
            f"OK: {report.size} events, root {report.root.hex()}, {report.checkpoints_checked} signed "
            f"checkpoint(s) match, key {report.key_fingerprint}{tail}{notes}"
        )
    first = report.first_bad
    rollback = f"\n  {report.rollback.describe()}" if report.rollback else ""
    return (
        (f"FAILED: first bad event #{first.seq}: " if first.seq is not None else "FAILED: ")
        + first.message
        + rollback
        + "".join(f"\n  #{p.seq}: {p.message}" for p in report.problems if p is not first)
        + notes
    )
