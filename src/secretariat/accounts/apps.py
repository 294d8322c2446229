from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "secretariat.accounts"
    label = "accounts"
