from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "secretariat.releases"
    label = "releases"
