"""The secretary's desk: /secretary/, a protocol at /secretary/<prefix>/<number>/, one route per action;
the bodies themselves at /secretary/bodies/ (the administrator sets them up, the registrar registers their papers)."""

from django.urls import path

from secretariat.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.secretary_desk, name="desk"),
    path("points/suggest/", views.suggest_points, name="suggest-points"),  # a point picker's search-as-you-type
    path("bodies/", views.bodies_page, name="bodies"),  # the administrator's (and the registrar's) bodies
    path("bodies/add/", views.add_body, name="add-body"),
    path("bodies/<str:prefix>/", views.body_page, name="body"),
    path("bodies/<str:prefix>/members/", views.add_members, name="add-members"),
    path("bodies/<str:prefix>/secretary/", views.appoint_secretary, name="appoint-secretary"),
    path("bodies/<str:prefix>/papers/", views.register_body_paper, name="register-paper"),
    path("<str:prefix>/meetings/", views.record_meeting, name="record-meeting"),
    path("<str:prefix>/<int:number>/", views.meeting_page, name="meeting"),
    path("<str:prefix>/<int:number>/points/", views.record_point, name="record-point"),
    path("<str:prefix>/<int:number>/attachments/", views.attach, name="attach"),
    path("<str:prefix>/<int:number>/sign/", views.sign, name="sign"),
    path("<str:prefix>/<int:number>/corrections/", views.correct, name="correct"),
    path("<str:prefix>/<int:number>/extracts/", views.make_extract, name="extract"),
]
