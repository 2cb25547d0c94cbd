"""Back office for 民生项目: list with badges and progress bars, scoped, saved through the services."""

from __future__ import annotations

import mimetypes

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from apps.accounts.admin_scoping import ScopedAdminMixin
from apps.accounts.scoping import Scope, ScopeKind, scope_of
from apps.audit.admin import AuditedExportMixin, AuditedImportMixin
from apps.common.admin_utils import (
    ChineseCSV,
    badge,
    colour_badge,
    error_text,
    progress_bar,
)
from apps.jobs.admin import BackgroundSpreadsheetMixin
from apps.places.admin_filters import SubdistrictListFilter
from apps.projects.forms import PostUpdateForm, ProgressUpdateInlineForm, ProjectAdminForm, ProjectPhotoInlineForm
from apps.projects.models import (
    Health,
    Milestone,
    ProgressSource,
    ProgressUpdate,
    Project,
    ProjectPhoto,
    ProjectStatus,
)
from apps.projects.resources import ProjectResource, import_errors, import_preview
from apps.projects.selectors import (
    PROJECT_QUEUES,
    PROJECT_QUEUES_BY_KEY,
    health_q,
    project_comparison,
    projects_behind_schedule,
    projects_in_area,
    projects_in_queue,
)
from apps.projects.services import (
    milestone_delete,
    milestone_save,
    progress_update_delete,
    progress_update_edit,
    project_delete,
    project_photo_add,
    project_photo_change,
    project_photo_delete,
    project_post_update,
    project_publish,
    project_refresh_progress,
    project_save,
)

STATUS_COLOURS = {
    ProjectStatus.PLANNED: "grey",
    ProjectStatus.IN_PROGRESS: "blue",
    ProjectStatus.COMPLETED: "green",
    ProjectStatus.SUSPENDED: "orange",
}
HEALTH_BADGES = {
    Health.GREEN: ("绿灯", "green"),
    Health.YELLOW: ("黄灯", "yellow"),
    Health.RED: ("红灯", "red"),
}
PROGRESS_SOURCE_HELP = {
    ProgressSource.MANUAL: _("手工填报：在本页或“项目进展”中填写进度。"),
    ProgressSource.MILESTONES: _("按节点加权计算：已完成节点的权重之和 ÷ 全部节点权重，随节点完成日期自动更新。"),
    ProgressSource.SUBPROJECTS: _("按子项目加权计算：各子项目进度按其权重加权平均，随子项目自动更新。"),
}


class ProjectSubdistrictFilter(SubdistrictListFilter):
    def filter_subdistrict(self, queryset, pk):
        return projects_in_area(queryset, pk)


class QueueListFilter(admin.SimpleListFilter):
    """The workbench's project queues (红灯, 黄灯, 久无进展): its counts link here."""

    title = _("待办")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(queue.key, queue.label) for queue in PROJECT_QUEUES]

    def queryset(self, request, queryset):
        if self.value() in PROJECT_QUEUES_BY_KEY:
            return projects_in_queue(queryset, self.value())
        return queryset


class HealthListFilter(admin.SimpleListFilter):
    title = _("红黄绿灯")
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return Health.choices

    def queryset(self, request, queryset):
        if self.value() in Health.values:
            return queryset.filter(health_q(self.value()))
        return queryset


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["order", "title", "planned_date", "completed_on", "weight"]
    extra = 0
    verbose_name = _("节点")
    verbose_name_plural = _("节点（有节点时，进度按已完成节点的权重自动计算）")


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    form = ProgressUpdateInlineForm
    fields = ["date", "text", "progress", "author"]
    readonly_fields = ["author"]
    extra = 1
    verbose_name = _("进展")
    verbose_name_plural = _("项目进展（公开时间线）")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class ProjectPhotoInline(admin.TabularInline):
    model = ProjectPhoto
    form = ProjectPhotoInlineForm
    fields = ["thumbnail", "image", "stage", "caption", "is_cover", "taken_on"]
    readonly_fields = ["thumbnail"]
    extra = 0
    verbose_name = _("照片")
    verbose_name_plural = _("项目照片（上传时自动去除拍摄位置等 EXIF 信息）")

    @admin.display(description=_("预览"))
    def thumbnail(self, obj: ProjectPhoto):
        if not obj.pk or not obj.image:
            return "—"
        # Through the admin: /media/ serves a project's photos only once it is published.
        url = reverse("admin:projects_project_photo", args=[obj.project_id, obj.pk])
        return format_html('<img src="{}" alt="{}" style="max-height:60px;max-width:90px">', url, obj.caption)


