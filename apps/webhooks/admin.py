from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import is_district_official
from apps.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from apps.webhooks.services import deliveries_resend, subscription_resume


class DistrictOnly:
    """Webhooks carry what API keys may read: district-wide officials manage them, like the keys."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_district_official(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_district_official(request.user)


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["created_at", "event", "object_id", "status", "response_code", "attempts", "attempted_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        # The latest only: the full log is the deliveries list, filtered by subscription.
        ids = WebhookDelivery.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[:20]
        return super().get_queryset(request).filter(pk__in=list(ids))

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("接收地址"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("订阅事件"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["api_key", "url", "events", "is_active"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(DistrictOnly, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["api_key", "url", "is_active", "failing_since", "paused_at", "created_at"]
    list_filter = ["is_active"]
    list_select_related = ["api_key"]
    fields = ["api_key", "url", "events", "is_active", "secret", "failing_since", "paused_at"]
    readonly_fields = ["secret", "failing_since", "paused_at"]
    inlines = [DeliveryInline]
    actions = ["resume"]

    @admin.action(description=_("恢复所选的订阅"), permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset:
            subscription_resume(subscription=subscription)
        self.message_user(request, gettext("已恢复。"), messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_district_official(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_district_official(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_district_official(request.user)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(DistrictOnly, admin.ModelAdmin):
    """The delivery log: status, response code and time of every delivery, and a re-send."""

    list_display = ["created_at", "subscription", "event", "object_id", "status", "response_code", "attempts"]
    list_filter = ["status", "event", "subscription"]
    list_select_related = ["subscription__api_key"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["resend"]

    @admin.action(description=_("重新发送所选的推送"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = deliveries_resend(deliveries=queryset)
        self.message_user(request, gettext("已重新排队 %(n)d 条推送。") % {"n": count}, messages.SUCCESS)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return is_district_official(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
