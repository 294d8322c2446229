"""What every page shares, whoever opens it."""


def test_every_page_has_the_icon_and_favicon_ico_finds_it(client, db):
    for page in ("/login/", "/channels/", "/reading-room/"):
        assert 'rel="icon" href="/static/kernel/favicon.svg"' in client.get(page).content.decode(), page
    redirected = client.get("/favicon.ico")
    assert redirected.status_code == 301 and redirected["Location"] == "/static/kernel/favicon.svg"
