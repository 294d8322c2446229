from django.apps import AppConfig


class ScansConfig(AppConfig):
    """Scanned papers: the file as it came, what OCR read of it, its page images and word boxes."""

    name = "secretariat.scans"
    label = "scans"
