"""The outbox: every message a change causes is a row written in that change's transaction.

Workers (apps.notifications.tasks) send pending rows after the commit; a step that rolls back
leaves no message, and a message whose worker or broker was down stays pending until sent.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.fields import EncryptedCharField


class MessageChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Message(models.Model):
    channel = models.CharField(_("渠道"), max_length=10, choices=MessageChannel.choices)
    # Personal data (a phone number or an e-mail address): encrypted at rest like the request's own.
    recipient = EncryptedCharField(_("接收方"), max_length=254)
    template = models.CharField(_("模板"), max_length=40)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("诉求"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息发件箱")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="message_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.template} · {self.get_status_display()}"
