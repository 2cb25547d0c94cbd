"""The security audit log (等保 2.0 安全审计): who did what, when, from where.

Rows are only ever inserted (`apps.audit.services.audit_record`). The admin offers no add,
change or delete, and on PostgreSQL a trigger refuses UPDATE, and DELETE of anything younger
than the retention floor (migration 0002); `prune_audit_log` is the one way rows go.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    SIGN_IN = "sign_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    SIGN_OUT = "sign_out", _("退出登录")
    LOCK = "lock", _("账号锁定")
    UNLOCK = "unlock", _("解除锁定")
    TWO_FACTOR_ENROL = "2fa_enrol", _("绑定动态口令")
    TWO_FACTOR_FAILED = "2fa_failed", _("动态口令错误")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    OFFICIAL_CHANGE = "official_change", _("工作人员权限变更")
    GROUP_CHANGE = "group_change", _("用户组权限变更")
    API_KEY_CREATE = "api_key_create", _("创建接口密钥")
    API_KEY_REVOKE = "api_key_revoke", _("吊销接口密钥")
    PUBLICATION = "publication", _("诉求公开审核")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    action = models.CharField(_("操作"), max_length=32, choices=Action.choices, db_index=True)
    # No foreign-key constraint and no cascade: deleting an account must not touch its entries.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True, db_index=True)
    ip_address = models.CharField(_("来源地址"), max_length=45, blank=True)
    target = models.CharField(_("对象"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_action_display()}"
