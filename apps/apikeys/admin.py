from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import scope_of
from apps.apikeys.models import ApiKey
from apps.apikeys.services import api_key_create, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "scope", "department", "channel", "created_at", "last_used_at", "active"]
    list_filter = ["scope", "channel", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["department"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    fields = ["name", "scope", "department", "channel"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]

    @admin.display(description=_("有效"), boolean=True)
    def active(self, obj: ApiKey) -> bool:
        return obj.is_active

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return self.fields
        return [*self.fields, *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        # A key's rights are fixed at creation: to change them, create a new key and revoke the old one.
        if obj is None:
            return []
        return ["scope", "department", "channel", *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        created, raw = api_key_create(
            name=obj.name, scope=obj.scope, department=obj.department, channel=obj.channel, by=request.user
        )
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False
        messages.warning(
            request,
            _("接口密钥已创建，请立即复制保存，此后无法再次查看：%(key)s") % {"key": raw},
        )

    # Keys can read personal data district-wide: only district-wide officials manage them, even
    # if a scoped official were given the model permissions by mistake.
    def _district_wide(self, request: HttpRequest) -> bool:
        return scope_of(request.user).is_all

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._district_wide(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return self._district_wide(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._district_wide(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return self._district_wide(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        # Revoke instead of delete, so the key's history (who created it, when it was last used) stays.
        return False

    @admin.action(description=_("吊销所选密钥"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(api_key=api_key, by=request.user)
            count += 1
        self.message_user(request, _("已吊销 %(count)d 个密钥。") % {"count": count}, messages.SUCCESS)
