"""The audit desk's routes (filled in with the web application)."""

urlpatterns: list = []
