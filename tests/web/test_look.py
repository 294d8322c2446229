"""What every page shares, whoever opens it."""

from django.contrib.staticfiles import finders


def test_every_page_has_the_icon_and_favicon_ico_finds_it(client, db):
    for page in ("/login/", "/channels/", "/reading-room/"):
        assert 'rel="icon" href="/static/kernel/favicon.svg"' in client.get(page).content.decode(), page
    redirected = client.get("/favicon.ico")
    assert redirected.status_code == 301 and redirected["Location"] == "/static/kernel/favicon.svg"


def test_desks_and_public_pages_share_one_stylesheet_with_a_dark_scheme(client, db):
    for page in ("/login/", "/channels/", "/reading-room/"):
        html = client.get(page).content.decode()
        assert '<link rel="stylesheet" href="/static/kernel/secretariat.css">' in html and "<style>" not in html, page
    with open(finders.find("kernel/secretariat.css"), encoding="utf-8") as f:
        css = f.read()
    assert "@media (prefers-color-scheme: dark)" in css and css.count("{") == css.count("}")
