from django.apps import AppConfig


class ScansConfig(AppConfig):
    """Scanned papers: the file as it came, what OCR read of it, its page images and word boxes."""

    name = "secretariat.scans"
    label = "scans"

    def ready(self) -> None:
        from secretariat.kernel import panels
        from secretariat.scans import views
        from secretariat.scans.models import Scan
        from secretariat.scans.selectors import scan_search_texts
        from secretariat.search.models import Entry
        from secretariat.search.services import register_source

        register_source(Entry.Scope.SCANS, scan_search_texts, Scan.objects.filter(state=Scan.State.READ).count)
        panels.contribute("registry.entry", views.scans_panel)
