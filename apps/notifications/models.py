"""The outbox: every message a change causes is a row written in that change's transaction.

Workers (apps.notifications.tasks) send pending rows after the commit; a step that rolls back
leaves no message, and a message whose worker or broker was down stays pending until sent.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.common.fields import EmailIndexField, EncryptedCharField


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
    follow = models.ForeignKey(
        "notifications.Follow",
        verbose_name=_("关注"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    # Extra e-mail headers (List-Unsubscribe): links, never personal data.
    headers = models.JSONField(_("邮件头"), default=dict, blank=True)
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


class FollowFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("有新进展时即时发送")
    WEEKLY = "weekly", _("每周汇总一次")


def new_nonce() -> str:
    return secrets.token_hex(8)


class Follow(models.Model):
    """Someone follows the public 进展 of a project, a 街道/社区 or a programme by e-mail.

    Double opt-in: nothing but the confirmation is sent until `confirmed_at` is set by the signed
    link. Unsubscribing deletes the row. `nonce` is in every link: changing it revokes them.
    `last_update_id` is the newest progress update already told (or existing when confirmed).
    """

    # Personal data: encrypted at rest, found through its blind index, never shown publicly.
    email = EncryptedCharField(_("电子邮箱"), max_length=254)
    email_index = EmailIndexField(source="email")
    target = models.CharField(_("关注对象"), max_length=40, editable=False)  # "project:12", one per address
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        "places.Area", verbose_name=_("区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("板块"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    frequency = models.CharField(
        _("发送频率"), max_length=10, choices=FollowFrequency.choices, default=FollowFrequency.WEEKLY
    )
    nonce = models.CharField(max_length=16, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    last_update_id = models.BigIntegerField(_("已通知至进展"), default=0)
    last_sent_at = models.DateTimeField(_("上次发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展关注")
        verbose_name_plural = _("进展关注")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["email_index", "target"], name="follow_one_per_address_and_target"),
            models.CheckConstraint(
                condition=(
                    models.Q(project__isnull=False, area__isnull=True, programme__isnull=True)
                    | models.Q(project__isnull=True, area__isnull=False, programme__isnull=True)
                    | models.Q(project__isnull=True, area__isnull=True, programme__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
        ]
        indexes = [models.Index(fields=["frequency", "confirmed_at"], name="follow_due")]

    def __str__(self) -> str:
        return f"{self.target} · {self.get_frequency_display()}"


class NoticeKind(models.TextChoices):
    """What an official is told of (their unit's requests, or as a dispatcher)."""

    ASSIGNED = "assigned", _("新派单")
    COASSIGNED = "coassigned", _("协办请求")
    DUE_SOON = "due_soon", _("24 小时内到期")
    OVERDUE = "overdue", _("已超期")
    SUPERVISED = "supervised", _("督办")
    EXTENSION = "extension", _("延期审批结果")
    UNSATISFIED = "unsatisfied", _("不满意")


def all_notice_kinds() -> list[str]:
    return list(NoticeKind.values)


class NoticePreference(models.Model):
    """An official's choice of where each kind of notice goes; no row means every kind in both."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notice_preference",
    )
    admin_kinds = models.JSONField(_("在后台提醒"), default=all_notice_kinds, blank=True)
    email_kinds = models.JSONField(_("发送邮件"), default=all_notice_kinds, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user)


class OfficialNotice(models.Model):
    """One thing an official is told of: shown under the admin's bell (`in_admin`) and/or
    e-mailed (`email`: in the daily digest, or at once for a 紧急 request). `key` makes a scan
    that runs twice write once (a deadline's notice is keyed by the deadline itself)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    appeal = models.ForeignKey(
        "appeals.Appeal", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="official_notices"
    )
    key = models.CharField(max_length=64, editable=False)
    text = models.CharField(_("内容"), max_length=200)
    urgent = models.BooleanField(_("紧急"), default=False)
    in_admin = models.BooleanField(default=True, editable=False)
    email = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作提醒")
        verbose_name_plural = _("工作提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "appeal", "key"], name="notice_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["user", "in_admin", "read_at"], name="notice_unread"),
            models.Index(fields=["email", "emailed_at"], name="notice_email_due"),
        ]

    def __str__(self) -> str:
        return self.text
