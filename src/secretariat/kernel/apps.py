from django.apps import AppConfig
from django.urls import register_converter

from secretariat.kernel.numbers import RegistrationNumberConverter


class KernelConfig(AppConfig):
    """The kernel's templates (the page layout every desk extends), static files (htmx), and the
    URL converter of registration numbers every app's routes use (`<regno:number>`)."""

    name = "secretariat.kernel"
    label = "kernel"

    def ready(self) -> None:
        register_converter(RegistrationNumberConverter, "regno")
