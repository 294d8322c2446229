from secretariat.kernel.cli import SecretariatCommand
from secretariat.web import worker


class Command(SecretariatCommand):
    help = (
        "Run the queued tasks (imports sent from the web and the API) until stopped; `serve` and `demo` start one "
        "themselves. With --batch: run what is queued now and exit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued now, then exit")

    def handle(self, *args, batch, **o):
        worker.end_with_the_server()
        running = worker.worker(batch=batch)
        if not batch:
            self.stderr.write("Running queued tasks; Ctrl-C stops after the task at hand.")
            running.configure_signals()
        running.run()
