from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import is_district_official
from apps.notifications.models import Message, NoticeKind, NoticePreference, OfficialNotice
from apps.notifications.officials import notice_preference_save, notices_mark_read
from apps.notifications.services import messages_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, for district-wide officials: what was sent, what failed and why, and a retry."""

    list_display = ["created_at", "channel", "template", "appeal", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "template"]
    list_select_related = ["appeal"]
    search_fields = ["appeal__tracking_no"]
    actions = ["retry"]
    readonly_fields = [f.name for f in Message._meta.fields]

    @admin.action(description=_("重新发送所选的失败消息"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = messages_retry(messages=queryset)
        self.message_user(request, gettext("已重新排队 %(n)d 条消息。") % {"n": count}, messages.SUCCESS)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return is_district_official(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_district_official(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_district_official(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("未读")), ("yes", _("已读"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


class NoticePreferenceForm(forms.Form):
    admin_kinds = forms.MultipleChoiceField(choices=NoticeKind.choices, required=False)
    email_kinds = forms.MultipleChoiceField(choices=NoticeKind.choices, required=False)


@admin.register(OfficialNotice)
class OfficialNoticeAdmin(admin.ModelAdmin):
    """An official's own notices (the bell in the header): read, open, mark read, choose how."""

    list_display = ["created_at", "kind", "notice", "urgent", "is_read"]
    list_filter = [ReadFilter, "kind", "urgent"]
    list_select_related = ["appeal"]
    list_per_page = 50
    actions = ["mark_read"]
    change_list_template = "admin/notifications/officialnotice/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfficialNotice]:
        return super().get_queryset(request).filter(user=request.user, in_admin=True)

    @admin.display(description=_("内容"))
    def notice(self, obj: OfficialNotice) -> str:
        url = reverse("admin:notifications_officialnotice_open", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.text)

    @admin.display(description=_("已读"), boolean=True)
    def is_read(self, obj: OfficialNotice) -> bool:
        return obj.read_at is not None

    @admin.action(description=_("标为已读"), permissions=["mark"])
    def mark_read(self, request: HttpRequest, queryset: QuerySet[OfficialNotice]) -> None:
        count = notices_mark_read(user=request.user, ids=queryset.values_list("pk", flat=True))
        self.message_user(request, gettext("已将 %(n)d 条提醒标为已读。") % {"n": count}, messages.SUCCESS)

    def get_urls(self):
        view, prefix = self.admin_site.admin_view, "notifications_officialnotice"
        own = [
            path("<int:pk>/open/", view(self.open_view), name=f"{prefix}_open"),
            path("read-all/", view(self.read_all_view), name=f"{prefix}_read_all"),
            path("preferences/", view(self.preferences_view), name=f"{prefix}_preferences"),
        ]
        return own + super().get_urls()

    def open_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Opening a notice marks it read and shows its request (scoped as ever by the request's admin)."""
        notice = get_object_or_404(OfficialNotice, pk=pk, user=request.user)
        notices_mark_read(user=request.user, ids=[notice.pk])
        return redirect("admin:appeals_appeal_change", notice.appeal_id)

    def read_all_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return redirect("admin:notifications_officialnotice_changelist")
        count = notices_mark_read(user=request.user)
        self.message_user(request, gettext("已将 %(n)d 条提醒标为已读。") % {"n": count}, messages.SUCCESS)
        return redirect("admin:notifications_officialnotice_changelist")

    def preferences_view(self, request: HttpRequest) -> HttpResponse:
        preference = NoticePreference.objects.filter(user=request.user).first()
        admin_kinds = preference.admin_kinds if preference else NoticeKind.values
        email_kinds = preference.email_kinds if preference else NoticeKind.values
        form = NoticePreferenceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            notice_preference_save(
                user=request.user,
                admin_kinds=form.cleaned_data["admin_kinds"],
                email_kinds=form.cleaned_data["email_kinds"],
            )
            self.message_user(request, gettext("通知设置已保存。"), messages.SUCCESS)
            return redirect("admin:notifications_officialnotice_preferences")
        rows = [
            {"value": value, "label": label, "admin": value in admin_kinds, "email": value in email_kinds}
            for value, label in NoticeKind.choices
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("通知设置"),
            "form": form,
            "rows": rows,
            "has_email": bool(request.user.email),
            "opts": self.model._meta,
        }
        return render(request, "admin/notifications/preferences.html", context)

    def has_mark_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and (obj is None or obj.user_id == request.user.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
