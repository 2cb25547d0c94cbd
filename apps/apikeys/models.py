"""API keys: the clients of the REST API and Open311 (the 12345 platform, departments' systems).

The raw key is shown once at creation; only its SHA-256 hash is stored. A short public prefix
(`qs_1a2b3c4d`) finds the row with one indexed lookup. Keys are long random strings, so a
fast unsalted hash is enough: there is nothing to brute-force that a salt would protect.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import ALL, NO_SCOPE, Scope, ScopeKind
from apps.appeals.models import Channel
from apps.places.models import Area, AreaLevel, Department


class ApiScope(models.TextChoices):
    READ_PRIVATE = "read_private", _("全区只读（含个人信息）")
    SUBMIT = "submit", _("提交诉求")
    DEPARTMENT = "department", _("责任单位")
    DISPATCH = "dispatch", _("派单（全区或一个街道）")


class ApiKey(models.Model):
    name = models.CharField(_("名称"), max_length=80, help_text=_("调用方，例如“12345 热线平台”。"))
    scope = models.CharField(_("权限范围"), max_length=20, choices=ApiScope.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
        help_text=_("仅“责任单位”范围需要。"),
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
        limit_choices_to={"level": AreaLevel.SUBDISTRICT},
        help_text=_("“派单”范围的密钥：留空为全区，选一个街道则只办理该街道的诉求。"),
    )
    channel = models.CharField(
        _("诉求来源渠道"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.API,
        help_text=_("通过此密钥提交的诉求记为该渠道；外部编号在同一渠道内唯一。"),
    )
    prefix = models.CharField(_("密钥前缀"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        db_table = "api_apikey"  # where the REST API app created it; the rows stayed when the model moved
        verbose_name = _("接口密钥")
        verbose_name_plural = _("接口密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        if self.scope == ApiScope.DEPARTMENT and not self.department_id:
            raise ValidationError({"department": _("“责任单位”范围的密钥必须选择责任单位。")})
        if self.scope != ApiScope.DEPARTMENT and self.department_id:
            raise ValidationError({"department": _("只有“责任单位”范围的密钥可以绑定责任单位。")})
        if self.area_id and (self.scope != ApiScope.DISPATCH or self.area.level != AreaLevel.SUBDISTRICT):
            raise ValidationError({"area": _("只有“派单”范围的密钥可以限定一个街道。")})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def appeal_scope(self) -> Scope:
        """Whose requests this key may read with personal data (same rule as officials)."""
        if self.scope == ApiScope.READ_PRIVATE:
            return ALL
        if self.scope == ApiScope.DEPARTMENT and self.department_id:
            return Scope(ScopeKind.DEPARTMENT, department_id=self.department_id)
        if self.scope == ApiScope.DISPATCH:
            return Scope(ScopeKind.SUBDISTRICT, subdistrict_id=self.area_id) if self.area_id else ALL
        return NO_SCOPE

    @property
    def can_submit(self) -> bool:
        return self.scope == ApiScope.SUBMIT
