from django.urls import path

from secretariat.accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/second-factor/", views.second_factor, name="second-factor"),
    path("logout/", views.logout, name="logout"),
    path("activate/", views.activate, name="activate"),
    path("access/", views.access_desk, name="access"),
    path("access/request/", views.request_principal, name="access-request"),
    path("access/<int:request_id>/approve/", views.approve, name="access-approve"),
    path("access/<int:request_id>/reject/", views.reject, name="access-reject"),
]
