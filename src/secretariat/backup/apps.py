from django.apps import AppConfig


class BackupConfig(AppConfig):
    """Backup and restore of a whole registry: operator work, at the top with the web and the API."""

    name = "secretariat.backup"
    label = "backup"
