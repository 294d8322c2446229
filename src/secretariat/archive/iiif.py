"""IIIF for the reading room: a Presentation 3.0 manifest of a published item's pages, and a level-0 Image API 3.0
service for each page (its info.json lists the two sizes served: the page and its thumbnail), so Mirador or
Universal Viewer shows the published pages. Built with the iiif-prezi3 models, which check the manifest's shape
as it is made. Only published pages (burned, rebuilt) are ever named here; a scan as it came never is."""

from iiif_prezi3 import KeyValueString, Manifest, ServiceV3

from secretariat.archive import records
from secretariat.archive.models import PublishedPage

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"


def manifest(item: records.PublishedItem, pages: list[PublishedPage], base: str) -> str:
    """The manifest (JSON) of a published item's pages; `base` is the reading room's URL of the item."""
    shown = Manifest(
        id=f"{base}manifest.json",
        label={"none": [item.title]},
        summary={"none": [item.citation]},
        metadata=[
            KeyValueString(label={"en": ["Reference"]}, value={"none": [item.citation]}),
            KeyValueString(label={"en": ["Date"]}, value={"none": [item.date_as_written or str(item.date or "")]}),
            KeyValueString(label={"en": ["Creator"]}, value={"none": [item.creator or "—"]}),
        ],
        requiredStatement=KeyValueString(
            label={"en": ["Published"]},
            value={"en": ["Declassified and published; withheld passages are blacked out, each with its reason."]},
        ),
        homepage=[{"id": base, "type": "Text", "label": {"none": [item.title]}, "format": "text/html"}],
        rendering=[{"id": f"{base}scan.pdf", "type": "Text", "label": {"en": ["PDF"]}, "format": "application/pdf"}],
    )
    for page in pages:
        service = f"{base}iiif/{page.number}"
        canvas = shown.make_canvas(
            id=f"{base}canvas/{page.number}", height=page.height, width=page.width, label={"none": [str(page.number)]}
        )
        canvas.add_image(
            image_url=f"{service}/full/max/0/default.png",
            anno_page_id=f"{base}canvas/{page.number}/page",
            anno_id=f"{base}canvas/{page.number}/image",
            format="image/png",
            height=page.height,
            width=page.width,
            service=[ServiceV3(id=service, type="ImageService3", profile="level0")],
        )
        canvas.thumbnail = [
            {"id": f"{service}/full/{_thumbnail_size(page)}/0/default.png", "type": "Image", "format": "image/png"}
        ]
    return shown.json(indent=2)


def _thumbnail_size(page: PublishedPage) -> str:
    return "{},{}".format(*page.thumbnail_size)


def sizes(page: PublishedPage) -> dict[str, str]:
    """The sizes a page's level-0 service serves, as the Image API names them, and the file of each."""
    return {"max": "image", f"{page.width},{page.height}": "image", _thumbnail_size(page): "thumbnail"}


def info(page: PublishedPage, service: str) -> dict:
    """The page's info.json: a level-0 service, only the sizes it lists."""
    return {
        "@context": IMAGE_CONTEXT,
        "id": service,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": page.width,
        "height": page.height,
        "sizes": [
            dict(zip(("width", "height"), page.thumbnail_size, strict=True)),
            {"width": page.width, "height": page.height},
        ],
    }
