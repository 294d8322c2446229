"""The audit key and the signed-note format of checkpoints (C2SP signed-note / tlog-checkpoint).

The Ed25519 private key lives in a file in the data dir, never in the database: whoever can
only write the database cannot forge an event signature or a tree head.
"""

import base64
import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from secretariat.kernel.faults import AuditKeyUnavailable

EVENT_CONTEXT = b"secretariat audit event v1\n"
SIGNATURE_DASH = "\u2014"


def create_key() -> None:
    """Make the audit key, once, before the first event. Never replaces an existing key."""
    path = Path(settings.SECRETARIAT_AUDIT_KEY)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written whole under a temporary name, then linked into place: a process that loses the
    # race to make the key reads the winner's complete file, never half of it.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


@functools.cache
def _load(path: Path) -> Ed25519PrivateKey:
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise AuditKeyUnavailable(
            f"no audit key at {path}: every change is signed with it, so none can be made; restore it from "
            "its backup (a new key would make every event signed so far look forged)"
        ) from None
    except OSError as exc:
        raise AuditKeyUnavailable(f"cannot read the audit key {path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise AuditKeyUnavailable(
            f"{path} does not hold the audit key (an unencrypted PEM private key): {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyUnavailable(f"{path} does not hold an Ed25519 private key")
    return key


def private_key() -> Ed25519PrivateKey:
    return _load(Path(settings.SECRETARIAT_AUDIT_KEY))


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def sign_leaf(leaf: bytes) -> bytes:
    """Each event is signed as it is appended, like a CT signed certificate timestamp."""
    return private_key().sign(EVENT_CONTEXT + leaf)


def leaf_signature_ok(leaf: bytes, signature: bytes, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(signature, EVENT_CONTEXT + leaf)
    except InvalidSignature:
        return False
    return True


def public_bytes(key: Ed25519PublicKey) -> bytes:
    """The raw 32 bytes of a public key: what a worker process is handed to check signatures."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def bad_leaf_signatures(key_bytes: bytes, rows: list[tuple[int, bytes, bytes]]) -> list[int]:
    """The seqs among `rows` (seq, leaf hash, signature) whose signature does not verify under
    the raw public key `key_bytes`. Module-level and free of Django, so a process pool's worker
    can run it on a chunk of the log (`audit verify --all-signatures`)."""
    key = Ed25519PublicKey.from_public_bytes(key_bytes)
    return [seq for seq, leaf, signature in rows if not leaf_signature_ok(leaf, signature, key)]


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA256:… of the raw public key, as OpenSSH writes it: what an auditor pins and compares."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def verifier_key(name: str, key: Ed25519PublicKey) -> str:
    """The C2SP signed-note verifier key (name+hash+base64(0x01 || key)), for tools outside."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    encoded = base64.b64encode(b"\x01" + raw).decode()
    return f"{name}+{key_hash(name, key).hex()}+{encoded}"


def parse_verifier_key(vkey: str) -> tuple[str, Ed25519PublicKey]:
    """(origin, key) of a C2SP verifier key as `verifier_key` writes it; ValueError if it is not one."""
    name, _, rest = vkey.strip().partition("+")  # a name holds no "+"; the base64 key may
    hash_hex, _, rest = rest.partition("+")
    try:
        raw = base64.b64decode(rest, validate=True)
    except ValueError:
        raise ValueError(f"{vkey!r} is not a verifier key (name+hash+base64 key)") from None
    if not name or len(raw) != 33 or raw[0] != 1:
        raise ValueError(f"{vkey!r} is not an Ed25519 verifier key (name+hash+base64(0x01 || key))")
    key = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_hash(name, key).hex() != hash_hex:
        raise ValueError(f"{vkey!r}: its key hash does not match its name and key")
    return name, key


def open_note_of(note: str, keys: dict[str, Ed25519PublicKey]) -> tuple[str, int, bytes]:
    """Verify a signed checkpoint of any log in `keys` (origin -> key); ValueError if it is none of theirs."""
    origin = note.split("\n", 1)[0]
    if origin not in keys:
        raise ValueError(f"not a log this registry witnesses ({origin!r})")
    return open_note(note, keys[origin], origin)


def key_hash(name: str, key: Ed25519PublicKey) -> bytes:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]


def checkpoint_body(origin: str, tree_size: int, root: bytes) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root).decode()}\n"


def sign_note(body: str) -> str:
    """Return the signed note: body, a blank line, one signature line."""
    name = settings.SECRETARIAT_AUDIT_ORIGIN
    signature = private_key().sign(body.encode())
    blob = base64.b64encode(key_hash(name, public_key()) + signature).decode()
    return f"{body}\n{SIGNATURE_DASH} {name} {blob}\n"


def open_note(note: str, key: Ed25519PublicKey, name: str | None = None) -> tuple[str, int, bytes]:
    """Verify a signed checkpoint note of the log `name` (default: this one's origin); return
    (origin, tree size, root). ValueError if bad."""
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise ValueError("checkpoint note has no signature")
    body += "\n"
    name = name or settings.SECRETARIAT_AUDIT_ORIGIN
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != SIGNATURE_DASH or parts[1] != name:
            continue
        blob = base64.b64decode(parts[2])
        if blob[:4] != key_hash(name, key):
            continue
        try:
            key.verify(blob[4:], body.encode())
        except InvalidSignature:
            raise ValueError("checkpoint signature does not verify") from None
        lines = body.splitlines()
        if len(lines) < 3 or not lines[1].isdigit():
            raise ValueError("checkpoint body is malformed")
        return lines[0], int(lines[1]), base64.b64decode(lines[2])
    raise ValueError("checkpoint carries no signature by the audit key")
