from django.apps import AppConfig


class CablesConfig(AppConfig):
    name = "secretariat.cables"
    label = "cables"
