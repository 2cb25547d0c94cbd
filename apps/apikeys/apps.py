from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    name = "apps.apikeys"
    label = "apikeys"
    # The admin section officials know (Open311's discovery document points them to it).
    verbose_name = "开放接口"
