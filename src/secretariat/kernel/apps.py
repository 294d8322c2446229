from django.apps import AppConfig


class KernelConfig(AppConfig):
    """The kernel's templates (the page layout every desk extends) and static files (htmx)."""

    name = "secretariat.kernel"
    label = "kernel"
