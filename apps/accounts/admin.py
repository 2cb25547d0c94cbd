from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import OfficialProfile, SignInLock
from apps.accounts.scoping import is_district_official
from apps.accounts.selectors import group_permissions, official_snapshot
from apps.accounts.services import group_change_audit, official_change_audit, sign_in_locks_lift

User = get_user_model()


class AuditedOfficialChangesMixin:
    """Every change of an official's flags, groups, permissions or scope goes to the audit log."""

    def official_id(self, obj) -> int | None:
        return obj.pk

    def save_model(self, request, obj, form, change):
        request._official_before = official_snapshot(self.official_id(obj)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = User.objects.get(pk=self.official_id(form.instance))
        official_change_audit(request=request, user=user, before=getattr(request, "_official_before", {}))


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
class OfficialUserAdmin(AuditedOfficialChangesMixin, UserAdmin):
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
class OfficialProfileAdmin(AuditedOfficialChangesMixin, admin.ModelAdmin):
    list_display = ["user", "scope", "subdistrict", "department", "public_name", "title"]
    list_filter = ["scope"]
    search_fields = ["user__username", "public_name", "subdistrict__name", "department__name"]
    list_select_related = ["user", "subdistrict", "department"]
    autocomplete_fields = ["user", "subdistrict", "department"]

    def official_id(self, obj) -> int | None:
        return obj.user_id


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(GroupAdmin):
    def save_model(self, request, obj, form, change):
        request._group_before = group_permissions(obj.pk) if change else []
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group_change_audit(request=request, group=form.instance, before=getattr(request, "_group_before", []))


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):
    """Failed sign-ins per username and address (django-axes); a district official lifts a lock."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time", "path_info"]
    readonly_fields = fields
    actions = ["lift"]

    @admin.display(description=_("锁定中"), boolean=True)
    def locked(self, obj) -> bool:
        return (
            obj.failures_since_start >= settings.AXES_FAILURE_LIMIT
            and obj.attempt_time + settings.AXES_COOLOFF_TIME > timezone.now()
        )

    @admin.action(description=_("解除所选锁定"), permissions=["lift"])
    def lift(self, request, queryset):
        lifted = sign_in_locks_lift(attempts=list(queryset), by=request.user, request=request)
        self.message_user(request, gettext("已解除 %(n)d 条登录锁定。") % {"n": lifted}, messages.SUCCESS)

    def has_lift_permission(self, request) -> bool:
        return is_district_official(request.user)

    def has_module_permission(self, request) -> bool:
        return is_district_official(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_district_official(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
