"""URL routes: login, the desks, the public channels and the REST API."""

from django.urls import include, path

urlpatterns = [
    path("", include("secretariat.accounts.urls")),
    path("", include("secretariat.web.urls")),
    path("channels/", include("secretariat.releases.urls")),
    path("api/", include("secretariat.api.urls")),
]
