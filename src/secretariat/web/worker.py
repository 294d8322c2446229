"""The worker: runs the tasks queued in the database (imports sent from the web and the API) until stopped.

`secretariat worker` runs one; `secretariat serve` and `secretariat demo` start one beside the web server, so a
fresh machine needs nothing more. Several nodes may each run one on one PostgreSQL: a task is claimed under a row
lock (SKIP LOCKED) and run once; on SQLite the claim is an exclusive transaction.
"""

import os
import socket
import subprocess
import sys
import threading
import time

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

INTERVAL = 1.0  # seconds between looks at an empty queue
PARENT = "SECRETARIAT_WORKER_BESIDE"  # set for a worker started beside a server: the server's process id


def worker(*, batch: bool = False, interval: float = INTERVAL) -> Worker:
    """A worker of every queue; with `batch`, it runs what is queued and returns."""
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=f"{socket.gethostname()}:{os.getpid()}"[:64],
        excluded_queue_names=[],
    )


def run_queued() -> int:
    """Run every task queued now, here, one after another, and return how many ran. Unlike a worker's loop it
    leaves the connection as it is (no close between tasks), so it runs inside a caller's transaction too."""
    running, ran = worker(batch=True), 0
    while True:
        with exclusive_transaction():
            queued = DBTaskResult.objects.ready().filter(backend_name=running.backend_name).get_locked()
            if queued is None:
                return ran
            queued.claim(running.worker_id)
        running.run_task(queued)
        ran += 1


def start_beside() -> subprocess.Popen:
    """A worker process beside the web server, with the same settings and data dir; the caller stops it."""
    connections.close_all()  # no connection may cross into the child
    env = os.environ | {PARENT: str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "secretariat.cli", "worker"], env=env)


def end_with_the_server() -> None:
    """In a worker started beside a server: exit when the server is gone, however it went (a kill -9 included),
    rather than run on unwatched. A task cut short is resumed from its batch's page."""
    parent = os.environ.get(PARENT)
    if not parent:
        return

    def watch() -> None:
        while os.getppid() == int(parent):
            time.sleep(INTERVAL)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="watch-the-server").start()
