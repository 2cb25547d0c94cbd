"""The jobs in the back office (a progress page, its JSON, the download, a retry) and the
mixin that sends an admin list's large exports and imports to a job."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.forms import MultipleChoiceField, MultipleHiddenInput
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from apps.jobs.models import JobKind, JobStage, JobStatus, SpreadsheetJob
from apps.jobs.selectors import job_for, jobs_visible_to
from apps.jobs.services import (
    JobError,
    job_create,
    job_progress,
    job_request,
    job_save_file,
    jobs_retry,
    over_threshold,
)
from apps.jobs.spreadsheets import count_rows, read_chunks, write_table

FORMATS = ("xlsx", "csv")


def _progress_url(job: SpreadsheetJob) -> str:
    return reverse("admin:jobs_spreadsheetjob_progress", args=[job.pk])


class BackgroundSpreadsheetMixin:
    """Mixed into an import-export ModelAdmin (before ImportMixin / ExportMixin, after the
    audit mixins): an export or import of more than BACKGROUND_SPREADSHEET_ROWS rows becomes a
    job and the official is sent to its progress page; smaller ones run as before.

    The job repeats the admin's own steps (get_export_queryset with the list's filters and the
    official's scope, the chosen resource and columns; the import's resource with the official)
    so what it writes is what the synchronous path would have written."""

    def get_context_data(self, **kwargs):
        # The import and export pages say from how many rows the work goes to the background.
        return {**super().get_context_data(**kwargs), "background_rows": settings.BACKGROUND_SPREADSHEET_ROWS}

    # --- export ------------------------------------------------------------------------------

    def export_action(self, request):
        if request.method == "POST" and "format" in request.POST and self.has_export_permission(request):
            job = self._start_background_export(request)
            if job is not None:
                return redirect(_progress_url(job))
        return super().export_action(request)

    def _start_background_export(self, request) -> SpreadsheetJob | None:
        formats = self.get_export_formats()
        form = self.get_export_form_class()(formats, self.get_export_resource_classes(request), data=request.POST)
        if "export_items" in request.POST:
            form.fields["export_items"] = MultipleChoiceField(
                widget=MultipleHiddenInput,
                required=False,
                choices=[(pk, pk) for pk in self.get_valid_export_item_pks(request)],
            )
        if not form.is_valid():
            return None
        file_format = formats[int(form.cleaned_data["format"])]()
        if file_format.get_extension() not in FORMATS:
            return None
        queryset = self.get_export_queryset(request)
        items = None
        if "export_items" in form.changed_data:
            items = [int(pk) for pk in form.cleaned_data["export_items"]]
            queryset = queryset.filter(pk__in=items)
        if not over_threshold(queryset):
            return None
        rows = queryset.count()
        params = {
            "path": request.path,
            "query": request.GET.urlencode(),
            "format": int(form.cleaned_data["format"]),
            "extension": file_format.get_extension(),
            "resource": self.get_resource_index(form),
            "fields": self.get_export_resource_fields_from_form(form) or [],
            "items": items,
        }
        job = job_create(
            user=request.user,
            kind=JobKind.EXPORT,
            model=self.model._meta.label_lower,
            title=str(self.model._meta.verbose_name_plural),
            params=params,
            total=rows,
        )
        self.audit_export(request, rows=rows, job=job.pk)
        return job

    def _run_export(self, job: SpreadsheetJob) -> None:
        params = job.params
        request = job_request(job)
        queryset = self.get_export_queryset(request)
        if params.get("items") is not None:
            queryset = queryset.filter(pk__in=params["items"])
        file_format = self.get_export_formats()[params["format"]]()
        resource_class = self.get_export_resource_classes(request)[params.get("resource", 0)]
        resource = resource_class(**self.get_export_resource_kwargs(request))
        fields = params.get("fields") or None
        queryset = resource.filter_export(queryset).order_by("pk")
        job_progress(job, done=0, total=queryset.count(), stage=JobStage.EXPORTING)
        native = file_format.is_binary()  # XLSX: numbers and dates as real cells
        chunk = settings.SPREADSHEET_JOB_CHUNK_ROWS

        def rows():
            for number, obj in enumerate(queryset.iterator(chunk_size=chunk), 1):
                yield resource.export_resource(obj, selected_fields=fields, force_native_type=native)
                if number % chunk == 0:
                    job_progress(job, done=number)

        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / f"export.{params['extension']}"
            headers = resource.get_export_headers(selected_fields=fields)
            written = write_table(target, params["extension"], job.title, headers, rows())
            job_progress(job, done=written)
            job_save_file(job, target, filename=self.get_export_filename(request, queryset, file_format))
        job.result = {"rows": written}

    # --- import ------------------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            job = self._start_background_import(request)
            if job is not None:
                return redirect(_progress_url(job))
        return super().import_action(request, **kwargs)

    def _start_background_import(self, request) -> SpreadsheetJob | None:
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        index = int(form.cleaned_data["format"])
        extension = self.get_import_formats()[index]().get_extension()
        if extension not in FORMATS:
            return None
        upload = form.cleaned_data["import_file"]
        with tempfile.NamedTemporaryFile(suffix=f".{extension}") as copy:
            for piece in upload.chunks():
                copy.write(piece)
            copy.flush()
            try:
                rows = count_rows(Path(copy.name), extension)
            except Exception:
                return None  # unreadable: the synchronous path says why on the form
            if rows <= settings.BACKGROUND_SPREADSHEET_ROWS:
                return None
            copy.seek(0)
            return job_create(
                user=request.user,
                kind=JobKind.IMPORT,
                model=self.model._meta.label_lower,
                title=str(self.model._meta.verbose_name_plural),
                params={
                    "path": request.path,
                    "format": index,
                    "extension": extension,
                    "resource": self.get_resource_index(form),
                    "file_name": upload.name,
                },
                source=File(copy),
                total=rows,
            )

    def background_import_errors(self, result, offset: int) -> list[str]:
        """Readable lines for a chunk's errors; `offset` data rows came before the chunk."""
        raise NotImplementedError

    def _import_chunks(self, job: SpreadsheetJob, request, *, dry_run: bool):
        params = job.params
        resource_class = self.get_import_resource_classes(request)[params.get("resource", 0)]
        data_kwargs = self.get_import_data_kwargs(request=request)
        with job.source.open("rb") as stored, tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / f"import.{params['extension']}"
            with open(source, "wb") as copy:
                for piece in stored.chunks():
                    copy.write(piece)
            for offset, chunk in read_chunks(source, params["extension"], settings.SPREADSHEET_JOB_CHUNK_ROWS):
                resource = resource_class(**self.get_import_resource_kwargs(request))
                result = resource.import_data(
                    chunk, dry_run=dry_run, raise_errors=False, file_name=params.get("file_name"), **data_kwargs
                )
                failed = result.has_errors() or result.has_validation_errors()
                errors = self.background_import_errors(result, offset) if failed else []
                yield offset + len(chunk), result, errors

    def _run_import(self, job: SpreadsheetJob) -> None:
        request = job_request(job)
        # First every row is checked, a chunk at a time, each in a transaction rolled back...
        errors: list[str] = []
        job_progress(job, done=0, stage=JobStage.CHECKING)
        for done, _result, found in self._import_chunks(job, request, dry_run=True):
            errors.extend(found)
            job_progress(job, done=done)
            if len(errors) >= 500:
                break
        if errors:
            raise JobError("\n".join(errors[:500]))
        # ...then written in one transaction: a row that fails now leaves nothing imported.
        totals: Counter = Counter()
        job_progress(job, done=0, stage=JobStage.WRITING)
        with transaction.atomic():
            for _done, result, found in self._import_chunks(job, request, dry_run=False):
                if found:
                    raise JobError("\n".join(found[:500]))
                totals.update({key: value for key, value in result.totals.items() if value})
        job_progress(job, done=job.total)
        self.audit_import(totals=dict(totals), user=job.user, job=job.pk)
        job.result = {"totals": dict(totals)}

    def run_spreadsheet_job(self, job: SpreadsheetJob) -> None:
        if job.kind == JobKind.EXPORT:
            self._run_export(job)
        else:
            self._run_import(job)


