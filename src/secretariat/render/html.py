"""A document as one standalone, printable HTML5 page, through an autoescaping template."""

from django.template.loader import render_to_string

from secretariat.cables.selectors import CableReading
from secretariat.registry.models import Copy
from secretariat.registry.selectors import Reading
from secretariat.render.page import level_class, page


def render_html(reading: Reading | CableReading, copy: Copy | None = None) -> str:
    """The paper as `reading` lets its reader see it, with banners coloured by its classification."""
    layout = page(reading, copy)
    portions = [
        {
            "attachment": portion.attachment,
            "lines": [
                {"role": line.role, "text": line.text, "level": level_class(line.marks) if line.marks else ""}
                for line in portion.lines
            ],
        }
        for portion in layout.portions
    ]
    return render_to_string(
        "render/document.html",
        {"page": layout, "level": level_class(layout.classification), "portions": portions},
    )
