from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """One of the six 六心 programmes. The code is the stable public identifier."""

    code = models.SlugField(_("代码"), max_length=20, primary_key=True)
    name = models.CharField(_("名称"), max_length=20)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    scope = models.TextField(_("工作范围"), blank=True)
    scope_en = models.TextField(_("英文工作范围"), blank=True)
    colour = models.CharField(
        _("颜色"),
        max_length=7,
        default="#1f6feb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("颜色应为 #RRGGBB 格式。"))],
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("六心板块")
        verbose_name_plural = _("六心板块")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name
