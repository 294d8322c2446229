from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from secretariat.web import search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("in-tray/", views.in_tray, name="in-tray"),
    path("search/", search_views.search_page, name="search"),  # staff search over the papers one may read
    # Browsers ask for /favicon.ico whatever the page links: send them to the icon the pages name.
    path("favicon.ico", RedirectView.as_view(url=static("kernel/favicon.svg"), permanent=True), name="favicon"),
]
