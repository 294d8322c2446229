from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "secretariat.audit"
    label = "audit"

    def ready(self):
        """Have bulk work append a chunk's events together (kernel.batches.run); refuse to start with a witness
        the data dir's writer could also rewrite, or with a log to witness whose verifier key is not one."""
        from secretariat.audit.services import appending_in_batch
        from secretariat.audit.witnesses import witness_locations, witnessed_keys
        from secretariat.kernel import batches

        if appending_in_batch not in batches.around_chunk:
            batches.around_chunk.append(appending_in_batch)

        witness_locations()
        witnessed_keys()
