"""Two app servers, one database and one object store, as README's "Two or more app servers" deploys them: a paper
registered through one is read through the other, an import sent to one is run once by the two nodes' workers
from the file in the bucket, and the crontab run on both at once escalates once.

On PostgreSQL each node has a data dir of its own (its keys and secret key copied from the first, as one deploys
them) over a scratch database; on SQLite the two nodes share one data dir on one machine. Either way their files
are in a bucket of a moto S3 server on 127.0.0.1.
"""

import json
import shutil
import subprocess
import time
import urllib.request
import uuid

import boto3
import pytest

from tests.archive.corpus import FILES
from tests.cli import PG_URL, SECRETARIAT, env_for, free_port, scratch_database
from tests.test_object_store import CREDENTIALS, moto_endpoint  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.slow]

TOKENS = (
    "from secretariat.accounts.services import issue_token\n"
    "from secretariat.kernel.principals import principal_by_username as p\n"
    "print(' '.join(issue_token(p(u), 'two nodes').secret for u in ('registrar', 'gromyko', 'archivist')))"
)


class Node:
    def __init__(self, data_dir, database_url, storage_url):
        self.env = (
            env_for(data_dir, database_url)
            | CREDENTIALS
            | {
                "SECRETARIAT_STORAGE_URL": storage_url,
                "SECRETARIAT_DEVELOPMENT": "1",  # plain HTTP on 127.0.0.1, as the demo serves
            }
        )
        self.server = None
        self.url = ""

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([SECRETARIAT, *args], env=self.env, capture_output=True, text=True, timeout=300)
        assert not check or done.returncode == 0, done.stderr
        return done

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([SECRETARIAT, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def serve(self, log) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = subprocess.Popen(
            [SECRETARIAT, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(180):
            try:
                urllib.request.urlopen(f"{self.url}/login/", timeout=2)
                return
            except OSError:
                assert self.server.poll() is None, "the server stopped"
                time.sleep(0.5)
        raise AssertionError("the server did not answer within 90 s")

    def api(self, token: str, path: str, data: bytes | None = None, content_type: str = "") -> tuple[int, dict]:
        request = urllib.request.Request(f"{self.url}/api{path}", data=data, method="POST" if data else "GET")
        request.add_header("Authorization", f"Bearer {token}")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")


def _multipart(fields: dict[str, str], files: list) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for path in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
        parts.append(f"{head}Content-Type: text/plain\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def nodes(tmp_path, moto_endpoint, request):  # noqa: F811 (the fixture imported above)
    bucket = f"secretariat-{uuid.uuid4().hex[:16]}"
    keys = {k.lower(): v for k, v in CREDENTIALS.items() if "KEY" in k}
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1", **keys)
    s3.create_bucket(Bucket=bucket)
    storage = f"s3://{bucket}/registry?endpoint_url={moto_endpoint}&region=us-east-1"

    def made(database_url):
        first = Node(tmp_path / "a", database_url, storage)
        if database_url:
            first.cli("demo", "--no-serve")
        else:  # the run's embedded demo, copied (its files stay on its disk; what the nodes add goes to the bucket)
            shutil.copytree(request.getfixturevalue("golden_demo_data_dir"), tmp_path / "a", symlinks=True)
        other_dir = tmp_path / "a"
        if database_url:  # another machine: its own data dir, with the keys and secret key it is deployed with
            other_dir = tmp_path / "b"
            other_dir.mkdir()
            shutil.copytree(tmp_path / "a" / "keys", other_dir / "keys")
            shutil.copy(tmp_path / "a" / "secret_key", other_dir / "secret_key")
        second = Node(other_dir, database_url, storage)
        with (tmp_path / "a.log").open("wb") as log_a, (tmp_path / "b.log").open("wb") as log_b:
            first.serve(log_a)
            second.serve(log_b)
            try:
                yield first, second, s3, bucket
            finally:
                for node in (first, second):
                    node.server.terminate()
                    node.server.wait(timeout=30)

    if PG_URL:
        with scratch_database("secretariat_nodes") as url:
            yield from made(url)
    else:
        yield from made(None)


def test_two_app_servers_share_one_registry_one_queue_and_one_object_store(nodes):
    a, b, s3, bucket = nodes
    registrar, gromyko, archivist = a.cli("shell", "-c", TOKENS).stdout.split()[-3:]
    paper = {"title": "Memorandum on the talks", "classification": "SECRET", "text": "Seen on both.",
             "dated": "1977-03-01", "page_count": 1, "distribution": ["gromyko"]}  # fmt: skip
    status, made = a.api(registrar, "/documents", json.dumps(paper).encode(), "application/json")
    assert status == 201, made
    status, read = b.api(gromyko, f"/documents/{made['number']}")
    assert status == 200 and read["text"] == "Seen on both."

    body, content_type = _multipart(
        {"kind": "transcriptions", "into": "TsKhSD/89/25", "classification": "S"}, FILES[:4]
    )
    status, batch = a.api(archivist, "/imports", body, content_type)
    assert status == 201, batch
    for _ in range(120):
        status, batch = b.api(archivist, f"/imports/{batch['id']}")
        if batch["state"] == "finished":
            break
        time.sleep(0.5)
    assert (batch["state"], batch["imported"], batch["skipped"], batch["refused"]) == ("finished", 4, 0, [])
    stored = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="registry/files/imports/")["Contents"]]
    assert len(stored) == 1  # the file sent to one node, read from the bucket by whichever worker took it
    count = "from secretariat.audit.models import AuditEvent as E\nprint(E.objects.filter(action='import.finished').count())"
    assert a.cli("shell", "-c", count).stdout.split()[-1] == "1"  # run once, by one of the two workers

    a.cli("shell", "-c", "from secretariat.kernel.models import Lease\nLease.objects.all().delete()")
    crons = [a.start("control", "escalate", "--json"), b.start("control", "escalate", "--json")]
    told = [json.loads(p.communicate(timeout=120)[0]) for p in crons]
    assert [p.returncode for p in crons] == [0, 0]
    assert sum("holder" in t for t in told) == 1, told  # one node swept, the other said who did
