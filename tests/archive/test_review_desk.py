"""The archive desk says what the clock has made due: items whose review date has passed but that no
sweep has taken yet are listed beside the sweep's button, and the sweep takes them."""

from secretariat.archive.models import Item
from secretariat.kernel import clock


def _desk(client) -> str:
    return client.get("/archive/").content.decode()


def test_items_past_their_review_date_wait_for_the_sweep_on_the_desk(demo, login):
    archivist = login("archivist")
    due = [i for i in Item.objects.filter(declassified_at__isnull=True).exclude(review_on=None)]
    assert due, "the demo's archive holds classified items with a review date"
    first = min(i.review_on for i in due)
    with clock.frozen(f"{first.replace(year=first.year - 1).isoformat()}T12:00:00+00:00"):
        assert "came due for review and" not in _desk(archivist)  # a year before: nothing is due yet
    with clock.frozen(f"{first.isoformat()}T12:00:00+00:00"):
        page = _desk(archivist)
        assert "came due for review and" in page and "No review is due" not in page
        listed = [i for i in due if i.review_on <= first]
        assert all(f"{i.review_on:%-d %b %Y}" in page for i in listed)
        swept = archivist.post("/archive/sweep/", follow=True).content.decode()
        assert "came due for review and" not in swept  # taken: each opened for a reviewer, or declassified
