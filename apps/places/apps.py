from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "apps.places"
    label = "places"
    verbose_name = "区域与单位"

    def ready(self) -> None:
        from apps.common.cache import ALL_DATA, invalidate_on_change
        from apps.places.models import Area, Department

        # Area and department names appear beside projects and requests alike.
        invalidate_on_change(ALL_DATA, Area, Department)
