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
    path("access/principals/", views.principals, name="access-principals"),
    path("access/principals/<str:username>/", views.principal, name="access-principal"),
    path("access/principals/<str:username>/clearance/", views.change_clearance, name="access-clearance"),
    path("access/principals/<str:username>/roles/", views.grant_roles, name="access-roles"),
    path("access/principals/<str:username>/reset/", views.request_reset, name="access-reset"),
    path("access/principals/<str:username>/deactivate/", views.deactivate, name="access-deactivate"),
    path("access/units/", views.units, name="access-units"),
    path("access/compartments/", views.compartments, name="access-compartments"),
    path("access/tokens/", views.tokens, name="access-tokens"),
    path("access/suggest/", views.suggest, name="suggest"),  # pickers' search-as-you-type
    path("access/tokens/<int:token_id>/revoke/", views.revoke_token, name="access-token-revoke"),
]
