"""The REST API's routes: the operations of `api.api`, then a problem-details 404 for anything else."""

from django.urls import path, re_path

from secretariat.api.api import api, no_such_operation

urlpatterns = [
    path("", api.urls),
    re_path(r"", no_such_operation),
]
