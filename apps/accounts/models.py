from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.places.models import Area, AreaLevel, Department


class ScopeKind(models.TextChoices):
    DISTRICT = "district", _("全区")
    SUBDISTRICT = "subdistrict", _("街道")
    DEPARTMENT = "department", _("责任单位")
    DEPUTY = "deputy", _("人大代表")


class OfficialProfile(models.Model):
    """What an official may see and change: the whole district, one 街道 or one department."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="official",
    )
    scope = models.CharField(_("权限范围"), max_length=20, choices=ScopeKind.choices, default=ScopeKind.SUBDISTRICT)
    subdistrict = models.ForeignKey(
        Area,
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": AreaLevel.SUBDISTRICT},
        related_name="officials",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    public_name = models.CharField(_("公开姓名"), max_length=30, blank=True)
    title = models.CharField(_("职务"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("工作人员权限")
        verbose_name_plural = _("工作人员权限")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_scope_display()}"

    def clean(self) -> None:
        if self.scope == ScopeKind.SUBDISTRICT:
            if not self.subdistrict_id:
                raise ValidationError({"subdistrict": _("街道范围的工作人员必须选择街道。")})
            if self.subdistrict.level != AreaLevel.SUBDISTRICT:
                raise ValidationError({"subdistrict": _("请选择一个街道。")})
        if self.scope == ScopeKind.DEPARTMENT and not self.department_id:
            raise ValidationError({"department": _("单位范围的工作人员必须选择责任单位。")})


class PasswordAge(models.Model):
    """When an account's password was last set (written by `PasswordAgeRecorder`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_age",
    )
    changed_at = models.DateTimeField(_("密码设置时间"))

    class Meta:
        verbose_name = _("密码设置时间")
        verbose_name_plural = _("密码设置时间")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.changed_at:%Y-%m-%d}"


class SignInLock(AccessAttempt):
    """django-axes' failed sign-ins per username and address, shown in the back office as
    登录锁定 beside the officials (a proxy: the rows stay in axes' own table)."""

    class Meta:
        proxy = True
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
