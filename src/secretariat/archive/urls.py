"""The reading room and its exports (public, /reading-room/ and /oai), and the archive desk (/archive/)."""

from django.urls import path

from secretariat.archive import desk_views, export_views, views

app_name = "archive"
urlpatterns = [
    path("reading-room/", views.reading_room, name="reading-room"),
    path("reading-room/ead3/<str:repository>/<str:fond>.xml", export_views.ead3_view, name="ead3"),
    path("reading-room/ead2002/<str:repository>/<str:fond>.xml", export_views.ead2002_view, name="ead2002"),
    path("reading-room/dc/<str:repository>/<str:fond>.xml", export_views.dublin_core_view, name="dc"),
    path("reading-room/<str:identifier>/dc.xml", export_views.item_dublin_core, name="item-dc"),
    path("reading-room/<str:identifier>/", views.item_page, name="item"),
    path("reading-room/<str:identifier>/scan.pdf", views.scan_pdf, name="scan-pdf"),
    path("reading-room/<str:identifier>/pages/<int:number>.png", views.page_image, name="page"),
    path(
        "reading-room/<str:identifier>/pages/<int:number>/thumbnail.png",
        views.page_image,
        {"thumbnail": True},
        name="page-thumbnail",
    ),
    path("reading-room/<str:identifier>/manifest.json", views.manifest, name="manifest"),
    path("reading-room/<str:identifier>/iiif/<int:number>/info.json", views.image_info, name="iiif-info"),
    path(
        "reading-room/<str:identifier>/iiif/<int:number>/full/<str:size>/0/default.png", views.image, name="iiif-image"
    ),
    path("oai", export_views.oai_view, name="oai"),
    path("archive/", desk_views.archive_desk, name="desk"),
    path("archive/repositories/", desk_views.add_repository, name="add-repository"),
    path("archive/units/", desk_views.describe_unit, name="describe-unit"),
    path("archive/import/", desk_views.import_transcription, name="import"),
    path("archive/transfer/", desk_views.transfer, name="transfer"),
    path("archive/fixity/", desk_views.fixity, name="fixity"),
    path("archive/sweep/", desk_views.sweep, name="sweep"),
    path("archive/items/<path:reference>/instruction/", desk_views.instruct, name="instruct"),
    path("archive/items/<path:reference>/event/", desk_views.event, name="event"),
    path("archive/items/<path:reference>/review/", desk_views.review, name="review"),
    path("archive/items/<path:reference>/scan/", desk_views.add_scan, name="add-scan"),
    path("archive/items/<path:reference>/publish/", desk_views.publish, name="publish"),
    path("archive/items/<path:reference>/withdraw/", desk_views.withdraw, name="withdraw"),
    path("archive/items/<path:reference>/", desk_views.item_page, name="desk-item"),
]
