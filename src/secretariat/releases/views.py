"""The public side of releases: channel pages and single releases, open to anyone.

Everything shown comes from `releases.selectors`, which hands out only what went out; a
prepared but unreleased announcement is never reachable from here.
"""

from dataclasses import dataclass
from operator import attrgetter

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from secretariat.kernel.desks import public as public_page
from secretariat.kernel.errors import NotFound
from secretariat.releases import selectors
from secretariat.releases.models import Release

LATEST_PER_CHANNEL = 5
RELEASES_PER_PAGE = 20


@dataclass(frozen=True)
class Published:
    """A release as the public sees it: its register entry and the text that went out."""

    release: Release
    text: str


def published(release: Release) -> Published:
    """The text that went out: the released document's one version (never changed after release)."""
    return Published(release, max(release.document.versions.all(), key=attrgetter("number")).text)


public = public_page("releases/not_found.html")


@public
def channel_list(request):
    listing = [(channel, selectors.releases(channel)[:LATEST_PER_CHANNEL]) for channel in selectors.channels()]
    return render(request, "releases/channel_list.html", {"listing": listing})


@public
def channel_page(request, code: str):
    channel = selectors.channel(code)
    releases = selectors.releases(channel).prefetch_related("document__versions")
    page = Paginator(releases, RELEASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "releases/channel.html",
        {"channel": channel, "page": page, "published": [published(r) for r in page]},
    )


@public
def release_page(request, code: str, number: str):
    channel = selectors.channel(code)
    release = selectors.released(number)
    if release.channel_id != channel.pk:
        raise NotFound(_("no release No %(number)s in %(channel)s") % {"number": number, "channel": channel.code})
    return render(request, "releases/release.html", {"channel": channel, "item": published(release)})
