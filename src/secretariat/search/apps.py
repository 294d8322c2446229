from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search (SQLite FTS5, PostgreSQL tsvector) behind one interface: the reading room and staff search."""

    name = "secretariat.search"
    label = "search"
