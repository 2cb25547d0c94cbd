"""Back office for 群众诉求: scoped list that stays fast at a million rows, the event timeline,
and workflow steps that only ever go through apps.appeals.services."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from apps.accounts.admin_scoping import ScopedAdminMixin
from apps.accounts.scoping import Scope, ScopeKind, scope_of
from apps.appeals.forms import (
    AcceptForm,
    AppealChangeForm,
    AppealSubmitForm,
    AssignForm,
    CloseExplainedForm,
    CoReplyForm,
    ExtensionRequestForm,
    MergeForm,
    NoteForm,
    NoteRequiredForm,
    PublishForm,
    ReopenForm,
    ReplyForm,
    ReturnForm,
    RevisitForm,
    SuperviseForm,
    co_department_field,
    proxy_reason_field,
)
from apps.appeals.models import (
    OPEN_STATUSES,
    TEMPLATE_FIELDS,
    Appeal,
    AppealPhoto,
    Channel,
    ExplainedReason,
    ReplyTemplate,
    ReturnReason,
    Status,
    SupervisionLevel,
    TrackingCounter,
    Urgency,
    overdue_q,
    published_q,
)
from apps.appeals.resources import AppealExportResource
from apps.appeals.selectors import (
    APPEAL_QUEUES,
    APPEAL_QUEUES_BY_KEY,
    appeals_by_name,
    appeals_in_queue,
    appeals_with_phone,
    deadline_expression,
    reply_templates_for,
)
from apps.appeals.services import (
    appeal_correct,
    appeal_link_projects,
    appeal_set_publication,
    appeal_submit,
    appeal_transition,
    public_version_draft,
)
from apps.appeals.tracking import format_tracking_no, parse_tracking_no
from apps.appeals.workflow import TRANSITIONS, Actor, IllegalTransition
from apps.audit.admin import AuditedExportMixin
from apps.categories.selectors import categories, category_path, in_category_q
from apps.common.admin_utils import (
    CappedCountPaginator,
    badge,
    deadline_badge,
    error_text,
)
from apps.common.dates import local_moment
from apps.common.pii import normalise_phone
from apps.jobs.admin import BackgroundSpreadsheetMixin
from apps.places.admin_filters import SubdistrictListFilter

STATUS_COLOURS = {
    Status.SUBMITTED: "orange",
    Status.ACCEPTED: "blue",
    Status.ASSIGNED: "blue",
    Status.IN_PROGRESS: "teal",
    Status.RESOLVED: "green",
    Status.CLOSED: "green",
    Status.REJECTED: "grey",
    Status.RETURNED: "yellow",
}
BARE_NUMBER = re.compile(r"^\d{1,6}$", re.ASCII)
PHONE_LIKE = re.compile(r"^\+?[\d\- ]{4,20}$")
NAME_LIKE = re.compile(r"^[^\W\d_][^\W\d_ ·.•・]*(?:[ ·.•・]+[^\W\d_]+)*$")
BULK_LIMIT = 500
EXPORT_LIMIT = 50_000
ACTION_LABELS = {"submit": "提交", **{t.action: t.label for t in TRANSITIONS.values()}}
# An event's reason is a code (退单, 解释说明, 督办 level, confirmed urgency) or a unit's own words (延期).
REASON_LABELS = {
    **dict(ReturnReason.choices),
    **dict(ExplainedReason.choices),
    **dict(SupervisionLevel.choices),
    **dict(Urgency.choices),
}
REFUSED = (IllegalTransition, ValidationError, PermissionDenied)


@dataclass(frozen=True)
class WorkflowStep:
    """An official's workflow step: its form and how its cleaned data feed appeal_transition."""

    action: str
    form: type[forms.Form]
    button: str


