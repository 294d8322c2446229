"""The registry desk's routes (/registry/…), and a holder's receipt for their copy (/documents/…/receipt/)."""

from django.urls import path

from secretariat.registry import views

app_name = "registry"
urlpatterns = [
    path("registry/", views.register, name="register"),
    path("registry/register/", views.register_document, name="register-document"),
    path("registry/register.csv", views.register_csv, name="register-csv"),
    path("registry/overdue/", views.overdue, name="overdue"),
    path("registry/overdue.csv", views.overdue_csv, name="overdue-csv"),
    path("registry/holders/<str:username>/", views.holder, name="holder"),
    path("registry/<regno:number>/", views.entry, name="entry"),
    path("registry/<regno:number>/distribution/", views.add_to_distribution, name="add-to-distribution"),
    path("registry/<regno:number>/attachments/", views.add_attachment, name="add-attachment"),
    path("registry/<regno:number>/versions/", views.add_version, name="add-version"),
    path("registry/<regno:number>/issue/", views.issue_copies, name="issue-copies"),
    path("registry/<regno:number>/copies/<int:k>/return/", views.return_copy, name="return-copy"),
    path("registry/<regno:number>/copies/<int:k>/destroy/", views.record_destruction, name="destroy-copy"),
    path("registry/<regno:number>/copies/<int:k>/witness/", views.witness_destruction, name="witness"),
    path("registry/<regno:number>/copies/<int:k>/loss/", views.report_loss, name="report-loss"),
    path("documents/<regno:number>/copy/<int:k>/receipt/", views.confirm_receipt, name="confirm-receipt"),
]
