from django.urls import path

from secretariat.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("in-tray/", views.in_tray, name="in-tray"),
]
