"""The registry desk's routes (/registry/…) and the document page every reader gets (/documents/…)."""

from django.urls import path, register_converter

from secretariat.kernel.numbers import RegistrationNumberConverter
from secretariat.registry import views

register_converter(RegistrationNumberConverter, "registry_number")

app_name = "registry"
urlpatterns = [
    path("registry/", views.register, name="register"),
    path("registry/register/", views.register_document, name="register-document"),
    path("registry/holders/<str:username>/", views.holder, name="holder"),
    path("registry/<registry_number:number>/", views.entry, name="entry"),
    path("registry/<registry_number:number>/distribution/", views.add_to_distribution, name="add-to-distribution"),
    path("registry/<registry_number:number>/issue/", views.issue_copies, name="issue-copies"),
    path("registry/<registry_number:number>/copies/<int:k>/return/", views.return_copy, name="return-copy"),
    path("registry/<registry_number:number>/copies/<int:k>/destroy/", views.record_destruction, name="destroy-copy"),
    path("registry/<registry_number:number>/copies/<int:k>/witness/", views.witness_destruction, name="witness"),
    path("registry/<registry_number:number>/copies/<int:k>/loss/", views.report_loss, name="report-loss"),
    path("documents/<registry_number:number>/", views.document_page, name="document"),
    path("documents/<registry_number:number>/copy/<int:k>.pdf", views.copy_pdf, name="copy-pdf"),
    path("documents/<registry_number:number>/copy/<int:k>/receipt/", views.confirm_receipt, name="confirm-receipt"),
]
