"""Monthly snapshots: every project's progress, health and money and the month's request
figures as they stood at the month's end, so that a report of a past month never changes when
today's data does (DESIGN: "Monthly snapshots of projects and figures make every past report
reproducible")."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.places.models import Department
from apps.programmes.models import Programme
from apps.projects.models import Health, Project, ProjectStatus


class Snapshot(models.Model):
    """One month's snapshot. `final` once taken after the month ended: then it is kept as is."""

    month = models.DateField(_("月份"), unique=True, help_text=_("该月的第一天。"))
    taken_at = models.DateTimeField(_("生成时间"))
    as_of = models.DateTimeField(_("数据截至"))
    final = models.BooleanField(_("已定稿"), default=False)
    # The month's most frequent request categories (programme × type): [{programme, kind, count}].
    topics = models.JSONField(_("诉求类别"), default=list, blank=True)

    class Meta:
        verbose_name = _("月度快照")
        verbose_name_plural = _("月度快照")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ProjectSnapshot(models.Model):
    """A project as it stood at the snapshot's moment."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="projects")
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, related_name="snapshots")
    title = models.CharField(_("项目名称"), max_length=120)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    is_public = models.BooleanField(_("已公开"))
    is_top_level = models.BooleanField(_("非子项目"))
    lead_department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, related_name="+")
    lead_department_name = models.CharField(_("牵头单位"), max_length=100, blank=True)
    subdistricts = models.JSONField(_("街道"), default=list, blank=True)  # [[id, name], ...]
    status = models.CharField(_("状态"), max_length=20, choices=ProjectStatus.choices)
    health = models.CharField(_("红黄绿灯"), max_length=10, choices=Health.choices)
    progress = models.DecimalField(_("进度（%）"), max_digits=4, decimal_places=1)
    expected = models.DecimalField(_("序时进度（%）"), max_digits=4, decimal_places=1)
    planned_investment = models.DecimalField(_("计划投资（万元）"), max_digits=12, decimal_places=2)
    invested = models.DecimalField(_("已完成投资（万元）"), max_digits=12, decimal_places=2)
    planned_start = models.DateField(_("计划开工"))
    planned_finish = models.DateField(_("计划完工"))
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完工"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目快照")
        verbose_name_plural = _("项目快照")
        constraints = [models.UniqueConstraint(fields=["snapshot", "project"], name="project_snapshot_once")]
        indexes = [models.Index(fields=["project", "snapshot"], name="project_snapshot_trend")]

    def __str__(self) -> str:
        return self.title

    @property
    def gap(self) -> Decimal:
        return self.expected - self.progress


class FigureSnapshot(models.Model):
    """One 街道's or department's request figures for the snapshot's month (the counts behind
    the 三率, so that sums over months stay exact)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures")
    group_by = models.CharField(_("分组"), max_length=12)  # "subdistrict" or "department"
    key = models.PositiveIntegerField(_("编号"))
    name = models.CharField(_("名称"), max_length=100)
    received = models.PositiveIntegerField(_("收到"))
    responded_in_time = models.PositiveIntegerField(_("按时响应"))
    due = models.PositiveIntegerField(_("应办结"))
    resolved = models.PositiveIntegerField(_("已办结"))
    rated = models.PositiveIntegerField(_("参与评价"))
    satisfied = models.PositiveIntegerField(_("满意及基本满意"))

    class Meta:
        verbose_name = _("诉求指标快照")
        verbose_name_plural = _("诉求指标快照")
        constraints = [models.UniqueConstraint(fields=["snapshot", "group_by", "key"], name="figure_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.name}"
