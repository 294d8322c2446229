from django.conf import settings

from secretariat.kernel.cli import SecretariatCommand, count
from secretariat.kernel.principals import principal_by_username
from secretariat.web import server


class Command(SecretariatCommand):
    help = (
        "Serve Secretariat over HTTP with gunicorn (static files included), or, with --get PATH, "
        "print one response without a server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        parser.add_argument("--port", type=count, default=8000, help="the port on 127.0.0.1 (8000)")
        parser.add_argument("--workers", type=count, default=2, help="processes (2)")
        parser.add_argument("--threads", type=count, default=4, help="threads per process (4)")
        parser.add_argument(
            "--no-worker", action="store_true", help="run no task worker beside it (one runs elsewhere: `worker`)"
        )
        parser.add_argument("--get", metavar="PATH", default=None, help="print the response to one GET and exit")
        parser.add_argument("--as", dest="actor", metavar="USER", default=None, help="with --get: logged in as USER")

    def handle(self, *args, host, port, workers, threads, no_worker, get, actor, **o):
        if get is not None:
            response = server.get(get, principal_by_username(actor) if actor else None)
            self.stderr.write(f"{response.status} {response.content_type}")
            server.write(response)
            if response.status >= 400:
                raise SystemExit(1)
            return
        mode = (
            "development settings (plain HTTP: not for real papers)"
            if settings.DEVELOPMENT
            else "production settings (behind a TLS proxy that sets X-Forwarded-Proto)"
        )
        self.stderr.write(f"Serving {settings.DATA_DIR} on http://{host}:{port}/ with {mode}; Ctrl-C stops it.")
        server.serve(host, port, workers, threads, tasks=not no_worker)
