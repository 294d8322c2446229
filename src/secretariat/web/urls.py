from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from secretariat.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("in-tray/", views.in_tray, name="in-tray"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the icon the pages name.
    path("favicon.ico", RedirectView.as_view(url=static("kernel/favicon.svg"), permanent=True), name="favicon"),
]
