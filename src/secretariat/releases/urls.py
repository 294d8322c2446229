"""Public routes of the channels: no login, GET only."""

from django.urls import path, register_converter

from secretariat.registry.models import REGISTRATION_NUMBER
from secretariat.releases import views
from secretariat.releases.feeds import ChannelFeed


class RegistrationNumberConverter:
    """A registration number as the registry writes it (TASS-1, P46/X): '/' joins its parts."""

    regex = REGISTRATION_NUMBER.pattern.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegistrationNumberConverter, "number")

app_name = "releases"
urlpatterns = [
    path("", views.channel_list, name="channels"),
    path("<slug:code>/", views.channel_page, name="channel"),
    path("<slug:code>/feed.atom", views.public(ChannelFeed()), name="feed"),
    path("<slug:code>/<number:number>/", views.release_page, name="release"),
]
