from django.apps import AppConfig
from django.urls import register_converter

from secretariat.kernel import texts
from secretariat.kernel.numbers import RegistrationNumberConverter


class KernelConfig(AppConfig):
    """The kernel's templates (the page layout every desk extends), static files (htmx), the
    URL converter of registration numbers every app's routes use (`<regno:number>`), and the
    rule every text of every model keeps, checked on every save (`kernel/texts.py`)."""

    name = "secretariat.kernel"
    label = "kernel"

    def ready(self) -> None:
        register_converter(RegistrationNumberConverter, "regno")
        texts.install()
