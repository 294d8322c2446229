from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "secretariat.archive"
    label = "archive"
