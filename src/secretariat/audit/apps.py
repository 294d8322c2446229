from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "secretariat.audit"
    label = "audit"
