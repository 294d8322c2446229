from django.apps import AppConfig


class RenderConfig(AppConfig):
    name = "secretariat.render"
    label = "render"
