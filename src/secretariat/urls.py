"""URL routes: the public channels, the REST API; the web desks come with the web application."""

from django.urls import include, path

urlpatterns = [
    path("channels/", include("secretariat.releases.urls")),
    path("api/", include("secretariat.api.urls")),
]
