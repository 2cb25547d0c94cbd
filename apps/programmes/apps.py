from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "apps.programmes"
    label = "programmes"
    verbose_name = "六心板块"

    def ready(self) -> None:
        from apps.common.cache import ALL_DATA, invalidate_on_change
        from apps.programmes.models import Programme

        invalidate_on_change(ALL_DATA, Programme)
