"""Every file on an S3-compatible object store (SECRETARIAT_STORAGE_URL), against a real moto
server on 127.0.0.1: attachments, the archive's bags, the signed heads, backup and restore.

Each test gets a bucket of its own and STORAGES pointed at it (the same entries the settings
make from the URL); what a test checks in the bucket it reads with boto3 itself.
"""

import hashlib
import json
import logging
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer

from secretariat.archive import services as archive
from secretariat.audit import checkpoint_store, verification
from secretariat.audit import services as audit
from secretariat.audit.models import AuditCheckpoint
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from secretariat.settings import object_storages
from tests.archive.steps import transfer
from tests.audit import drill
from tests.cli import free_port

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "secretariat-test",
    "AWS_SECRET_ACCESS_KEY": "secretariat-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def moto_endpoint():
    """A moto server (S3 in server mode) on a free loopback port, for this module."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request in a failure's log
    with pytest.MonkeyPatch.context() as mp:
        for name, value in CREDENTIALS.items():
            mp.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def _client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_keys())


def _keys():
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


def _bucket(endpoint: str) -> str:
    name = f"secretariat-{uuid.uuid4().hex[:16]}"
    _client(endpoint).create_bucket(Bucket=name)
    return name


def _url(endpoint: str, bucket: str) -> str:
    return f"s3://{bucket}/registry?endpoint_url={endpoint}&region=us-east-1"


def keys(endpoint: str, bucket: str, prefix: str = "") -> dict[str, bytes]:
    client = _client(endpoint)
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


@pytest.fixture
def store(request, moto_endpoint, settings, tmp_path):
    """STORAGES pointed at a new bucket; MEDIA_ROOT and the archive dir on local disk stay empty. A test's demo is
    restored first, on the settings every other test has: a demo image built in here would keep its signed heads
    in this bucket, and every later test of the process would restore a demo without its checkpoint file."""
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")
    bucket = _bucket(moto_endpoint)
    settings.STORAGES = {**settings.STORAGES, **object_storages(_url(moto_endpoint, bucket))}
    settings.MEDIA_ROOT = tmp_path / "media"
    return moto_endpoint, bucket


def test_the_url_makes_the_three_storages_and_refuses_what_it_does_not_know():
    made = object_storages("s3://papers/node?endpoint_url=http://127.0.0.1:9000&region=eu-west-1")
    assert set(made) == {"default", "archive", "checkpoints"}
    assert {m["BACKEND"] for m in made.values()} == {"storages.backends.s3.S3Storage"}
    assert [made[n]["OPTIONS"]["location"] for n in ("default", "archive", "checkpoints")] == [
        "node/files",
        "node/archive",
        "node/audit/checkpoints",
    ]
    options = made["default"]["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "papers",
        "http://127.0.0.1:9000",
        "eu-west-1",
    )
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert object_storages("") == {}
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("http://papers/x", "s3://papers?endpoint=x"):
        with pytest.raises(ImproperlyConfigured):
            object_storages(bad)


def test_an_attachment_is_stored_in_the_bucket_and_read_back_through_the_storage(
    store, register, registrar, settings, tmp_path
):
    endpoint, bucket = store
    register(number="S1", classification="SECRET")
    scan = b"%PDF-1.4 scan of the draft" + bytes(range(256))
    attachment = registry.add_attachment(
        registrar,
        "S1",
        title="Scan",
        classification=Classification.parse("SECRET"),
        file=ContentFile(scan, name="draft.pdf"),
        page_count=3,
    )
    held = keys(endpoint, bucket, "registry/files/")
    assert held == {f"registry/files/{attachment.file.name}": scan}
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".pdf")
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))
    attachment.refresh_from_db()
    with attachment.file.open("rb") as f:
        assert f.read() == scan
    assert attachment.file.size == len(scan)


@pytest.mark.demo(archive=False)
def test_a_transfers_bag_is_stored_in_the_bucket_and_checked_from_it(store, demo, archive_dir):
    endpoint, bucket = store
    archivist = principal_by_username("archivist")
    done = transfer(archivist)
    assert done.bag == "bags/CASE-1"
    held = keys(endpoint, bucket, f"registry/archive/{done.bag}/")
    prefix = f"registry/archive/{done.bag}/"
    assert {
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha512.txt",
        "data/case.pdf",
        "data/papers/P46_X/copies.json",
    } <= {k.removeprefix(prefix) for k in held}
    assert hashlib.sha512(held[prefix + "tagmanifest-sha512.txt"]).hexdigest() == done.tagmanifest_sha512
    assert not archive_dir.exists() or not any(archive_dir.rglob("*"))  # nothing on local disk

    assert [f.problems for f in archive.check_fixity(archivist)] == [[]]

    client = _client(endpoint)
    tampered = prefix + "data/papers/P46_X/copies.json"
    client.put_object(Bucket=bucket, Key=tampered, Body=held[tampered].replace(b"returned", b"RETURNED", 1))
    (fixity,) = archive.check_fixity(archivist)
    assert fixity.problems and any("copies.json" in p for p in fixity.problems), fixity.problems

    client.put_object(Bucket=bucket, Key=tampered, Body=held[tampered])
    client.delete_object(Bucket=bucket, Key=prefix + "data/case.pdf")
    (fixity,) = archive.check_fixity(archivist)
    assert fixity.problems and any("found 20 files" in p for p in fixity.problems), fixity.problems


def _heads(endpoint, bucket) -> dict[str, bytes]:
    return keys(endpoint, bucket, "registry/audit/checkpoints/")


def test_each_signed_head_is_an_object_of_its_own_and_verify_reads_them(store, demo, settings):
    endpoint, bucket = store
    auditor = principal_by_username("auditor")
    local = Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS)
    on_disk = local.read_bytes() if local.exists() else None  # what the demo left there, if anything
    audit.sign_checkpoint(auditor)
    audit.publish_checkpoints()
    notes = list(AuditCheckpoint.objects.order_by("tree_size", "id").values_list("note", flat=True))
    heads = _heads(endpoint, bucket)
    assert len(heads) == len(notes) >= 2
    for note in notes:
        size = int(note.splitlines()[1])
        name = f"registry/audit/checkpoints/{size:012d}-{hashlib.sha256(note.encode()).hexdigest()}.json"
        assert json.loads(heads[name]) == {"note": note}
    assert (local.read_bytes() if local.exists() else None) == on_disk  # the local file is not written
    assert audit.publish_checkpoints() == {checkpoint_store.store().where: 0, **_witness_counts()}  # idempotent
    assert verification.verify_log().ok

    newest = max(heads)
    _client(endpoint).delete_object(Bucket=bucket, Key=newest)
    report = verification.verify_log()
    assert not report.ok
    assert any(f"lacks 1 of the {len(notes)} signed head(s)" in p.message for p in report.problems), report.problems
    audit.publish_checkpoints()  # writes again what the store lacks
    assert verification.verify_log().ok and newest in _heads(endpoint, bucket)


def _witness_counts() -> dict[str, int]:
    from secretariat.audit import witnesses

    return {location: 0 for location in witnesses.witness_locations()}


@pytest.mark.slow
@pytest.mark.embedded
def test_backup_then_restore_into_an_empty_bucket_brings_every_file_back(moto_endpoint, demo_data_dir, tmp_path):
    """The CLI with SECRETARIAT_STORAGE_URL: the demo's files moved into a bucket, an attachment and
    heads written there, a backup; then a new data dir and an empty bucket, a restore, and the
    files, bags and heads are back in the new bucket, the log verifies and the bag's fixity holds."""
    data = demo_data_dir
    first = _bucket(moto_endpoint)
    client = _client(moto_endpoint)
    for local, prefix in ((data / "files", "registry/files"), (data / "archive", "registry/archive")):
        for path in sorted(p for p in local.rglob("*") if p.is_file()) if local.is_dir() else []:
            client.put_object(
                Bucket=first, Key=f"{prefix}/{path.relative_to(local).as_posix()}", Body=path.read_bytes()
            )
    for local in (data / "files", data / "archive"):
        if local.is_dir():
            import shutil

            shutil.rmtree(local)
    (data / drill.CHECKPOINT_FILE).unlink()
    env = {"SECRETARIAT_STORAGE_URL": _url(moto_endpoint, first)}
    drill.cli(data, "audit", "checkpoint", "--as", "auditor", settings=env)
    paper = tmp_path / "paper.txt"
    paper.write_text("On the map of the region.\n", encoding="utf-8")
    scan = tmp_path / "map.bin"
    scan.write_bytes(bytes(range(256)) * 64)
    drill.cli(
        data, "document", "register", "--as", "registrar", "--number", "P47/1", "--title", "On the map",
        "--classification", "SECRET", "--text-file", str(paper), "--dated", "1977-03-01", "--to", "gromyko",
        settings=env,
    )  # fmt: skip
    drill.cli(
        data, "document", "attach", "--as", "registrar", "P47/1", "--title", "Map",
        "--classification", "SECRET", "--file", str(scan), settings=env,
    )  # fmt: skip
    drill.cli(data, "audit", "checkpoint", "--as", "auditor", settings=env)
    assert drill.cli(data, "archive", "fixity", "--as", "archivist", settings=env).returncode == 0
    assert drill.verify(data, settings=env).exit_code == 0
    before = keys(moto_endpoint, first)
    assert scan.read_bytes() in before.values() and not (data / "files").exists()
    assert any(k.startswith("registry/archive/bags/") for k in before)
    assert any(k.startswith("registry/audit/checkpoints/") for k in before)

    backup = tmp_path / "outside" / "registry.tar.gz"
    backup.parent.mkdir()
    drill.cli(data, "backup", str(backup), settings=env)
    key = (data / drill.KEY_FILE).read_bytes()

    second = _bucket(moto_endpoint)
    fresh = tmp_path / "fresh"
    (fresh / drill.KEY_FILE).parent.mkdir(parents=True)
    (fresh / drill.KEY_FILE).write_bytes(key)  # the key is backed up on its own
    restored_env = {"SECRETARIAT_STORAGE_URL": _url(moto_endpoint, second)}
    out = drill.cli(fresh, "restore", str(backup), settings=restored_env)
    assert "audit verify: OK" in out.stdout, out.stdout
    assert keys(moto_endpoint, second) == before
    assert not (fresh / "files").exists() and not (fresh / drill.CHECKPOINT_FILE).exists()
    assert drill.cli(fresh, "archive", "fixity", "--as", "archivist", settings=restored_env).returncode == 0
    assert drill.verify(fresh, settings=restored_env).exit_code == 0

    again = drill.cli(fresh, "restore", str(backup), settings=restored_env, check=False)
    assert again.returncode == 2 and "holds" in again.stderr  # a bucket that holds a registry is refused
