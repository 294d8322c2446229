"""URL routes: login, the desks, the public channels and the REST API."""

from django.urls import include, path

urlpatterns = [
    path("", include("secretariat.accounts.urls")),
    path("", include("secretariat.web.urls")),
    path("", include("secretariat.registry.urls")),  # /registry/ desk, /documents/<number>/
    path("secretary/", include("secretariat.decisions.urls")),
    path("cable-desk/", include("secretariat.cables.urls")),
    path("audit/", include("secretariat.audit.urls")),
    path("channels/", include("secretariat.releases.urls")),  # public pages and feeds; /channels/press/ desk
    path("", include("secretariat.archive.urls")),  # /reading-room/, /oai, the /archive/ desk
    path("api/", include("secretariat.api.urls")),
]
