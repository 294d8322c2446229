"""Serve the application with gunicorn, or answer one request without a server."""

import subprocess
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from gunicorn.app.base import BaseApplication

from secretariat.accounts.models import Principal
from secretariat.web import worker


class _Gunicorn(BaseApplication):
    """gunicorn run from Python, configured by us rather than by its command line."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return get_wsgi_application()


def serve(host: str, port: int, workers: int, threads: int, *, tasks: bool = True) -> None:
    """Run until interrupted: `workers` processes of `threads` threads each, logging to stderr; and, unless
    `tasks` is False, the worker that runs queued tasks (web/worker.py), stopped with the server."""
    beside = worker.start_beside() if tasks else None
    connections.close_all()  # no connection may cross the fork into the workers
    try:
        _serve(host, port, workers, threads)
    finally:
        if beside is not None:
            beside.terminate()
            try:
                beside.wait(timeout=30)
            except subprocess.TimeoutExpired:
                beside.kill()


def _serve(host: str, port: int, workers: int, threads: int) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
        }
    ).run()


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def get(path: str, principal: Principal | None = None) -> Response:
    """One GET through the whole middleware stack, as `principal` (logged in, past the second factor
    with their enrolled authenticator, as the CLI's --as trusts the operator) or anonymous."""
    client = Client(HTTP_HOST="127.0.0.1")
    if principal is not None:
        client.force_login(principal)
        device = next(devices_for_user(principal, confirmed=True), None)
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    response = client.get(path, secure=not settings.DEVELOPMENT)  # as through the TLS proxy in production
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Response(response.status_code, response.get("Content-Type", ""), body)


def write(response: Response) -> None:
    sys.stdout.buffer.write(response.body)
    sys.stdout.buffer.flush()
