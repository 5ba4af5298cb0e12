from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    verbose_name = "Tài khoản công dân, doanh nghiệp"
