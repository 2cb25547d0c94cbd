"""Residents' requests (群众诉求 / 工单) and their closed-loop workflow."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.categories.models import ProblemCategory
from apps.common.fields import EncryptedCharField, EncryptedDecimalField, NameIndexField, PhoneIndexField
from apps.common.privacy import mask_name
from apps.places.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS, Area, AreaLevel, Department, GeoPoint
from apps.programmes.models import Programme
from apps.projects.models import Project


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    HOTLINE = "hotline", _("12345热线")
    VISIT = "visit", _("来访")
    WECHAT = "wechat", _("微信")
    API = "api", _("接口")


class AppealKind(models.TextChoices):
    INQUIRY = "inquiry", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    ASSIGNED = "assigned", _("已派单")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")  # rated, unrated (未评价) or explained (解释说明): see Closure
    REJECTED = "rejected", _("不予受理")
    RETURNED = "returned", _("退单")
    REVIEW = "review", _("待重办研判")
    MERGED = "merged", _("重复件")


# Requests still to be handled by a deadline (a request in REVIEW waits for the dispatcher's
# 重办 or 解释说明 and has no running deadline).
DUE_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED)
OPEN_STATUSES = (*DUE_STATUSES, Status.REVIEW)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("普通")
    URGENT = "urgent", _("紧急")


class Solved(models.TextChoices):
    YES = "yes", _("已解决")
    PARTLY = "partly", _("部分解决")
    NO = "no", _("未解决")


class Closure(models.TextChoices):
    """How a closed request was closed."""

    RATED = "rated", _("已评价")
    UNRATED = "unrated", _("未评价")
    EXPLAINED = "explained", _("解释说明")


class SupervisionLevel(models.TextChoices):
    GENERAL = "general", _("一般督办")
    KEY = "key", _("重点督办")


class ExplainedReason(models.TextChoices):
    UNREASONABLE = "unreasonable", _("诉求不合理")
    POLICY = "policy", _("政策不允许")
    BEYOND = "beyond", _("超出办理能力")
    DONE = "done", _("已依法依规办理")


class ReturnReason(models.TextChoices):
    WRONG_AREA = "wrong_area", _("属地不符")
    WRONG_FUNCTION = "wrong_function", _("职能不符")


PHONE_VALIDATOR = RegexValidator(r"^\+?[0-9][0-9\- ]{5,19}$", _("请填写正确的电话号码。"))


class AppealQuerySet(models.QuerySet):
    def published(self) -> AppealQuerySet:
        """What residents may see: the submitter consented and an official approved."""
        return self.filter(published_q())

    def overdue(self, now=None) -> AppealQuerySet:
        return self.filter(overdue_q(now))


def published_q() -> Q:
    """Requests residents may see: the submitter consented and an official approved."""
    return Q(consent_to_publish=True, publish_approved=True)


def overdue_q(now=None) -> Q:
    now = now or timezone.now()
    return Q(status=Status.SUBMITTED, response_due__lt=now) | Q(status__in=DUE_STATUSES, resolve_due__lt=now)


def deadline_expression() -> models.Case:
    """A request's next deadline: the response deadline until it is accepted, then the
    deadline to resolve it."""
    return models.Case(models.When(status=Status.SUBMITTED, then=F("response_due")), default=F("resolve_due"))


# The rows the officials' handling queues (今日待办) can hold: the open requests, and any with an
# extension asked. A million requests are mostly closed; the partial index `appeal_queues` holds
# these rows only, with every column the queues read, so they are counted from it alone.
QUEUE_CANDIDATES = Q(status__in=OPEN_STATUSES) | Q(extension_until__isnull=False)
# The rows of the publication queue (待审核公开): consented, not yet approved, whatever the status.
PUBLICATION_PENDING = Q(consent_to_publish=True, publish_approved=False)


def new_tracking_nonce() -> str:
    return secrets.token_hex(8)


class Appeal(GeoPoint):
    tracking_no = models.CharField(_("受理编号"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    external_id = models.CharField(_("外部系统编号"), max_length=64, null=True, blank=True)
    kind = models.CharField(_("诉求类型"), max_length=12, choices=AppealKind.choices, default=AppealKind.HELP)
    # Any level: the resident may pick a first-level class, the dispatcher confirms or refines it at 受理.
    category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("问题分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        editable=False,
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("六心板块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区域"),
        on_delete=models.PROTECT,
        related_name="appeals",
        limit_choices_to={"level__gte": AreaLevel.SUBDISTRICT},
    )
    subdistrict = models.ForeignKey(
        Area,
        verbose_name=_("所属街道"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Personal data, encrypted at rest with SM4 (apps.common.pii): the exact place a resident
    # gives, and its coordinates, which point at a home as precisely as its address does.
    location_text = EncryptedCharField(_("具体位置"), max_length=200, blank=True)
    latitude = EncryptedDecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = EncryptedDecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("诉求内容"), max_length=5000)
    # Personal data: never on a public page, the public API, a feed or a public export; encrypted
    # at rest. Officials find a request by phone number through its blind index.
    submitter_name = EncryptedCharField(_("诉求人姓名"), max_length=30, blank=True)
    submitter_name_index = NameIndexField(_("诉求人姓名索引"), source="submitter_name")
    submitter_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, validators=[PHONE_VALIDATOR])
    submitter_phone_index = PhoneIndexField(_("联系电话索引"), source="submitter_phone")
    submitter_contact = EncryptedCharField(_("其他联系方式"), max_length=100, blank=True)
    contact_purged_at = models.DateTimeField(_("联系方式清除时间"), null=True, blank=True, editable=False)
    # How the resident asked to hear of each public change (apps.notifications.residents);
    # private like the phone number. Changing the nonce revokes every tracking link sent so far.
    notify_sms = models.BooleanField(_("短信通知"), default=False, editable=False)
    notify_email = EncryptedCharField(_("通知邮箱"), max_length=254, blank=True, editable=False)
    tracking_nonce = models.CharField(_("查询链接随机码"), max_length=32, default=new_tracking_nonce, editable=False)
    consent_to_publish = models.BooleanField(_("同意公开"), default=False)
    publish_approved = models.BooleanField(_("审核公开"), default=False)
    projects = models.ManyToManyField(Project, verbose_name=_("关联项目"), blank=True, related_name="appeals")
    department = models.ForeignKey(
        Department,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    public_reply = models.TextField(_("答复内容"), blank=True, editable=False)
    # The public version: what the public site, the public API, its exports and Open311 show
    # and search instead of title, content and reply. Written when an official approves
    # publication (appeal_set_publication), pre-filled with numbers and house numbers masked.
    published_title = models.CharField(_("公开标题"), max_length=100, blank=True, editable=False)
    published_content = models.TextField(_("公开内容"), max_length=5000, blank=True, editable=False)
    published_reply = models.TextField(_("公开答复"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)
    response_due = models.DateTimeField(_("响应时限"), editable=False)
    resolve_due = models.DateTimeField(_("办结时限"), editable=False)
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True, editable=False)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True, editable=False)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True, editable=False)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True, editable=False)
    solved = models.CharField(_("是否解决"), max_length=8, choices=Solved.choices, blank=True, editable=False)
    closure = models.CharField(_("关闭方式"), max_length=10, choices=Closure.choices, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0, editable=False)
    extensions = models.PositiveSmallIntegerField(_("已批准延期次数"), default=0, editable=False)
    extension_until = models.DateTimeField(_("申请延期至"), null=True, blank=True, editable=False)
    extension_reason = models.CharField(_("申请延期原因"), max_length=200, blank=True, editable=False)
    supervision = models.CharField(
        _("督办"), max_length=8, choices=SupervisionLevel.choices, blank=True, editable=False
    )
    supervision_due = models.DateTimeField(_("督办答复期限"), null=True, blank=True, editable=False)
    supervision_answered_at = models.DateTimeField(_("督办答复时间"), null=True, blank=True, editable=False)
    # 协办: how many co-departments still owe their contribution (AppealCoAssignment rows not
    # replied); kept by the state machine so that what a state allows needs no extra query.
    co_pending = models.PositiveSmallIntegerField(_("待回复协办单位数"), default=0, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        editable=False,
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("诉求变更记录"),
        excluded_fields=[
            "submitter_name",
            "submitter_name_index",
            "submitter_phone",
            "submitter_phone_index",
            "submitter_contact",
        ],
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众诉求")
        verbose_name_plural = _("群众诉求")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="appeal_unique_external_id"),
        ]
        indexes = [
            models.Index(fields=["-submitted_at", "-id"], name="appeal_recent"),
            models.Index(fields=["subdistrict", "-submitted_at"], name="appeal_subdistrict_recent"),
            models.Index(fields=["department", "-submitted_at"], name="appeal_department_recent"),
            models.Index(fields=["status", "-submitted_at"], name="appeal_status_recent"),
            models.Index(fields=["status", "resolve_due"], name="appeal_status_due"),
            models.Index(fields=["programme", "-submitted_at"], name="appeal_programme_recent"),
            models.Index(fields=["category", "-submitted_at"], name="appeal_category_recent"),
            # 附近已有相同反映: the open published requests of one 社区 and class.
            models.Index(
                fields=["area", "category", "-submitted_at"],
                condition=Q(consent_to_publish=True, publish_approved=True),
                name="appeal_published_area_category",
            ),
            models.Index(
                fields=["-submitted_at"],
                condition=Q(consent_to_publish=True, publish_approved=True),
                name="appeal_published_recent",
            ),
            # The public lists' count window (apps.common.paging): the newest published rows
            # with every column their filters read, so a count is an index-only walk.
            models.Index(
                fields=["-submitted_at"],
                include=["id", "programme", "kind", "status", "subdistrict", "area", "category"],
                condition=Q(consent_to_publish=True, publish_approved=True),
                name="appeal_published_window",
            ),
            # Open311's service_code (programme and type) and status=open over any date range:
            # index ranges of the matching rows, not a walk of every published row of the range.
            models.Index(
                fields=["programme", "kind", "-submitted_at"],
                condition=Q(consent_to_publish=True, publish_approved=True),
                name="appeal_published_service",
            ),
            models.Index(
                fields=["-submitted_at"],
                condition=Q(consent_to_publish=True, publish_approved=True)
                & ~Q(status__in=["resolved", "closed", "rejected", "merged"]),
                name="appeal_published_open",
            ),
            # 今日待办: each queue count reads one of these (key columns, not INCLUDE, so that
            # SQLite builds them too) and never the closed requests' rows.
            models.Index(
                fields=[
                    "subdistrict",
                    "department",
                    "status",
                    "response_due",
                    "resolve_due",
                    "extension_until",
                    "supervision",
                    "supervision_answered_at",
                    "co_pending",
                    "id",
                ],
                condition=QUEUE_CANDIDATES,
                name="appeal_queues",
            ),
            models.Index(fields=["subdistrict", "id"], condition=PUBLICATION_PENDING, name="appeal_to_publish"),
            models.Index(fields=["department", "id"], condition=PUBLICATION_PENDING, name="appeal_to_publish_unit"),
            # The most urgent open requests: the first few in deadline order.
            models.Index(
                deadline_expression(), F("id"), condition=Q(status__in=OPEN_STATUSES), name="appeal_open_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.title}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            not (self.submitter_phone or self.submitter_contact or self.contact_purged_at)
            and self.channel != Channel.HOTLINE
        ):
            errors["submitter_phone"] = _("请留下电话或其他联系方式，以便工作人员回复。")
        if self.area_id and self.area.level < AreaLevel.SUBDISTRICT:
            errors["area"] = _("请选择街道或社区。")
        errors.update(self.point_errors())
        if errors:
            raise ValidationError(errors)

    @property
    def masked_name(self) -> str:
        return mask_name(self.submitter_name)

    @property
    def is_published(self) -> bool:
        return self.consent_to_publish and self.publish_approved

    @classmethod
    def from_db(cls, db, field_names, values):
        appeal = super().from_db(db, field_names, values)
        # Whether it is published as stored (assumed so when either field was deferred).
        loaded = appeal.__dict__
        appeal._published_as_stored = loaded.get("consent_to_publish", True) and loaded.get("publish_approved", True)
        return appeal

    def residents_may_have_seen(self) -> bool:
        """Published now, or as stored before this save or delete: a change to it may show on
        public pages. Call once per save (it then notes the stored state)."""
        seen = self.is_published or getattr(self, "_published_as_stored", False)
        self._published_as_stored = self.is_published
        return seen

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status == Status.SUBMITTED and self.response_due and now > self.response_due:
            return True
        return self.status in DUE_STATUSES and bool(self.resolve_due) and now > self.resolve_due

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def phone_last4(self) -> str:
        digits = "".join(ch for ch in self.submitter_phone if ch.isdigit())
        return digits[-4:]


class AppealEvent(models.Model):
    """One step of a request's workflow: who, when, from, to, internal note and public reply."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作方"), max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 派单: the 协办单位 named beside the lead (the co-assignments change later: 退单, 改派).
    co_departments = models.ManyToManyField(Department, verbose_name=_("协办单位"), blank=True, related_name="+")
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    note = models.TextField(_("内部备注"), blank=True)
    reply = models.TextField(_("公开答复"), blank=True)
    until = models.DateTimeField(_("期限"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    solved = models.CharField(_("是否解决"), max_length=8, choices=Solved.choices, blank=True)
    # The resident's words at 评价 or 回访: the request keeps only its current rating (重办 clears
    # it), so every answer's comment lives here. Officials only: it may hold personal data.
    comment = models.CharField(_("评价意见"), max_length=500, blank=True, default="", db_default="")
    proxy_reason = models.CharField(_("代办原因"), max_length=200, blank=True)
    category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("问题分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["appeal", "at"], name="event_appeal_at")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class AppealCoAssignment(models.Model):
    """A co-department (协办单位) named at 派单 beside the lead (主办): it signs (协办签收) and records
    its contribution (协办意见) by its own deadline; the lead resolves. A contribution given
    without signing first signs it too. Withdrawn when the request is returned, re-assigned
    without it, or merged."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="co_assignments")
    department = models.ForeignKey(
        Department, verbose_name=_("协办单位"), on_delete=models.PROTECT, related_name="co_assignments"
    )
    assigned_at = models.DateTimeField(_("派单时间"))
    due = models.DateTimeField(_("协办回复时限"))
    signed_at = models.DateTimeField(_("协办签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    note = models.TextField(_("协办意见"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("回复方"), max_length=60, blank=True)
    proxy_reason = models.CharField(_("代办原因"), max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协办")
        verbose_name_plural = _("协办")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "department"],
                condition=Q(withdrawn_at__isnull=True),
                name="co_assignment_one_active_per_department",
            ),
        ]
        indexes = [
            models.Index(
                fields=["department", "due"],
                condition=Q(replied_at__isnull=True, withdrawn_at__isnull=True),
                name="co_assignment_pending",
            ),
            # A department's scope (its co-assignments, apps.accounts.scoping): read from the
            # index alone, not by walking the whole (appeal, department) unique index.
            models.Index(
                fields=["department", "appeal"],
                condition=Q(withdrawn_at__isnull=True),
                name="co_assignment_active_unit",
            ),
            # 今日待办's 协办 queues: the requests that still owe a 协办回复, from the index alone.
            models.Index(
                fields=["due", "appeal", "department"],
                condition=Q(replied_at__isnull=True, withdrawn_at__isnull=True),
                name="co_assignment_pending_appeal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} 协办 {self.department_id}"

    @property
    def is_pending(self) -> bool:
        return self.replied_at is None and self.withdrawn_at is None

    def is_overdue(self, now=None) -> bool:
        """Not answered by its deadline while the request is still being handled (超期)."""
        now = now or timezone.now()
        return self.is_pending and now > self.due and self.appeal.status in (Status.ASSIGNED, Status.IN_PROGRESS)


def appeal_photo_path(instance: AppealPhoto, filename: str) -> str:
    # A random name: a phone's IMG_20260301_101512.jpg would be guessable. Residents' photos
    # are never served from /media/; officials open them through the admin (AppealAdmin.photo_view).
    return f"appeals/{instance.appeal.submitted_at:%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class AppealPhoto(models.Model):
    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=appeal_photo_path)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class TrackingCounter(models.Model):
    """The last tracking number issued per year (QS-2026-000123); locked while incremented."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("受理编号计数")
        verbose_name_plural = _("受理编号计数")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class TemplateStep(models.TextChoices):
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    RETURN = "return", _("退单")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    ANSWER_SUPERVISION = "answer_supervision", _("督办回复")
    CO_REPLY = "co_reply", _("协办回复")
    RESOLVE = "resolve", _("办结")
    REOPEN = "reopen", _("重办")
    CLOSE_EXPLAINED = "close_explained", _("解释说明")


# The form field a step's template fills: the public reply, the internal note, or the reason
# given for an extension.
TEMPLATE_FIELDS: dict[str, str] = {
    TemplateStep.ACCEPT: "note",
    TemplateStep.REJECT: "reply",
    TemplateStep.RETURN: "note",
    TemplateStep.REQUEST_EXTENSION: "reason",
    TemplateStep.ANSWER_SUPERVISION: "note",
    TemplateStep.CO_REPLY: "note",
    TemplateStep.RESOLVE: "reply",
    TemplateStep.REOPEN: "reply",
    TemplateStep.CLOSE_EXPLAINED: "reply",
}


class ReplyTemplate(models.Model):
    """A reply an official starts from (答复模板): per step, and optionally per problem class
    (that class and everything under it) and request type. The official edits it before sending."""

    step = models.CharField(_("办理步骤"), max_length=20, choices=TemplateStep.choices)
    category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("问题分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_templates",
        help_text=_("不选则适用于所有分类；选一级或二级分类时也适用于其下级分类。"),
    )
    kind = models.CharField(
        _("诉求类型"), max_length=12, choices=AppealKind.choices, blank=True, help_text=_("不选则适用于所有类型。")
    )
    title = models.CharField(_("模板名称"), max_length=40)
    text = models.TextField(_("模板内容"), max_length=2000, help_text=_("用“……”标出须由工作人员补充的内容。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")
        ordering = ["step", "order", "id"]
        indexes = [models.Index(fields=["step", "is_active"], name="reply_template_step")]

    def __str__(self) -> str:
        return self.title


# --- Daily rollups: the figures' counts, kept by the state machine (apps.appeals.rollups) --------
# Plain columns, 0 or "" for "none" (no department, no programme): a NULL would make the
# upsert's unique key miss, since NULLs never conflict. Rows are derived data: rebuild_rollups
# recomputes any range of days from the requests and their events.


class RollupKey(models.Model):
    """The grouping columns shared by the request rollups (by day received).

    Each count is kept twice: per day (`month` false) and per calendar month (`month` true,
    `day` its first day), so a period reads whole months from the month rows and only the days
    at its edges from the day rows: a few thousand rows for any period."""

    day = models.DateField(_("日期"))
    month = models.BooleanField(_("整月"), default=False)
    subdistrict_id = models.IntegerField(_("街道"))
    department_id = models.IntegerField(_("承办单位"), default=0)
    programme_id = models.CharField(_("六心板块"), max_length=20, default="")  # its code
    kind = models.CharField(_("诉求类型"), max_length=12)
    urgency = models.CharField(_("紧急程度"), max_length=8)
    # The problem classification (一级/二级/三级) once requests carry one; 0 until then.
    category_id = models.IntegerField(_("分类"), default=0)

    KEY = ("day", "month", "subdistrict_id", "department_id", "programme_id", "kind", "urgency", "category_id")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.subdistrict_id}/{self.department_id}"


class RequestCounts(models.Model):
    """The counts of the requests received on a day (as they stand now), shared by the wide
    rollup (AppealDay) and its narrow projection per 街道 or unit (AppealGroupDay)."""

    received = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    responded_in_time = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_in_time = models.IntegerField(default=0)
    resolved_unanswered = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    unrated = models.IntegerField(default=0)
    explained = models.IntegerField(default=0)
    # By status now (OPEN_STATUSES, DONE_STATUSES) and published (merged duplicates included):
    # the API's request totals. A default in the database too, for rows written by code of
    # before them (run rebuild_rollups after the upgrade: `make run` does with --if-empty).
    open = models.IntegerField(default=0, db_default=0)
    done = models.IntegerField(default=0, db_default=0)
    published = models.IntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class AppealDay(RollupKey, RequestCounts):
    """Per day received (site time zone) and group: the requests' counts as they stand now.

    A request moves between rows when a step changes its group (派单, 退单) and its counts
    change with its state, so the sums over a period are exactly those of its requests."""

    class Meta:
        verbose_name = _("诉求日统计")
        verbose_name_plural = _("诉求日统计")
        constraints = [models.UniqueConstraint(fields=RollupKey.KEY, name="appeal_day_key")]


class DueCounts(models.Model):
    """Per day a deadline falls on (`due_day`): `pending`, requests not yet resolved (by their
    resolve deadline); `late`, requests overdue once that day has passed (SUBMITTED by their
    response deadline, DUE_STATUSES by their resolve deadline)."""

    due_day = models.DateField(_("办结时限日期"))
    pending = models.IntegerField(default=0)
    late = models.IntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class AppealDueDay(RollupKey, DueCounts):
    """Open requests not yet resolved, per day received, group and day their resolve deadline
    falls on: which of them count as due depends on the period's end and today."""

    class Meta:
        verbose_name = _("诉求待办结日统计")
        verbose_name_plural = _("诉求待办结日统计")
        constraints = [models.UniqueConstraint(fields=(*RollupKey.KEY, "due_day"), name="appeal_due_day_key")]


# The steps counted per day in a column each; a step not listed (a newer one) counts as `n_other`.
STEP_ACTIONS = (
    "accept",
    "reject",
    "assign",
    "sign",
    "return",
    "request_extension",
    "approve_extension",
    "refuse_extension",
    "supervise",
    "answer_supervision",
    "resolve",
    "rate",
    "revisit",
    "expire",
    "reopen",
    "close_explained",
    "merge",
    "co_reply",
    "other",
)


def step_column(action: str) -> str:
    return f"n_{action if action in STEP_ACTIONS else 'other'}"


class StepCounts(models.Model):
    """Steps per action (`n_<action>`), 签收 in time and 代办."""

    for _action in STEP_ACTIONS:
        locals()[step_column(_action)] = models.IntegerField(default=0)
    del _action
    sign_in_time = models.IntegerField(default=0)
    proxy = models.IntegerField(default=0)

    class Meta:
        abstract = True


class AppealStepDay(StepCounts):
    """Per day a step was taken (site time zone), 街道 and unit: how many steps of each action,
    how many as 代办 (`proxy`), how many 签收 within the signing deadline (`sign_in_time`); per
    day and per month like the request rollups."""

    day = models.DateField(_("日期"))
    month = models.BooleanField(_("整月"), default=False)
    subdistrict_id = models.IntegerField(_("街道"))
    department_id = models.IntegerField(_("承办单位"), default=0)

    KEY = ("day", "month", "subdistrict_id", "department_id")

    class Meta:
        verbose_name = _("办理步骤日统计")
        verbose_name_plural = _("办理步骤日统计")
        constraints = [
            models.UniqueConstraint(
                fields=("day", "month", "subdistrict_id", "department_id"), name="appeal_step_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.subdistrict_id}/{self.department_id}"


class GroupKey(models.Model):
    """The narrow rollups: each wide row projected on one grouping at a time, 街道
    (`by` = "subdistrict") or unit ("department"), what the figures read. A day holds at most
    one row per 街道 and per unit, whatever the number of requests and of other dimensions
    (programme × type × urgency × class multiply the wide rows)."""

    day = models.DateField(_("日期"))
    month = models.BooleanField(_("整月"), default=False)
    by = models.CharField(_("分组"), max_length=12)
    group_id = models.IntegerField(_("街道或承办单位"))

    KEY = ("day", "month", "by", "group_id")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.by} {self.group_id}"


class AppealGroupDay(GroupKey, RequestCounts):
    class Meta:
        verbose_name = _("诉求日统计（按街道或单位）")
        verbose_name_plural = _("诉求日统计（按街道或单位）")
        constraints = [models.UniqueConstraint(fields=GroupKey.KEY, name="appeal_group_day_key")]


class AppealGroupDueDay(GroupKey, DueCounts):
    KEY = (*GroupKey.KEY, "due_day")

    class Meta:
        verbose_name = _("诉求待办结日统计（按街道或单位）")
        verbose_name_plural = _("诉求待办结日统计（按街道或单位）")
        constraints = [models.UniqueConstraint(fields=(*GroupKey.KEY, "due_day"), name="appeal_group_due_day_key")]


class AppealGroupStepDay(GroupKey, StepCounts):
    class Meta:
        verbose_name = _("办理步骤日统计（按街道或单位）")
        verbose_name_plural = _("办理步骤日统计（按街道或单位）")
        constraints = [models.UniqueConstraint(fields=GroupKey.KEY, name="appeal_group_step_day_key")]
