from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.common.dates import dates_out_of_range
from apps.places.models import Area, Department, GeoPoint
from apps.programmes.models import Programme

PERCENT_VALIDATORS = [
    MinValueValidator(Decimal("0"), _("进度应在 0 到 100 之间。")),
    MaxValueValidator(Decimal("100"), _("进度应在 0 到 100 之间。")),
]
MONEY_VALIDATORS = [MinValueValidator(Decimal("0"), _("金额不能为负数。"))]


def investment_ratio(planned: Decimal, invested: Decimal) -> Decimal | None:
    """Invested as a percentage of planned, to one decimal; None when nothing was planned."""
    if not planned:
        return None
    return (invested * 100 / planned).quantize(Decimal("0.1"))


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    IN_PROGRESS = "in_progress", _("进行中")
    COMPLETED = "completed", _("已完成")
    SUSPENDED = "suspended", _("暂停")


class ProgressSource(models.TextChoices):
    MANUAL = "manual", _("手工填报")
    MILESTONES = "milestones", _("按节点加权计算")
    SUBPROJECTS = "subprojects", _("按子项目加权计算")


class Health(models.TextChoices):
    GREEN = "green", _("绿灯·按序时推进")
    YELLOW = "yellow", _("黄灯·滞后序时")
    RED = "red", _("红灯·推进缓慢")