WORKFLOW: dict[str, WorkflowStep] = {
    step.action: step
    for step in (
        WorkflowStep("accept", AcceptForm, "受理"),
        WorkflowStep("assign", AssignForm, "派单"),
        WorkflowStep("sign", NoteForm, "签收"),
        WorkflowStep("return", ReturnForm, "退单"),
        WorkflowStep("request_extension", ExtensionRequestForm, "申请延期"),
        WorkflowStep("approve_extension", NoteForm, "批准延期"),
        WorkflowStep("refuse_extension", NoteRequiredForm, "不批准延期"),
        WorkflowStep("supervise", SuperviseForm, "督办"),
        WorkflowStep("answer_supervision", NoteRequiredForm, "督办回复"),
        WorkflowStep("co_sign", NoteForm, "协办签收"),
        WorkflowStep("co_reply", CoReplyForm, "协办回复"),
        WorkflowStep("resolve", ReplyForm, "办结并答复"),
        WorkflowStep("revisit", RevisitForm, "记录回访"),
        WorkflowStep("reopen", ReopenForm, "重办"),
        WorkflowStep("close_explained", CloseExplainedForm, "解释说明后关闭"),
        WorkflowStep("merge", MergeForm, "合并为重复件"),
        WorkflowStep("reject", ReplyForm, "不予受理"),
    )
}


class ConfirmForm(forms.Form):
    """Nothing to fill in: the page asks for a confirming click."""


PUBLICATION: dict[str, WorkflowStep] = {
    "publish": WorkflowStep("publish", PublishForm, "审核通过公开"),
    "edit_public": WorkflowStep("edit_public", PublishForm, "修改公开版本"),
    "unpublish": WorkflowStep("unpublish", ConfirmForm, "撤回公开"),
}


# The list's bulk approval: a page shows each request's public version draft, then publishes it.
BULK_PUBLISH = WorkflowStep("publish", ConfirmForm, "确认公开以上版本")


def _end_of(day: date | None) -> datetime | None:
    """A date picked in a form as a deadline: the end of that day, local time."""
    return local_moment(day, time(23, 59, 59)) if day is not None else None


def run_step(*, appeal: Appeal, action: str, by, data: dict) -> Appeal:
    return appeal_transition(
        appeal=appeal,
        action=action,
        by=by,
        note=data.get("note", ""),
        reply=data.get("reply", ""),
        department=data.get("department"),
        co_departments=data.get("co_departments") or (),
        reason=data.get("reason", ""),
        urgency=data.get("urgency", ""),
        level=data.get("level", ""),
        category=data.get("category"),
        solved=data.get("solved", ""),
        rating=data.get("rating", ""),
        comment=data.get("comment", ""),
        until=_end_of(data.get("until") or data.get("answer_by")),
        into=data.get("into"),
        proxy_reason=data.get("proxy_reason", ""),
    )


class QueueListFilter(admin.SimpleListFilter):
    """The workbench's queues (今日待办): each of its counts links here with `?queue=<key>`."""

    title = _("待办")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(queue.key, queue.label) for queue in APPEAL_QUEUES]

    def queryset(self, request, queryset):
        if self.value() in APPEAL_QUEUES_BY_KEY:
            return appeals_in_queue(queryset, self.value(), scope=scope_of(request.user))
        return queryset


def step_form(step: WorkflowStep, *, appeal: Appeal | None, user, data=None) -> forms.Form:
    """The step's form; a district official taking a unit's step also gives the 代办 reason
    (and for a 协办回复, which co-department it answers for). `appeal` is None on the list's
    bulk pages."""
    initial = {}
    if step.action == "accept" and appeal is not None:
        initial = {"urgency": appeal.urgency, "category": appeal.category.code if appeal.category_id else ""}
    form = step.form(data, initial=initial)
    if takes_proxy_reason(step.action, user):
        if step.action in ("co_sign", "co_reply") and appeal is not None:
            form.fields["department"] = co_department_field(appeal, step.action)
        form.fields["proxy_reason"] = proxy_reason_field()
    return form


def takes_proxy_reason(action: str, user) -> bool:
    """A unit's or co-unit's step taken by a district official: always 代办, with a reason."""
    transition = TRANSITIONS.get(action)
    return transition is not None and transition.actor in (Actor.UNIT, Actor.CO_UNIT) and scope_of(user).is_all


class CategoryListFilter(admin.SimpleListFilter):
    """问题分类 at any level: a first- or second-level class includes everything under it."""

    title = _("问题分类")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(c.code, c.name if c.level == 1 else f"— {c.name}") for c in categories() if c.level < 3]

    def queryset(self, request, queryset):
        code = self.value()
        if code and code.isascii() and code.isdigit() and len(code) <= 6:
            return queryset.filter(in_category_q(code))
        return queryset


