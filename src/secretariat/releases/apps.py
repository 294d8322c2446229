from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "secretariat.releases"
    label = "releases"

    def ready(self) -> None:
        from secretariat.kernel import panels
        from secretariat.releases import desk_views

        panels.contribute("cables.cable", desk_views.announcements_panel)
