"""URL routes. The web desks come with the web application; the root is empty for now."""

urlpatterns: list = []
