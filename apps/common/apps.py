from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "apps.common"
    label = "common"
    verbose_name = "公共"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from apps.common.cache import bump_on_change

        # Cache invalidation, not domain logic: any saved or deleted project, request, area or
        # programme row marks cached public pages stale, whether the write came from a
        # service, the admin or an import (see apps.common.cache).
        for name, signal in (("post_save", post_save), ("post_delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(bump_on_change, dispatch_uid=f"common.cache.{name}")