@admin.register(SpreadsheetJob)
class SpreadsheetJobAdmin(admin.ModelAdmin):
    """Every official sees their own jobs; a district official sees all of them, and the
    failed ones with their error, and can run them again."""

    list_display = ["created_at", "kind", "job_title", "user", "status", "progress_display", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["user"]
    actions = ["retry"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SpreadsheetJob]:
        return jobs_visible_to(request.user)

    @admin.display(description=_("名称"))
    def job_title(self, obj: SpreadsheetJob) -> str:
        return format_html('<a href="{}">{}</a>', _progress_url(obj), obj.title)

    @admin.display(description=_("进度"))
    def progress_display(self, obj: SpreadsheetJob) -> str:
        return f"{obj.done:,} / {obj.total:,}（{obj.percent}%）"

    @admin.action(description=_("重新运行所选的失败任务"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[SpreadsheetJob]) -> None:
        count = jobs_retry(jobs=queryset)
        self.message_user(request, gettext("已重新排队 %(n)d 个任务。") % {"n": count}, messages.SUCCESS)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        view, prefix = self.admin_site.admin_view, "jobs_spreadsheetjob"
        own = [
            path("<int:pk>/progress/", view(self.progress_view), name=f"{prefix}_progress"),
            path("<int:pk>/status.json", view(self.status_view), name=f"{prefix}_status"),
            path("<int:pk>/download/", view(self.download_view), name=f"{prefix}_download"),
            path("<int:pk>/retry/", view(require_POST(self.retry_view)), name=f"{prefix}_retry"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return redirect(_progress_url(job_for(request.user, int(object_id))))

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = job_for(request.user, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("导入导出任务"),
            "opts": self.model._meta,
            "job": job,
            "retention_hours": settings.SPREADSHEET_JOB_RETENTION_HOURS,
            "refresh_seconds": 3,
        }
        return TemplateResponse(request, "admin/jobs/spreadsheetjob/progress.html", context)

    def status_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        job = job_for(request.user, pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": str(job.get_status_display()),
                "stage_label": str(job.get_stage_display()) if job.stage else "",
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "finished": job.finished,
            },
            headers={"Cache-Control": "private, no-store"},
        )

    def download_view(self, request: HttpRequest, pk: int) -> FileResponse:
        job = job_for(request.user, pk)
        if job.status != JobStatus.DONE or not job.file:
            raise Http404(gettext("文件不存在或已过期删除。"))
        response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
        response["Cache-Control"] = "private, no-store"
        return response

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = job_for(request.user, pk)
        if jobs_retry(jobs=[job]):
            self.message_user(request, gettext("任务已重新排队。"), messages.SUCCESS)
        return redirect(_progress_url(job))
