from django.apps import AppConfig


class CablesConfig(AppConfig):
    name = "secretariat.cables"
    label = "cables"

    def ready(self) -> None:
        from secretariat.cables import views
        from secretariat.kernel import panels

        panels.contribute("decisions.protocol", views.approvals_panel)
