"""The three-level problem classification of residents' requests (一级/二级/三级 诉求分类),
beside the request type (咨询, 求助, 投诉, 建议, 表扬).

Codes are hierarchical, two digits a level (01 城乡建设 › 0101 住房物业 › 010101 电梯故障), so a
class and everything under it is one `code LIKE '01%'` on a table of a few hundred rows.
Codes are stable identifiers for the API and Open311; names stay editable in the admin.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryLevel(models.IntegerChoices):
    FIRST = 1, _("一级")
    SECOND = 2, _("二级")
    THIRD = 3, _("三级")


CODE_VALIDATOR = RegexValidator(r"^(?:[0-9]{2}){1,3}$", _("分类代码为 2、4 或 6 位数字，每级两位。"))


class ProblemCategory(models.Model):
    code = models.CharField(
        _("分类代码"),
        max_length=6,
        unique=True,
        validators=[CODE_VALIDATOR],
        help_text=_("每级两位数字，下级以上级代码开头，如 01 › 0101 › 010101；保存后不能修改。"),
    )
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"level__lt": CategoryLevel.THIRD},
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=CategoryLevel.choices, editable=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True, help_text=_("停用后不再供选择，已归类的诉求不变。"))

    class Meta:
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.level = self.parent.level + 1 if self.parent_id else CategoryLevel.FIRST
        if self.level > CategoryLevel.THIRD:
            raise ValidationError({"parent": _("分类最多三级：三级分类下不能再分。")})
        if self.code and len(self.code) != 2 * self.level:
            raise ValidationError(
                {
                    "code": _("%(level)s分类的代码应为 %(n)s 位数字。")
                    % {
                        "level": CategoryLevel(self.level).label,
                        "n": 2 * self.level,
                    }
                }
            )
        if self.code and self.parent_id and not self.code.startswith(self.parent.code):
            raise ValidationError({"code": _("代码须以上级分类的代码 %(code)s 开头。") % {"code": self.parent.code}})

    @property
    def first_code(self) -> str:
        """The code of its first-level class."""
        return self.code[:2]
