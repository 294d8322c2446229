"""The cable desk: /cable-desk/, a cable at /cable-desk/<number>/, one route per action."""

from django.urls import path

from secretariat.cables import views

app_name = "cables"
urlpatterns = [
    path("", views.cable_desk, name="desk"),
    path("draft/", views.draft, name="draft"),
    path("cables.csv", views.cables_csv, name="cables-csv"),
    path("controls.csv", views.controls_csv, name="controls-csv"),
    path("controls/", views.controls_page, name="controls"),  # the secretary's controls
    path("controls/<regno:number>/instruct/", views.instruct, name="instruct"),
    path("controls/<int:control_id>/cancel/", views.cancel_control, name="cancel-control"),
    path("approvals/<str:prefix>/<int:number>/", views.approve_under_protocol, name="approve-under-protocol"),
    path("<regno:number>/approve/", views.approve, name="approve"),
    path("<regno:number>/send/", views.send, name="send"),
    path("<regno:number>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<regno:number>/report/", views.report, name="report"),
    path("<regno:number>/", views.cable_page, name="cable"),
]
