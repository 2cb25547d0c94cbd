"""Long spreadsheet imports and exports of the admin, run by a worker instead of the request.

A job remembers who asked, what (the admin list's model, its filters and columns, or the
uploaded file), how far it got and its result file, which lives under MEDIA_ROOT/jobs/ with a
random name and is served only through the admin to the official who asked or a district
official.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class JobStage(models.TextChoices):
    QUEUED = "", _("等待开始")
    EXPORTING = "exporting", _("正在导出")
    CHECKING = "checking", _("正在检查数据")
    WRITING = "writing", _("正在写入数据库")


class SpreadsheetJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="spreadsheet_jobs"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=JobKind.choices)
    model = models.CharField(_("数据"), max_length=100, help_text=_("后台列表的模型，如 projects.project"))
    title = models.CharField(_("名称"), max_length=200)
    # The admin list's query string, the chosen format, resource and columns, selected rows.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    stage = models.CharField(_("阶段"), max_length=10, choices=JobStage.choices, default=JobStage.QUEUED, blank=True)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    source = models.FileField(_("上传的文件"), upload_to="jobs/", blank=True)
    file = models.FileField(_("结果文件"), upload_to="jobs/", blank=True)
    filename = models.CharField(_("下载文件名"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入导出任务")
        verbose_name_plural = _("导入导出任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
