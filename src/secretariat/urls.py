"""URL routes: login, the desks, the public channels and the REST API."""

from django.urls import include, path

from secretariat.releases.urls import announcement_urlpatterns

urlpatterns = [
    path("", include("secretariat.accounts.urls")),
    path("", include("secretariat.web.urls")),
    path("", include("secretariat.registry.urls")),  # /registry/ desk, a copy's receipt
    path("", include("secretariat.render.urls")),  # /documents/<number>/, a copy's PDF
    path("", include("secretariat.scans.urls")),  # /registry/<number>/scans/, /scans/<id>/ and its pages
    path("cases/", include("secretariat.cases.urls")),  # the registrar's case files desk
    path("imports/", include("secretariat.imports.urls")),  # batches queued for the worker
    path("secretary/", include("secretariat.decisions.urls")),
    path("cable-desk/", include("secretariat.cables.urls")),
    path("cable-desk/", include((announcement_urlpatterns, "announcements"))),  # a draft's announcement
    path("audit/", include("secretariat.audit.urls")),
    path("channels/", include("secretariat.releases.urls")),  # public pages and feeds; /channels/press/ desk
    path("", include("secretariat.archive.urls")),  # /reading-room/, /oai, the /archive/ desk
    path("api/", include("secretariat.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # the header's language switch (set_language)
]

handler500 = "secretariat.web.views.server_error"
