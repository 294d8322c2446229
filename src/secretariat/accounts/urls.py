from django.urls import path

from secretariat.accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/second-factor/", views.second_factor, name="second-factor"),
    path("logout/", views.logout, name="logout"),
]
