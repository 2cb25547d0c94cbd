"""每月一题: each month one recurring problem found in the requests, taken on by a lead department
with measures, and the matching requests' count before and after."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.appeals.models import AppealKind
from apps.categories.models import ProblemCategory
from apps.places.models import Area, Department
from apps.programmes.models import Programme
from apps.projects.models import Project

SUB_PROBLEMS = (2, 3)


class MonthlyTopic(models.Model):
    """One month's topic, chosen by a district official from the month's ranked request groups
    (the 群众点单 groups of apps.proposals.selectors); the group is kept so its requests can be
    counted month by month."""

    month = models.DateField(_("月份"), unique=True, help_text=_("该月第一天。"))
    title = models.CharField(_("题目"), max_length=100)
    problem = models.TextField(_("诉求反映的问题"), max_length=2000)
    sub_problems = models.TextField(_("子问题"), max_length=1000, help_text=_("两到三个，每行一个。"))
    measures = models.TextField(_("采取的措施"), max_length=3000, blank=True)
    outcome = models.TextField(_("取得的成效"), max_length=2000, blank=True)
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="lead_topics"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("协办单位"), blank=True, related_name="co_topics"
    )
    projects = models.ManyToManyField(
        Project, verbose_name=_("由此产生的项目"), blank=True, related_name="monthly_topics"
    )
    # The request group it was chosen from (apps.proposals.selectors.GroupKey).
    group_area = models.ForeignKey(
        Area, verbose_name=_("诉求所在区域"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    group_category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("问题分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    group_programme = models.ForeignKey(
        Programme,
        verbose_name=_("六心板块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    group_kind = models.CharField(_("诉求类型"), max_length=12, choices=AppealKind.choices, blank=True, editable=False)
    group_label = models.CharField(_("诉求分组"), max_length=120, editable=False)
    month_count = models.PositiveIntegerField(_("选题当月诉求数"), default=0, editable=False)
    is_public = models.BooleanField(_("公开"), default=False)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("选题人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("选题时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("每月一题")
        verbose_name_plural = _("每月一题")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("月份应为该月第一天。")})
        if self.sub_problems and len(self.sub_problem_list) not in SUB_PROBLEMS:
            raise ValidationError({"sub_problems": _("请列出两到三个子问题，每行一个。")})

    @property
    def sub_problem_list(self) -> list[str]:
        return [line.strip() for line in self.sub_problems.splitlines() if line.strip()]
