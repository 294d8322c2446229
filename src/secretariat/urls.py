"""URL routes. The web desks come with the web application; the public channels are here already."""

from django.urls import include, path

urlpatterns = [
    path("channels/", include("secretariat.releases.urls")),
]
