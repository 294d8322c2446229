from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Case files sit above the registry, the cables and the releases whose papers they close over."""

    name = "secretariat.cases"
    label = "cases"