class OverdueListFilter(admin.SimpleListFilter):
    title = _("超期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已超期")), ("no", _("未超期"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q(timezone.now()))
        if self.value() == "no":
            return queryset.exclude(overdue_q(timezone.now()))
        return queryset


class PublishedListFilter(admin.SimpleListFilter):
    title = _("公开")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", _("已公开")), ("pending", _("同意公开、待审核")), ("no", _("未公开"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.published()
        if self.value() == "pending":
            return queryset.filter(consent_to_publish=True, publish_approved=False)
        if self.value() == "no":
            return queryset.exclude(published_q())
        return queryset


class AppealPhotoInline(admin.TabularInline):
    model = AppealPhoto
    fields = ["preview", "created_at"]
    readonly_fields = ["preview", "created_at"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("诉求照片（已去除 EXIF 信息）")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("照片"))
    def preview(self, obj: AppealPhoto):
        url = reverse("admin:appeals_appeal_photo", args=[obj.appeal_id, obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="诉求照片" style="max-height:80px"></a>',
            url,
            url,
        )


@admin.register(Appeal)
class AppealAdmin(ScopedAdminMixin, AuditedExportMixin, BackgroundSpreadsheetMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [AppealExportResource]
    formats = [XLSX, CSV]
    to_encoding = "utf-8-sig"
    list_display = [
        "tracking_no",
        "title",
        "kind",
        "status_badge",
        "due",
        "subdistrict",
        "department_name",
        "submitted",
    ]
    list_filter = [
        QueueListFilter,
        "status",
        "rating",
        "urgency",
        "kind",
        CategoryListFilter,
        "channel",
        "programme",
        SubdistrictListFilter,
        "department",
        OverdueListFilter,
        PublishedListFilter,
    ]
    list_select_related = ["subdistrict", "department"]
    search_fields = ["title"]
    search_help_text = _("输入受理编号（如 QS-2026-000123 或 2755）、标题关键词，或诉求人的完整姓名、完整电话号码")
    # A million rows: no full COUNT(*), no facet counts, a capped paginator.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedCountPaginator
    # Sorting a million rows by an unindexed column is a full sort: only indexed orders.
    sortable_by = ["tracking_no", "submitted", "due"]
    list_per_page = 50
    autocomplete_fields = ["projects", "area"]
    inlines = [AppealPhotoInline]
    actions = [
        "accept_selected",
        "assign_selected",
        "sign_selected",
        "resolve_selected",
        "reject_selected",
        "return_selected",
        "approve_publication",
        "withdraw_publication",
    ]
    change_form_template = "admin/appeals/appeal/change_form.html"

    add_fieldsets = [
        (_("来源"), {"fields": ["channel", "kind", "category", "programme"]}),
        (_("诉求内容"), {"fields": ["title", "content", "photos"]}),
        (_("地点"), {"fields": ["area", "location_text", ("latitude", "longitude")]}),
        (
            _("诉求人（个人信息，不公开）"),
            {"fields": ["submitter_name", "submitter_phone", "submitter_contact", "consent_to_publish"]},
        ),
    ]
    change_fieldsets = [
        (
            _("办理状态"),
            {
                "fields": [
                    ("tracking_no", "status_badge", "overdue_info"),
                    ("department", "submitted_at"),
                    ("response_due", "responded_at"),
                    ("resolve_due", "resolved_at"),
                    "public_reply",
                    ("rating", "rating_comment"),
                ]
            },
        ),
        (_("诉求内容"), {"fields": [("channel", "kind"), ("category_path", "programme"), "title", "content"]}),
        (_("地点"), {"fields": [("subdistrict", "area"), "location_text", ("latitude", "longitude")]}),
        (
            _("诉求人（个人信息，仅限权限范围内的工作人员查看）"),
            {
                "fields": [
                    ("submitter_name", "submitter_phone"),
                    "submitter_contact",
                    ("consent_to_publish", "publish_approved"),
                    "contact_purged_at",
                ]
            },
        ),
        (
            _("公开版本（公开页面、接口、导出和 Open311 只显示这一版本）"),
            {"fields": ["published_title", "published_content", "published_reply"]},
        ),
        (_("关联项目"), {"fields": ["projects"]}),
    ]
    change_readonly = [
        "tracking_no",
        "status_badge",
        "overdue_info",
        "department",
        "submitted_at",
        "response_due",
        "responded_at",
        "resolve_due",
        "resolved_at",
        "public_reply",
        "rating",
        "rating_comment",
        "channel",
        "kind",
        "category_path",
        "title",
        "content",
        "subdistrict",
        "area",
        "submitter_name",
        "submitter_phone",
        "submitter_contact",
        "consent_to_publish",
        "publish_approved",
        "contact_purged_at",
        "published_title",
        "published_content",
        "published_reply",
    ]

    def scope_queryset(self, scope: Scope, queryset):
        return scope.filter_appeals(queryset).annotate(deadline=deadline_expression())

    # --- list ----------------------------------------------------------------------------------

    def get_list_display(self, request):
        # A 街道 official's requests are all in that 街道. A department's are handled by it or
        # co-handled (协办): the lead's column stays, it says which are which.
        hidden = {ScopeKind.SUBDISTRICT: "subdistrict"}.get(scope_of(request.user).kind)
        return [column for column in super().get_list_display(request) if column != hidden]

    def get_list_filter(self, request):
        scope = scope_of(request.user)
        filters = list(super().get_list_filter(request))
        if scope.kind == ScopeKind.SUBDISTRICT:
            filters.remove(SubdistrictListFilter)
        if scope.kind == ScopeKind.DEPARTMENT:
            filters.remove("department")
        return filters

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj: Appeal):
        return badge(obj.get_status_display(), STATUS_COLOURS.get(obj.status, "grey"))

    @admin.display(description=_("问题分类"))
    def category_path(self, obj: Appeal) -> str:
        if obj.category_id is None:
            return gettext("未分类（受理时归类）")
        return category_path(obj.category)

    @admin.display(description=_("承办单位"))
    def department_name(self, obj: Appeal) -> str:
        if obj.department is None:
            return ""
        return obj.department.short_name or obj.department.name

    @admin.display(description=_("提交时间"), ordering="submitted_at")
    def submitted(self, obj: Appeal) -> str:
        return timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("时限"), ordering="deadline")
    def due(self, obj: Appeal):
        """How long an open request has left (剩 N 小时) or how late it is (超期 N 天)."""
        if obj.status not in OPEN_STATUSES:
            return "—"
        return deadline_badge(obj.deadline, timezone.now())

    @admin.display(description=_("时限"))
    def overdue_info(self, obj: Appeal):
        if obj.is_overdue():
            return badge(_("已超期，请督办"), "red")
        return badge(_("未超期"), "green") if obj.status not in (Status.RESOLVED, Status.CLOSED) else "—"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        tracking_no = parse_tracking_no(term)
        if tracking_no is not None:
            return queryset.filter(tracking_no=tracking_no), False
        if BARE_NUMBER.match(term):
            # 2755 or 002755: the request of that number in any year that issued numbers (an
            # indexed IN), or a title with those digits in it.
            years = TrackingCounter.objects.values_list("year", flat=True)
            numbers = [format_tracking_no(year, int(term)) for year in years]
            return queryset.filter(Q(tracking_no__in=numbers) | Q(title__contains=term)), False
        if PHONE_LIKE.match(term) and len(normalise_phone(term)) >= 7 and scope_of(request.user).kind != ScopeKind.NONE:
            # Residents' phones are searchable only by officials, within their scope, and only
            # as a whole number: the database holds a blind index of each, not the digits.
            return appeals_with_phone(queryset, term), False
        # Case only matters for Latin letters; a plain LIKE scans a million titles about twice as
        # fast as UPPER(...) LIKE UPPER(...), and Chinese has no case.
        has_latin = any(ch.isascii() and ch.isalpha() for ch in term)
        in_title = queryset.filter(**{"title__icontains" if has_latin else "title__contains": term})
        if len(term) <= 30 and NAME_LIKE.match(term) and scope_of(request.user).kind != ScopeKind.NONE:
            # A resident's whole name (张三, 张 三), for officials within their scope: through the
            # name's blind index, beside the titles that contain the words.
            return in_title | appeals_by_name(queryset, term), False
        return in_title, False

    # --- add and change ------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "history_read_only", False):
            return super().get_readonly_fields(request, obj)
        return [] if obj is None else self.change_readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AppealSubmitForm
            kwargs["fields"] = None
            form = super().get_form(request, obj, change, **kwargs)
            form.scope = scope_of(request.user)
            return form
        kwargs["form"] = AppealChangeForm
        form = super().get_form(request, obj, change, **kwargs)
        form.scope = scope_of(request.user)
        return form

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def has_add_permission(self, request) -> bool:
        # A department official handles what is assigned to it; registering new requests is
        # for district and 街道 staff (a new request has no department yet).
        return super().has_add_permission(request) and scope_of(request.user).kind in (
            ScopeKind.ALL,
            ScopeKind.SUBDISTRICT,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            appeal_correct(appeal=obj, by=request.user)
            return
        data = form.cleaned_data
        created = appeal_submit(
            kind=data["kind"],
            area=data["area"],
            title=data["title"],
            content=data["content"],
            submitter_name=data.get("submitter_name", ""),
            submitter_phone=data.get("submitter_phone", ""),
            submitter_contact=data.get("submitter_contact", ""),
            consent_to_publish=data.get("consent_to_publish", False),
            programme=data.get("programme"),
            category=data.get("category"),
            location_text=data.get("location_text", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photos=data.get("photos") or [],
            channel=data["channel"],
            by=request.user,
            actor_label=f"工作人员登记（{Channel(data['channel']).label}）",
        )
        # The admin continues with `obj` (log entry, redirect): make it the created request.
        for field in Appeal._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False
        obj._state.db = created._state.db

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # Straight to the new request's page: its tracking number and the next workflow steps.
        self.message_user(request, gettext("已登记诉求，受理编号 %(no)s。") % {"no": obj.tracking_no}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[obj.pk]))

    def save_related(self, request, form, formsets, change):
        if not change:
            return
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        if "projects" in form.changed_data:
            appeal_link_projects(appeal=form.instance, projects=form.cleaned_data["projects"], by=request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            timeline = list(
                obj.events.select_related("actor", "department").prefetch_related("co_departments").order_by("at", "id")
            )
            for event in timeline:
                event.action_label = ACTION_LABELS.get(event.action, event.action)
                event.reason_label = REASON_LABELS.get(event.reason, event.reason)
            context["timeline"] = timeline
            now = timezone.now()
            co_assignments = list(obj.co_assignments.select_related("department").order_by("assigned_at", "id"))
            for row in co_assignments:
                row.appeal = obj
                row.overdue = badge(gettext("协办超期"), "red") if row.is_overdue(now) else ""
            context["co_assignments"] = co_assignments
            scope = scope_of(request.user)
            own = [row for row in co_assignments if row.is_pending and row.department_id == scope.department_id]
            co_steps = {
                "co_reply": scope.is_all or bool(own),
                "co_sign": any(row.is_pending and row.signed_at is None for row in co_assignments)
                if scope.is_all
                else any(row.signed_at is None for row in own),
            }
            actions = [
                t.action
                for t in TRANSITIONS.values()
                if t.allowed_for(obj) and t.action in WORKFLOW and co_steps.get(t.action, True)
            ]
            if obj.publish_approved:
                actions += ["edit_public", "unpublish"]
            elif obj.consent_to_publish:
                actions.append("publish")
            steps = {**WORKFLOW, **PUBLICATION}
            context["workflow_steps"] = [
                (steps[action].button, reverse("admin:appeals_appeal_workflow", args=[obj.pk, action]))
                for action in actions
            ]
            context["can_run_workflow"] = self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- workflow page (one request) -------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name=f"{info[0]}_{info[1]}_workflow",
            ),
            path(
                "<path:object_id>/photos/<int:photo_id>/",
                self.admin_site.admin_view(self.photo_view),
                name=f"{info[0]}_{info[1]}_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request, object_id, photo_id):
        """A resident's photo, for officials whose scope holds the request (never from /media/)."""
        appeal = self.get_object(request, unquote(object_id))
        photo = appeal.photos.filter(pk=photo_id).first() if appeal is not None else None
        if photo is None or not self.has_view_permission(request, appeal):
            raise Http404
        response = FileResponse(photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0])
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def workflow_view(self, request, object_id, action):
        appeal = self.get_object(request, unquote(object_id))
        step = WORKFLOW.get(action) or PUBLICATION.get(action)
        if step is None:
            raise Http404(_("未知的办理操作。"))
        if not self.has_change_permission(request, appeal):
            raise PermissionDenied
        change_url = reverse("admin:appeals_appeal_change", args=[appeal.pk])
        data = request.POST if request.method == "POST" else None
        if step.form is PublishForm:
            draft = public_version_draft(appeal)
            initial = {"published_title": draft.title, "published_content": draft.content}
            form = step.form(data, initial={**initial, "published_reply": draft.reply})
        elif action in WORKFLOW:
            form = step_form(step, appeal=appeal, user=request.user, data=data)
        else:
            form = step.form(data)
        if request.method == "POST" and step.form is PublishForm and not appeal.consent_to_publish:
            self.message_user(request, gettext("诉求人未同意公开，不能公开该诉求。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        if request.method == "POST" and form.is_valid():
            try:
                if action in PUBLICATION:
                    # The public version the official saw and edited is what gets published.
                    appeal_set_publication(
                        appeal=appeal, approved=action != "unpublish", by=request.user, **form.cleaned_data
                    )
                else:
                    run_step(appeal=appeal, action=action, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                if action in PUBLICATION and not set(getattr(exc, "error_dict", {})) & set(form.fields):
                    self.message_user(request, error_text(exc), messages.ERROR)
                    return HttpResponseRedirect(change_url)
                self._errors_into_form(form, exc)
            except (IllegalTransition, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
                return HttpResponseRedirect(change_url)
            else:
                done = gettext("诉求 %(no)s 已%(step)s。") % {"no": appeal.tracking_no, "step": step.button}
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        refusal = ""
        if action in ("publish", "edit_public") and not appeal.consent_to_publish:
            refusal = gettext("诉求人未同意公开，不能公开该诉求。")
        elif action in TRANSITIONS and not TRANSITIONS[action].allowed_for(appeal):
            refusal = gettext("该诉求当前状态为“%(status)s”，不能执行“%(step)s”。") % {
                "status": appeal.get_status_display(),
                "step": step.button,
            }
        context = {
            **self.admin_site.each_context(request),
            "title": f"{step.button}：{appeal.tracking_no}",
            "opts": self.opts,
            "appeal": appeal,
            "original": appeal,
            "form": form,
            "step": step,
            "change_url": change_url,
            "refusal": refusal,
            "shows_original": step.form is PublishForm,
            **self._reply_templates(appeal, action, form),
        }
        return TemplateResponse(request, "admin/appeals/appeal/workflow.html", context)

    @staticmethod
    def _reply_templates(appeal: Appeal, action: str, form: forms.Form) -> dict:
        """The 答复模板 the step offers for this request, and the id of the field they fill."""
        field = TEMPLATE_FIELDS.get(action)
        if field is None or field not in form.fields:
            return {}
        templates = reply_templates_for(appeal, action)
        return {"reply_templates": templates, "template_target": form[field].id_for_label} if templates else {}

    @staticmethod
    def _errors_into_form(form: forms.Form, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)

    # --- actions on the list -------------------------------------------------------------------

    def _run_bulk(self, request, queryset, label: str, call: Callable[[Appeal], object]) -> None:
        ids = list(queryset.order_by().values_list("pk", flat=True)[: BULK_LIMIT + 1])
        if len(ids) > BULK_LIMIT:
            self.message_user(
                request, gettext("一次最多办理 %(n)s 件诉求，请缩小筛选范围。") % {"n": BULK_LIMIT}, messages.ERROR
            )
            return
        done, refused = 0, []
        for appeal in Appeal.objects.filter(pk__in=ids).order_by("submitted_at", "id"):
            try:
                call(appeal)
            except REFUSED as exc:
                text = error_text(exc)
                refused.append(text if appeal.tracking_no in text else f"{appeal.tracking_no}：{text}")
            else:
                done += 1
        if done:
            self.message_user(
                request, gettext("已%(step)s %(n)s 件诉求。") % {"step": label, "n": done}, messages.SUCCESS
            )
        if refused:
            shown = refused[:10]
            more = gettext("（另有 %(n)s 件未列出）") % {"n": len(refused) - 10} if len(refused) > 10 else ""
            head = gettext("%(n)s 件未能%(step)s：") % {"n": len(refused), "step": label}
            self.message_user(request, head + "；".join(shown) + more, messages.ERROR)

    def _bulk_step(self, request, queryset, action: str):
        step = WORKFLOW[action]
        label = TRANSITIONS[action].label
        # Nothing to ask, unless a district official acts for the units (代办): then the page
        # asks the reason first, like Django's confirmation of a bulk delete.
        asks = step.form not in (NoteForm, AcceptForm) or takes_proxy_reason(action, request.user)
        if not asks or "apply" in request.POST:
            form = step_form(step, appeal=None, user=request.user, data=request.POST if "apply" in request.POST else {})
            if form.is_valid():
                self._run_bulk(
                    request,
                    queryset,
                    label,
                    lambda appeal: run_step(appeal=appeal, action=action, by=request.user, data=form.cleaned_data),
                )
                return None
        else:
            form = step_form(step, appeal=None, user=request.user)
        return self._bulk_page(request, queryset, step, form, gettext("批量%(step)s") % {"step": label})

    def _bulk_page(self, request, queryset, step: WorkflowStep, form: forms.Form, title: str, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "step": step,
            "action": request.POST.get("action"),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "appeals": queryset.order_by("-submitted_at")[:20],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
            **extra,
        }
        return TemplateResponse(request, "admin/appeals/appeal/workflow_bulk.html", context)

    @admin.action(description=_("受理所选诉求"), permissions=["change"])
    def accept_selected(self, request, queryset):
        return self._bulk_step(request, queryset, "accept")

    @admin.action(description=_("派单到承办单位…"), permissions=["change"])
    def assign_selected(self, request, queryset):
        return self._bulk_step(request, queryset, "assign")

    @admin.action(description=_("签收所选诉求"), permissions=["change"])
    def sign_selected(self, request, queryset):
        return self._bulk_step(request, queryset, "sign")

    @admin.action(description=_("办结并答复…"), permissions=["change"])
    def resolve_selected(self, request, queryset):
        return self._bulk_step(request, queryset, "resolve")

    @admin.action(description=_("不予受理并说明理由…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._bulk_step(request, queryset, "reject")

    @admin.action(description=_("退单…"), permissions=["change"])
    def return_selected(self, request, queryset):
        return self._bulk_step(request, queryset, "return")

    @admin.action(description=_("审核通过公开（须诉求人同意）"), permissions=["change"])
    def approve_publication(self, request, queryset):
        if "apply" not in request.POST:
            # The officials see what will be public (the masked drafts) before confirming.
            drafts = [(appeal, public_version_draft(appeal)) for appeal in queryset.order_by("-submitted_at")[:20]]
            title = gettext("批量审核公开")
            return self._bulk_page(request, queryset, BULK_PUBLISH, ConfirmForm(), title, drafts=drafts)
        self._run_bulk(
            request,
            queryset,
            "审核公开",
            lambda appeal: appeal_set_publication(appeal=appeal, approved=True, by=request.user),
        )
        return None

    @admin.action(description=_("撤回公开"), permissions=["change"])
    def withdraw_publication(self, request, queryset):
        self._run_bulk(
            request,
            queryset,
            "撤回公开",
            lambda appeal: appeal_set_publication(appeal=appeal, approved=False, by=request.user),
        )

    # --- export ----------------------------------------------------------------------------------

    def export_action(self, request):
        if request.method == "POST" and "export_items" not in request.POST:
            queryset = self.get_export_queryset(request)
            if queryset.order_by()[: EXPORT_LIMIT + 1].count() > EXPORT_LIMIT:
                self.message_user(
                    request,
                    gettext("一次最多导出 %(n)s 件诉求，请先按时间、街道、状态等筛选后再导出。")
                    % {"n": f"{EXPORT_LIMIT:,}"},
                    messages.ERROR,
                )
                query = request.GET.urlencode()
                return HttpResponseRedirect(reverse("admin:appeals_appeal_changelist") + (f"?{query}" if query else ""))
        return super().export_action(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """答复模板: the district's officials write them; every official reads them, and the
    workflow pages offer those that fit the request's step, class and type."""

    list_display = ["title", "step", "category", "kind", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["step", "kind", "is_active"]
    list_select_related = ["category"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["category"]
    fields = ["step", "category", "kind", "title", "text", "order", "is_active"]

    def has_add_permission(self, request) -> bool:
        return scope_of(request.user).is_all and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return scope_of(request.user).is_all and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return scope_of(request.user).is_all and super().has_delete_permission(request, obj)
