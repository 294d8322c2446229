from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web application: serving it, and (with issue 4) the login and the desks."""

    name = "secretariat.web"
    label = "web"
