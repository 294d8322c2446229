"""The secretary's desk: /secretary/, a protocol at /secretary/<prefix>/<number>/, one route per action."""

from django.urls import path

from secretariat.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.secretary_desk, name="desk"),
    path("<str:prefix>/meetings/", views.record_meeting, name="record-meeting"),
    path("<str:prefix>/<int:number>/", views.meeting_page, name="meeting"),
    path("<str:prefix>/<int:number>/points/", views.record_point, name="record-point"),
    path("<str:prefix>/<int:number>/attachments/", views.attach, name="attach"),
    path("<str:prefix>/<int:number>/sign/", views.sign, name="sign"),
    path("<str:prefix>/<int:number>/corrections/", views.correct, name="correct"),
    path("<str:prefix>/<int:number>/extracts/", views.make_extract, name="extract"),
]
