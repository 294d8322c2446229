"""A document as plain text: each line of its layout a paragraph, the banner closing a classified paper."""

from secretariat.cables.selectors import CableReading
from secretariat.registry.models import Copy
from secretariat.registry.selectors import Reading
from secretariat.render.page import page


def render_text(reading: Reading | CableReading, copy: Copy | None = None) -> str:
    """The paper as `reading` (from read_document or read_cable) lets its reader see it."""
    layout = page(reading, copy)
    paragraphs = [line.text for portion in layout.portions for line in portion.lines]
    if not layout.public:
        paragraphs.append(layout.banner)
    return "\n\n".join(paragraphs) + "\n"
