from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "secretariat.archive"
    label = "archive"

    def ready(self) -> None:
        from secretariat.archive.selectors import published_count, published_search_texts
        from secretariat.search.models import Entry
        from secretariat.search.services import register_source

        register_source(Entry.Scope.READING_ROOM, published_search_texts, published_count)
