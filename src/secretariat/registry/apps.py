from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "secretariat.registry"
    label = "registry"

    def ready(self) -> None:
        from secretariat.registry.models import Document
        from secretariat.registry.selectors import paper_search_texts
        from secretariat.search.models import Entry
        from secretariat.search.services import register_source

        register_source(Entry.Scope.STAFF, paper_search_texts, Document.objects.count)
