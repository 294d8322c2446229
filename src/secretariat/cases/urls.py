"""The case files desk: /cases/, a case at /cases/<number>/, one route per action."""

from django.urls import path

from secretariat.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/", views.open_case, name="open"),
    path("papers/suggest/", views.suggest_papers, name="suggest-papers"),  # the paper pickers' search-as-you-type
    path("<regno:number>/", views.case_page, name="case"),
    path("<regno:number>/papers/", views.add_paper, name="add-paper"),
    path("<regno:number>/close/", views.close_case, name="close"),
]