class Project(GeoPoint):
    """A 民生项目 of one programme and one year.

    `progress` is stored: set by hand, or derived from milestones / sub-projects by
    `services.project_refresh_progress`. Schedule health depends on today's date, so instead
    of a stored colour the project keeps the dates on which it turns yellow and red at its
    current progress (`yellow_from`, `red_from`); lists filter on them in the database.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("六心板块"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subprojects",
    )
    weight = models.PositiveSmallIntegerField(
        _("权重"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("作为子项目时，在上级项目进度中的权重。"),
    )
    title = models.CharField(_("项目名称"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    description = models.TextField(_("项目内容"), blank=True)
    areas = models.ManyToManyField(Area, verbose_name=_("涉及区域"), related_name="projects", blank=True)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("配合单位"),
        related_name="co_projects",
        blank=True,
    )
    official_name = models.CharField(_("责任人"), max_length=30, blank=True)
    official_title = models.CharField(_("责任人职务"), max_length=60, blank=True)
    planned_investment = models.DecimalField(
        _("计划投资（万元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=MONEY_VALIDATORS,
    )
    invested = models.DecimalField(
        _("已完成投资（万元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=MONEY_VALIDATORS,
    )
    planned_start = models.DateField(_("计划开工"))
    planned_finish = models.DateField(_("计划完工"))
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_finish = models.DateField(_("实际完工"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    progress = models.DecimalField(
        _("进度（%）"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )
    progress_source = models.CharField(
        _("进度来源"),
        max_length=20,
        choices=ProgressSource.choices,
        default=ProgressSource.MANUAL,
        editable=False,
    )
    yellow_from = models.DateField(_("黄灯起始日"), null=True, blank=True, editable=False)
    red_from = models.DateField(_("红灯起始日"), null=True, blank=True, editable=False)
    is_public = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)
    history = HistoricalRecords(verbose_name=_("项目变更记录"))

    class Meta:
        verbose_name = _("民生项目")
        verbose_name_plural = _("民生项目")
        ordering = ["-year", "programme__order", "id"]
        indexes = [
            models.Index(fields=["programme", "year", "status"], name="project_prog_year_status"),
            models.Index(fields=["is_public", "year"], name="project_public_year"),
            models.Index(fields=["red_from"], name="project_red_from"),
            models.Index(fields=["yellow_from"], name="project_yellow_from"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = dates_out_of_range(self, "planned_start", "planned_finish", "actual_start", "actual_finish")
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            errors["planned_finish"] = _("计划完工日期不能早于计划开工日期。")
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors["actual_finish"] = _("实际完工日期不能早于实际开工日期。")
        if self.actual_finish and not self.actual_start:
            errors["actual_start"] = _("填写实际完工日期前，请先填写实际开工日期。")
        if self.status == ProjectStatus.COMPLETED and not self.actual_finish:
            errors["actual_finish"] = _("已完成的项目须填写实际完工日期。")
        if self.status == ProjectStatus.IN_PROGRESS and not self.actual_start:
            errors["actual_start"] = _("进行中的项目须填写实际开工日期。")
        if self.actual_finish and self.actual_finish > timezone.localdate():
            errors["actual_finish"] = _("实际完工日期不能晚于今天。")
        errors.update(self.point_errors())
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("项目不能是自己的子项目。")
        elif self.parent_id and self.parent.parent_id:
            errors["parent"] = _("子项目只能有一级。")
        elif self.parent_id and self.pk and Project.objects.filter(parent_id=self.pk).exists():
            errors["parent"] = _("该项目已有子项目，不能再作为其他项目的子项目（子项目只能有一级）。")
        if errors:
            raise ValidationError(errors)

    def expected_progress(self, today: date | None = None) -> Decimal:
        """序时进度: the share of the planned period elapsed by `today`, in percent."""
        today = today or timezone.localdate()
        if today <= self.planned_start:
            return Decimal("0")
        if today >= self.planned_finish:
            return Decimal("100")
        period = (self.planned_finish - self.planned_start).days
        elapsed = (today - self.planned_start).days
        return (Decimal(elapsed) * 100 / Decimal(period)).quantize(Decimal("0.1"))

    def health_on(self, today: date | None = None) -> Health:
        today = today or timezone.localdate()
        if self.red_from and today >= self.red_from:
            return Health.RED
        if self.yellow_from and today >= self.yellow_from:
            return Health.YELLOW
        return Health.GREEN

    @property
    def health(self) -> Health:
        return self.health_on()

    @property
    def investment_ratio(self) -> Decimal | None:
        return investment_ratio(self.planned_investment, self.invested)


class Milestone(models.Model):
    """A 节点 of a project; completed milestones' weights make up derived progress."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点名称"), max_length=120)
    planned_date = models.DateField(_("计划完成日期"))
    completed_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("权重"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords(verbose_name=_("节点变更记录"))

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["order", "planned_date", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = dates_out_of_range(self, "planned_date", "completed_on")
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _("完成日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


class ProgressUpdate(models.Model):
    """A 进展: one entry of the project's public timeline."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("日期"), default=timezone.localdate)
    text = models.TextField(_("进展情况"))
    progress = models.DecimalField(_("当时进度（%）"), max_digits=4, decimal_places=1, validators=PERCENT_VALIDATORS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True, db_index=True)
    history = HistoricalRecords(verbose_name=_("进展变更记录"))

    class Meta:
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "-date"], name="update_project_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.text[:20]}"

    def clean(self) -> None:
        errors = dates_out_of_range(self, "date")
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("进展日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("实施前")
    DURING = "during", _("实施中")
    AFTER = "after", _("完工后")


def project_photo_path(instance: ProjectPhoto, filename: str) -> str:
    # A random name: the camera's IMG_20260301_101512.jpg beside the project id would let anyone
    # guess the photos of a project not yet published (they are served only while it is public).
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ProjectPhoto(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="photos")
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("所属进展"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    image = models.ImageField(_("照片"), upload_to=project_photo_path)
    stage = models.CharField(_("阶段"), max_length=10, choices=PhotoStage.choices, default=PhotoStage.DURING)
    caption = models.CharField(
        _("说明"), max_length=120, blank=True, help_text=_("照片内容的文字描述，供读屏软件使用。")
    )
    is_cover = models.BooleanField(_("封面"), default=False)
    taken_on = models.DateField(_("拍摄日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")
        ordering = ["-is_cover", "stage", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name

    def clean(self) -> None:
        if errors := dates_out_of_range(self, "taken_on"):
            raise ValidationError(errors)
