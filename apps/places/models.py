from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    DISTRICT = 1, _("区")
    SUBDISTRICT = 2, _("街道")
    COMMUNITY = 3, _("社区")
    COMPOUND = 4, _("小区")


LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class GeoPoint(models.Model):
    """An optional point (WGS-84) on a map: both coordinates or neither. Areas, projects and
    requests have one; a model may redeclare the two fields (requests store them encrypted)."""

    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )

    class Meta:
        abstract = True

    def point_errors(self) -> dict[str, str]:
        """For `clean()`: one coordinate without the other is an error on the second."""
        if (self.latitude is None) != (self.longitude is None):
            return {"longitude": _("经纬度需同时填写。")}
        return {}

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Area(GeoPoint):
    """A node of the area tree 区 → 街道 → 社区 → 小区.

    `subdistrict` points at the 街道 this area lies in (itself for a 街道, empty for the
    district), so "everything under a 街道" is one indexed equality, not a tree walk.
    """

    name = models.CharField(_("名称"), max_length=60)
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    subdistrict = models.ForeignKey(
        "self",
        verbose_name=_("所属街道"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(
        _("统计代码"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("统计代码应为12位数字。"))],
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["level", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.level == AreaLevel.DISTRICT:
            if self.parent_id:
                raise ValidationError({"parent": _("区不能有上级区域。")})
        elif not self.parent_id:
            raise ValidationError({"parent": _("请选择上级区域。")})
        elif self.parent.level != self.level - 1:
            raise ValidationError(
                {
                    "parent": _("%(level)s的上级必须是%(parent)s。")
                    % {
                        "level": self.get_level_display(),
                        "parent": AreaLevel(self.level - 1).label,
                    }
                }
            )
        if errors := self.point_errors():
            raise ValidationError(errors)

    def derive_subdistrict(self) -> Area | None:
        if self.level == AreaLevel.SUBDISTRICT:
            return self
        if self.level == AreaLevel.COMMUNITY:
            return self.parent
        if self.level == AreaLevel.COMPOUND:
            return self.parent.parent if self.parent else None
        return None


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("区直部门")
    SUBDISTRICT = "subdistrict", _("街道办事处")
    COMPANY = "company", _("企业")
    OTHER = "other", _("其他")


class Department(models.Model):
    """A 责任单位: a district bureau, a 街道 office or a company."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.BUREAU)
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
        limit_choices_to={"level": AreaLevel.SUBDISTRICT},
    )
    is_active = models.BooleanField(_("在用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name
