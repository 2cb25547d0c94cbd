from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "api"
    verbose_name = "开放接口"

    def ready(self) -> None:
        # The webhooks' payloads are the API's own serializers, registered rather than imported
        # by the domain (which never imports the API).
        from apps.api.webhooks import register

        register()
