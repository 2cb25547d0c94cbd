from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "apps.appeals"
    label = "appeals"
    verbose_name = "群众诉求"
