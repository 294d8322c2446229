"""The cable desk: /cable-desk/, a cable at /cable-desk/<number>/, one route per action."""

from django.urls import path, register_converter

from secretariat.cables import views
from secretariat.kernel.numbers import RegistrationNumberConverter

register_converter(RegistrationNumberConverter, "cable")

app_name = "cables"
urlpatterns = [
    path("", views.cable_desk, name="desk"),
    path("draft/", views.draft, name="draft"),
    path("<cable:number>/approve/", views.approve, name="approve"),
    path("<cable:number>/send/", views.send, name="send"),
    path("<cable:number>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<cable:number>/announce/", views.announce, name="announce"),
    path("<cable:number>/report/", views.report, name="report"),
    path("<cable:number>/", views.cable_page, name="cable"),
]
