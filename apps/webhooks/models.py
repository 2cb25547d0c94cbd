"""Webhook subscriptions of API keys and their delivery log.

A change writes one `WebhookDelivery` per subscription that wants its event, in the change's own
transaction (the outbox); workers sign and POST it after the commit, retry it with exponential
backoff for WEBHOOK_RETRY_HOURS, and keep every attempt's outcome on the row.
"""

from __future__ import annotations

import base64
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    REQUEST_CREATED = "request.created", _("诉求已提交")
    REQUEST_STATUS_CHANGED = "request.status_changed", _("诉求状态变化")
    REQUEST_REPLIED = "request.replied", _("诉求已答复")
    PROJECT_UPDATED = "project.updated", _("项目已更新")
    PROJECT_PROGRESS_POSTED = "project.progress_posted", _("项目发布进展")


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in Base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookSubscription(models.Model):
    api_key = models.ForeignKey(
        "apikeys.ApiKey", verbose_name=_("API 密钥"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅事件"), default=list)
    secret = models.CharField(_("签名密钥"), max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    failing_since = models.DateTimeField(_("连续失败起始时间"), null=True, blank=True, editable=False)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.api_key} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("不在权限范围")


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("订阅"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("事件"), max_length=40, choices=WebhookEvent.choices)
    # What changed: the payload is read through the API's serializers for the key's scope when
    # first sent, then kept, so every retry sends the same body.
    object_id = models.BigIntegerField(_("对象编号"))
    webhook_id = models.CharField(_("消息编号"), max_length=40, unique=True, editable=False)
    payload = models.JSONField(_("内容"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    response_code = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    attempted_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook 推送记录")
        verbose_name_plural = _("Webhook 推送记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} #{self.object_id} · {self.get_status_display()}"
