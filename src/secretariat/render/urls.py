"""Every reader's page of a paper (/documents/<number>/) and the PDF of their copy."""

from django.urls import path

from secretariat.render import views

app_name = "render"
urlpatterns = [
    path("documents/<regno:number>/", views.document_page, name="document"),
    path("documents/<regno:number>/copy/<int:k>.pdf", views.copy_pdf, name="copy-pdf"),
]
