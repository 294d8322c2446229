"""The audit desk's routes (under /audit/)."""

from django.urls import path

from secretariat.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_desk, name="desk"),
    path("verify/", views.verify, name="verify"),
    path("events.csv", views.events_csv, name="events-csv"),
    path("checkpoints", views.checkpoints, name="checkpoints"),
    path("checkpoint", views.latest_checkpoint, name="checkpoint"),
    path("witnessed", views.witnessed, name="witnessed"),
]
