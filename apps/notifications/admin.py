from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import is_district_official
from apps.notifications.models import Message
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
