"""The Atom feed of a channel: what went out through it, newest first, with the full text."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from secretariat.kernel import clock
from secretariat.releases import selectors
from secretariat.releases.models import Channel, Release
from secretariat.releases.views import published

ENTRIES = 50


class ReleaseAtomFeed(Atom1Feed):
    """Atom 1.0 with the released text as the entry's <content>, and time from the one clock."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "text"})

    def latest_post_date(self):
        """The newest release; a channel with none yet is as fresh as now."""
        dates = [item["updateddate"] or item["pubdate"] for item in self.items]
        return max(dates) if dates else clock.now()


class ChannelFeed(Feed):
    feed_type = ReleaseAtomFeed

    def get_object(self, request, code: str) -> Channel:
        return selectors.channel(code)

    def title(self, channel: Channel) -> str:
        return channel.name

    def subtitle(self, channel: Channel) -> str:
        return _("Releases of %(channel)s, series %(series)s") % {"channel": channel.name, "series": channel.series}

    def author_name(self, channel: Channel) -> str:
        return channel.name

    def link(self, channel: Channel) -> str:
        return reverse("releases:channel", args=[channel.code])

    def feed_url(self, channel: Channel) -> str:
        return reverse("releases:feed", args=[channel.code])

    def items(self, channel: Channel):
        return selectors.releases(channel).prefetch_related("document__versions")[:ENTRIES]

    def item_title(self, release: Release) -> str:
        return release.document.title

    def item_description(self, release: Release) -> None:
        return None

    def item_link(self, release: Release) -> str:
        return reverse("releases:release", args=[release.channel.code, release.document.number])

    def item_pubdate(self, release: Release):
        return release.released_at

    def item_updateddate(self, release: Release):
        return release.released_at

    def item_extra_kwargs(self, release: Release) -> dict:
        return {"content": published(release).text}
