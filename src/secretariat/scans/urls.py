"""Scans: sent from a paper's register entry; a scan's page, its progress and its page images."""

from django.urls import path

from secretariat.scans import views

app_name = "scans"
urlpatterns = [
    path("registry/<regno:number>/scans/", views.add_scans, name="add"),
    path("scans/<int:scan_id>/", views.scan_page, name="scan"),
    path("scans/<int:scan_id>/progress/", views.scan_progress, name="progress"),
    path("scans/<int:scan_id>/read-again/", views.read_again, name="read-again"),
    path("scans/<int:scan_id>/pages/<int:number>.png", views.page_image, name="page-image"),
    path("scans/<int:scan_id>/pages/<int:number>/thumbnail.png", views.page_image, {"thumbnail": True}, name="thumb"),
]
