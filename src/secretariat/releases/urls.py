"""Public routes of the channels (no login, GET only), and the press desk under press/."""

from django.urls import path

from secretariat.releases import desk_views, views
from secretariat.releases.feeds import ChannelFeed

app_name = "releases"
urlpatterns = [
    path("", views.channel_list, name="channels"),
    path("press/", desk_views.press_desk, name="press"),  # the press desk, before the channels' "<code>/"
    path("press/channels/", desk_views.channels_page, name="press-channels"),  # the administrator's
    path("press/channels/add/", desk_views.add_channel, name="press-add-channel"),
    path("press/channels/<slug:code>/editors/", desk_views.add_editor, name="press-add-editor"),
    path("press/<int:template_id>/release/", desk_views.release, name="press-release"),
    path("<slug:code>/", views.channel_page, name="channel"),
    path("<slug:code>/feed.atom", views.public(ChannelFeed()), name="feed"),
    path("<slug:code>/<regno:number>/", views.release_page, name="release"),
]

# The announcement a draft cable carries is prepared from the cable's page: the project's URLs
# put this under /cable-desk/ (`announcements:announce`).
announcement_urlpatterns = [
    path("<regno:number>/announce/", desk_views.announce, name="announce"),
]
