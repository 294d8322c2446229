"""The import desk: /imports/, a batch's page and its progress."""

from django.urls import path

from secretariat.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_desk_page, name="desk"),
    path("transcriptions/", views.queue_transcriptions, name="transcriptions"),
    path("entries/", views.queue_entries, name="entries"),
    path("finding-aids/", views.queue_finding_aid, name="ead"),
    path("<int:batch_id>/", views.batch_page, name="batch"),
    path("<int:batch_id>/progress/", views.batch_progress, name="progress"),
    path("<int:batch_id>/resume/", views.resume, name="resume"),
]
