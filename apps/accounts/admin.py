from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import OfficialProfile

User = get_user_model()


class OfficialProfileInline(admin.StackedInline):
    model = OfficialProfile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["subdistrict", "department"]
    fields = ["scope", "subdistrict", "department", "public_name", "title"]
    verbose_name = _("工作人员权限范围")
    verbose_name_plural = _("工作人员权限范围")


admin.site.unregister(User)


@admin.register(User)
class OfficialUserAdmin(UserAdmin):
    """Django's user admin with the official's scope (全区 / 街道 / 责任单位) on the same page."""

    inlines = [OfficialProfileInline]
    list_display = ["username", "full_name", "scope_display", "is_staff", "is_active", "last_login"]
    list_select_related = ["official", "official__subdistrict", "official__department"]
    list_filter = ["is_staff", "is_active", "groups", "official__scope"]

    @admin.display(description=_("姓名"))
    def full_name(self, obj) -> str:
        return obj.get_full_name() or "—"

    @admin.display(description=_("权限范围"))
    def scope_display(self, obj) -> str:
        profile = getattr(obj, "official", None)
        if profile is None:
            return "—"
        if profile.subdistrict_id:
            return f"{profile.get_scope_display()} · {profile.subdistrict.name}"
        if profile.department_id:
            return f"{profile.get_scope_display()} · {profile.department.name}"
        return profile.get_scope_display()

    def get_inline_instances(self, request, obj=None):
        # The scope is set once the account exists (the add page only asks for a password).
        return super().get_inline_instances(request, obj) if obj is not None else []


@admin.register(OfficialProfile)
class OfficialProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "scope", "subdistrict", "department", "public_name", "title"]
    list_filter = ["scope"]
    search_fields = ["user__username", "public_name", "subdistrict__name", "department__name"]
    list_select_related = ["user", "subdistrict", "department"]
    autocomplete_fields = ["user", "subdistrict", "department"]
