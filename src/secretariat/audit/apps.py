from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "secretariat.audit"
    label = "audit"

    def ready(self):
        """Refuse to start with a witness the data dir's writer could also rewrite."""
        from secretariat.audit.witnesses import witness_locations

        witness_locations()
