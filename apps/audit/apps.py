from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        # Sign-in, sign-out, failed sign-in and lockout are announced by Django and django-axes
        # only as signals; there is no service of ours on that path to call the log from.
        from apps.audit import receivers  # noqa: F401
