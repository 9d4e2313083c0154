from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "welcoming.accounts"
    label = "accounts"
    verbose_name = "Accounts"
