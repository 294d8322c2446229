"""What the API tests check after a request: its problem, and the audit events it left (or did not)."""

from secretariat.audit.models import AuditEvent, AuditHead

PROBLEM = "application/problem+json"


def events(action: str, **data) -> list[AuditEvent]:
    """The events of `action` whose data holds each of `data`."""
    return [e for e in AuditEvent.objects.filter(action=action) if all(e.data.get(k) == v for k, v in data.items())]


def event_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def log_size() -> int:
    return AuditHead.objects.get(pk=1).size


def refused(response, status: int, detail: str = "") -> bool:
    """A problem+json answer of `status` whose detail holds `detail`."""
    return (
        response.status_code == status and response["Content-Type"] == PROBLEM and detail in response.json()["detail"]
    )
