from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Batches queued from the web and the API, run by the worker through the registry's and the archive's imports."""

    name = "secretariat.imports"
    label = "imports"
