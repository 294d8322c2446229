"""How a backup and a restore read on the command line."""

from secretariat.backup.services import Made, Restored


def size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _contents(manifest: dict, counts: dict[str, int]) -> str:
    engine = {"sqlite": "the SQLite database", "postgresql": "the PostgreSQL database (pg_dump)"}.get(
        manifest["engine"], manifest["engine"]
    )
    heads = manifest["audit"].get("checkpoint_file_heads", 0)
    return f"{engine}, {counts['files']} attachment file(s), {counts['archive']} archive file(s), the checkpoint file ({heads} signed heads)"


def _audit(manifest: dict) -> str:
    audit = manifest["audit"]
    newest = audit.get("newest_head")
    head = f", newest signed head of {newest['size']} events" if newest else ", no signed head yet"
    key = f" (key {audit['key_fingerprint']})" if audit.get("key_fingerprint") else ""
    return f"audit log: {audit['size']} events, root {audit['root']}{head}{key}"


def _counts(manifest: dict) -> dict[str, int]:
    names = [m["name"] for m in manifest["members"]]
    return {tree: sum(1 for n in names if n.startswith(f"{tree}/")) for tree in ("files", "archive")}


def made_json(made: Made) -> dict:
    return {
        "path": str(made.path),
        "size": made.size,
        "sha256": made.sha256,
        "seconds": round(made.seconds, 3),
        "manifest": made.manifest,
    }


def made_text(made: Made) -> str:
    manifest = made.manifest
    key = manifest["key"]
    fingerprint = manifest["audit"].get("key_fingerprint")
    key_line = (
        f"audit key: in the backup, encrypted under the passphrase ({key['member']})"
        if key["included"]
        else (
            f"audit key: NOT in this backup. Back up {key['back_up_on_its_own']}"
            + (f" (key {fingerprint})" if fingerprint else "")
            + " on its own, apart from this file (another medium, a safe): a restored registry needs it to sign "
            "any change and to verify its log; or back up again with --passphrase-stdin to put it in encrypted"
        )
    )
    return "\n".join(
        [
            f"Backed up {_contents(manifest, _counts(manifest))} to {made.path}",
            f"  {size(made.size)}, SHA-256 {made.sha256}, in {made.seconds:.2f} s",
            f"  {_audit(manifest)}",
            f"  {key_line}",
        ]
    )


def restored_json(restored: Restored) -> dict:
    return {
        "path": str(restored.path),
        "sha256": restored.sha256,
        "size": restored.size,
        "created_at": restored.manifest.get("created_at"),
        "engine": restored.manifest.get("engine"),
        "audit": {k: v for k, v in restored.manifest["audit"].items() if k != "newest_head"},
        "key": restored.key,
        "heads_written_to_checkpoint_file": restored.heads_written,
        "pending_migrations": restored.pending_migrations,
        "seconds": round(restored.seconds, 3),
        "verify": restored.report.as_json() if restored.report is not None else None,
    }


def restored_text(restored: Restored, key_path: str, data_dir: str) -> str:
    manifest = restored.manifest
    key = {
        "restored": "the audit key restored from the backup (decrypted)",
        "kept": "the audit key already in the data dir kept (the same key)",
        "missing": "the audit key is NOT in this backup",
    }[restored.key]
    lines = [
        f"Restored {restored.path} (SHA-256 {restored.sha256}, taken {manifest.get('created_at')} by Secretariat "
        f"{manifest.get('secretariat_version')}) into {data_dir}: {_contents(manifest, _counts(manifest))}; {key}",
        f"  {_audit(manifest)}; in {restored.seconds:.2f} s",
    ]
    if restored.heads_written:
        lines.append(
            f"  the checkpoint file lacked {restored.heads_written} signed head(s) the database holds "
            "(signed while the backup was taken): written to it"
        )
    if restored.key == "missing":
        fingerprint = manifest["audit"].get("key_fingerprint")
        lines.append(
            f"  put your copy of the audit key at {key_path}"
            + (f" (it must be the key {fingerprint})" if fingerprint else "")
            + ", then run `secretariat audit verify`: until then no change can be signed"
        )
    if restored.pending_migrations:
        lines.append(
            f"  the backup's schema is older than this Secretariat's ({len(restored.pending_migrations)} migration(s) "
            "to apply): run `secretariat migrate`, then `secretariat audit verify`"
        )
    return "\n".join(lines)