class SubprojectInline(admin.TabularInline):
    """Sub-projects, read-only here: each is edited on its own page (its progress rolls up)."""

    model = Project
    fk_name = "parent"
    fields = ["title", "status", "progress", "weight"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    verbose_name = _("子项目")
    verbose_name_plural = _("子项目（有子项目且无节点时，进度按子项目权重加权计算）")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(
    ScopedAdminMixin,
    AuditedImportMixin,
    AuditedExportMixin,
    BackgroundSpreadsheetMixin,
    ImportExportMixin,
    SimpleHistoryAdmin,
):
    form = ProjectAdminForm
    resource_classes = [ProjectResource]
    formats = [XLSX, CSV]
    import_formats = [XLSX, ChineseCSV]
    export_formats = [XLSX, CSV]
    to_encoding = "utf-8-sig"  # Excel opens a UTF-8 CSV correctly only with the BOM
    list_display = [
        "title",
        "programme_badge",
        "year",
        "status_badge",
        "progress_display",
        "health_badge",
        "lead_department_name",
        "is_public",
    ]
    list_filter = [
        QueueListFilter,
        "programme",
        ProjectSubdistrictFilter,
        "status",
        "year",
        HealthListFilter,
        "is_public",
    ]
    list_select_related = ["programme", "lead_department"]
    search_fields = ["title", "summary", "official_name", "lead_department__name"]
    search_help_text = _("按项目名称、摘要、责任人或牵头单位搜索")
    autocomplete_fields = ["parent", "areas", "lead_department", "co_departments"]
    inlines = [MilestoneInline, SubprojectInline, ProgressUpdateInline, ProjectPhotoInline]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    object_history_template = "admin/projects/project/object_history.html"
    import_template_name = "admin/projects/project/import.html"
    fieldsets = [
        (_("基本信息"), {"fields": ["programme", "year", "title", "summary", "description", "parent", "weight"]}),
        (
            _("区域与责任单位"),
            {"fields": ["areas", "lead_department", "co_departments", "official_name", "official_title"]},
        ),
        (
            _("投资、工期与进度"),
            {
                "fields": [
                    ("planned_investment", "invested"),
                    ("planned_start", "planned_finish"),
                    ("actual_start", "actual_finish"),
                    "status",
                    "progress",
                    "progress_source_info",
                    "health_info",
                ]
            },
        ),
        (_("位置"), {"fields": [("latitude", "longitude")], "classes": ["collapse"]}),
        (_("公开"), {"fields": ["is_public", "published_at"]}),
    ]

    def scope_queryset(self, scope: Scope, queryset):
        return scope.filter_projects(queryset)

    def history_view(self, request, object_id, extra_context=None):
        project = self.get_object(request, object_id)
        milestones = Milestone.history.filter(project_id=project.pk).select_related("history_user")[:200]
        updates = ProgressUpdate.history.filter(project_id=project.pk).select_related("history_user")[:200]
        related = sorted(
            [("节点", record) for record in milestones] + [("进展", record) for record in updates],
            key=lambda pair: pair[1].history_date,
            reverse=True,
        )
        return super().history_view(request, object_id, {**(extra_context or {}), "related_history": related})

    # --- list columns ------------------------------------------------------------------------

    @admin.display(description=_("六心板块"), ordering="programme__order")
    def programme_badge(self, obj: Project):
        return colour_badge(obj.programme.name, obj.programme.colour)

    @admin.display(description=_("牵头单位"), ordering="lead_department__order")
    def lead_department_name(self, obj: Project) -> str:
        return obj.lead_department.short_name or obj.lead_department.name

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj: Project):
        return badge(obj.get_status_display(), STATUS_COLOURS.get(obj.status, "grey"))

    @admin.display(description=_("进度"), ordering="progress")
    def progress_display(self, obj: Project):
        return progress_bar(obj.progress, obj.programme.colour)

    @admin.display(description=_("红黄绿灯"))
    def health_badge(self, obj: Project):
        health = obj.health_on(timezone.localdate())
        text, colour = HEALTH_BADGES[health]
        return format_html('<span title="{}">{}</span>', health.label, badge(text, colour))

    # --- change form -------------------------------------------------------------------------

    @admin.display(description=_("进度来源"))
    def progress_source_info(self, obj: Project):
        if obj.pk is None:
            return PROGRESS_SOURCE_HELP[ProgressSource.MANUAL]
        return format_html(
            "<strong>{}</strong><br><span class='help'>{}</span>",
            obj.get_progress_source_display(),
            PROGRESS_SOURCE_HELP[obj.progress_source],
        )

    @admin.display(description=_("序时进度与红黄绿灯"))
    def health_info(self, obj: Project):
        if obj.pk is None:
            return "—"
        today = timezone.localdate()
        health = obj.health_on(today)
        text, colour = HEALTH_BADGES[health]
        return format_html(
            "{} 序时进度 {}%，当前进度 {}%（{}）",
            badge(text, colour),
            obj.expected_progress(today),
            obj.progress,
            health.label,
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "progress_source_info", "health_info", "published_at"]
        if obj is not None and obj.progress_source != ProgressSource.MANUAL:
            readonly.append("progress")
        return readonly

    def has_add_permission(self, request) -> bool:
        # A staff account without an official's scope could create a project it cannot see.
        return super().has_add_permission(request) and scope_of(request.user).kind != ScopeKind.NONE

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.scope = scope_of(request.user)
        return form

    def get_urls(self):
        return [
            path("behind/", self.admin_site.admin_view(self.behind_view), name="projects_project_behind"),
            path("comparison/", self.admin_site.admin_view(self.comparison_view), name="projects_project_comparison"),
            path(
                "<path:object_id>/post-update/",
                self.admin_site.admin_view(self.post_update_view),
                name="projects_project_post_update",
            ),
            path(
                "<path:object_id>/photos/<int:photo_id>/",
                self.admin_site.admin_view(self.photo_view),
                name="projects_project_photo",
            ),
            *super().get_urls(),
        ]

    def behind_view(self, request):
        """红黄灯项目: the official's red and yellow projects for leaders, furthest behind first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        queryset = self.get_queryset(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("红黄灯项目（落后序时进度）"),
            "rows": [(row, badge(*HEALTH_BADGES[row.health])) for row in projects_behind_schedule(queryset)],
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, "admin/projects/project/behind.html", context)

    def comparison_view(self, request):
        """项目推进对比: the official's projects of one year per 街道 and per lead department."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year", today.year))
        except ValueError:
            year = today.year
        if not 2000 <= year <= 2100:
            year = today.year
        queryset = self.get_queryset(request).filter(year=year, parent__isnull=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("%(year)s 年项目推进对比") % {"year": year},
            "year": year,
            "years": [today.year + 1, today.year, today.year - 1, today.year - 2],
            "by_subdistrict": project_comparison(queryset, group_by="subdistrict", today=today),
            "by_department": project_comparison(queryset, group_by="department", today=today),
            "today": today,
        }
        return TemplateResponse(request, "admin/projects/project/comparison.html", context)

    def post_update_view(self, request, object_id):
        """发布进展: one page per project, through project_post_update. "计算进度" shows the
        progress the ticked milestones give without saving."""
        project = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, project):
            raise PermissionDenied
        posted = request.method == "POST"
        form = PostUpdateForm(request.POST if posted else None, request.FILES if posted else None, project=project)
        computed = None
        if posted and form.is_valid():
            computed = form.computed_progress()
            if "_preview" not in request.POST:
                data = form.cleaned_data
                try:
                    project_post_update(
                        project=project,
                        text=data["text"],
                        by=request.user,
                        progress=data.get("progress"),
                        on=data["date"],
                        photos=data.get("photos") or [],
                        stage=data["stage"],
                        milestones=data.get("milestones") or [],
                        scope=scope_of(request.user),
                    )
                except ValidationError as exc:
                    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                        form.add_error(field if field in form.fields else None, errors)
                except PermissionDenied as exc:
                    form.add_error(None, error_text(exc))
                else:
                    self.message_user(request, gettext("进展已发布。"), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:projects_project_change", args=[project.pk]))
        today = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": project,
            "title": gettext("发布进展：%(title)s") % {"title": project.title},
            "form": form,
            "computed": computed,
            "source": form.source,
            "completed_milestones": [m for m in form.all_milestones if m.completed_on is not None],
            "late_milestones": [m for m in form.all_milestones if m.completed_on is None and m.planned_date < today],
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/projects/project/post_update.html", context)

    def photo_view(self, request, object_id, photo_id):
        """A project's photo for officials whose scope holds the project, published or not."""
        project = self.get_object(request, unquote(object_id))
        photo = project.photos.filter(pk=photo_id).first()
        if photo is None or not self.has_view_permission(request, project):
            raise Http404
        try:
            image = photo.image.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(image, content_type=mimetypes.guess_type(photo.image.name)[0])
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def delete_model(self, request, obj):
        project_delete(project=obj)

    def delete_queryset(self, request, queryset):
        for project in queryset:
            project_delete(project=project)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        project_save(
            project=obj,
            areas=form.cleaned_data.get("areas"),
            co_departments=form.cleaned_data.get("co_departments"),
        )

    def save_related(self, request, form, formsets, change):
        # Areas and co-departments were set by project_save; the inlines go through the
        # milestone / update / photo services, milestones first so updates record fresh progress.
        order = {Milestone: 0, ProgressUpdate: 1, ProjectPhoto: 2}
        for formset in sorted(formsets, key=lambda fs: order.get(fs.model, 9)):
            self.save_formset(request, form, formset, change)
        # A 进展 may have set the progress in the database meanwhile: refresh from there.
        form.instance.refresh_from_db()
        project_refresh_progress(project=form.instance)

    def save_formset(self, request, form, formset, change):
        project = form.instance
        formset.save(commit=False)
        if formset.model is Milestone:
            for milestone in formset.deleted_objects:
                milestone_delete(milestone=milestone)
            for milestone in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
                milestone.project = project
                milestone_save(milestone=milestone)
        elif formset.model is ProgressUpdate:
            for update in formset.deleted_objects:
                progress_update_delete(update=update)
            for update, _fields in formset.changed_objects:
                progress_update_edit(update=update)
            for update in formset.new_objects:
                project_post_update(
                    project=project, text=update.text, by=request.user, progress=update.progress, on=update.date
                )
        elif formset.model is ProjectPhoto:
            for photo in formset.deleted_objects:
                project_photo_delete(photo=photo)
            for photo in formset.new_objects:
                project_photo_add(
                    project=project,
                    upload=photo.image.file,
                    stage=photo.stage,
                    caption=photo.caption,
                    taken_on=photo.taken_on,
                    is_cover=photo.is_cover,
                )
            for photo, fields in formset.changed_objects:
                project_photo_change(photo=photo, upload=photo.image.file if "image" in fields else None)
        else:
            formset.save()

    # --- actions -----------------------------------------------------------------------------

    def _set_public(self, request, queryset, publish: bool) -> None:
        done = 0
        for project in queryset:
            try:
                project_publish(project=project, publish=publish)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{project.title}：{error_text(exc)}", messages.ERROR)
        if done:
            text = gettext("已公开 %(n)s 个项目。") if publish else gettext("已取消公开 %(n)s 个项目。")
            self.message_user(request, text % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("公开所选项目"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_public(request, queryset, True)

    @admin.action(description=_("取消公开所选项目"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_public(request, queryset, False)

    # --- import / export ---------------------------------------------------------------------

    def get_resource_kwargs(self, request, *args, **kwargs):
        kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def get_import_data_kwargs(self, **kwargs):
        data_kwargs = super().get_import_data_kwargs(**kwargs)
        data_kwargs["rollback_on_validation_errors"] = True
        return data_kwargs

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None:
            response.context_data["import_error_lines"] = import_errors(result)
            changed, unchanged = import_preview(result)
            response.context_data["preview_rows"] = changed
            response.context_data["preview_unchanged"] = unchanged
        return response

    def background_import_errors(self, result, offset: int) -> list[str]:
        return import_errors(result, offset)

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)
