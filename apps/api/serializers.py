"""Output and input shapes of the REST API.

Public and private request outputs are separate classes with explicit field lists: the public
one has no attribute that could reach a submitter's name, phone, contact or exact location,
whatever the query string says. Serializers only shape data; rules live in services.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.core.files.storage import default_storage
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from apps.appeals.models import (
    TEMPLATE_FIELDS,
    Appeal,
    AppealKind,
    Rating,
    Solved,
    Status,
    SupervisionLevel,
    TemplateStep,
    Urgency,
)
from apps.appeals.selectors import public_timeline
from apps.appeals.tracking import parse_tracking_no
from apps.appeals.workflow import TRANSITIONS, Actor
from apps.categories.models import ProblemCategory
from apps.common.dates import local_moment, validate_date_in_range
from apps.common.filters import MAX_ID
from apps.common.privacy import hide_numbers, mask_name
from apps.places.models import Area, AreaLevel, Department
from apps.programmes.models import Programme
from apps.projects.models import Health, ProgressSource, ProjectStatus


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


def _media_url(request, name: str | None) -> str | None:
    if not name:
        return None
    return _absolute(request, default_storage.url(name))


class LabelField(serializers.CharField):
    """The display label of a choice (已完成, 求助 ...) by dictionary lookup: cheaper per row than
    calling `get_FOO_display`, which DRF inspects as a callable on every object."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return str(self.labels.get(value, ""))


def detail_url(serializer: serializers.Serializer, view_name: str, pk: int) -> str:
    """An absolute detail URL; the pattern is reversed once per response, not once per row."""
    cache = serializer.context.setdefault("_url_templates", {})
    template = cache.get(view_name)
    if template is None:
        template = reverse(view_name, args=[0], request=serializer.context.get("request")).rsplit("/0/", 1)
        cache[view_name] = template
    head, tail = template
    return f"{head}/{pk}/{tail}"


# --- Reference data ----------------------------------------------------------------------------


class ProgrammeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="板块代码（稳定标识） / Stable programme code")
    name = serializers.CharField()
    name_en = serializers.CharField()
    scope = serializers.CharField()
    scope_en = serializers.CharField()
    colour = serializers.CharField(help_text="#RRGGBB")
    order = serializers.IntegerField()
    project_count = serializers.IntegerField(help_text="已公开的顶层项目数 / Published top-level projects")


class AreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=AreaLevel.choices, help_text="1 区 2 街道 3 社区 4 小区")
    level_label = LabelField(AreaLevel.choices, source="level")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    subdistrict = serializers.IntegerField(source="subdistrict_id", allow_null=True, help_text="所属街道 id")
    code = serializers.CharField(allow_null=True, help_text="12位统计代码 / 12-digit statistical code")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)


class AreaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class SubdistrictRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()
    area = serializers.IntegerField(source="area_id", allow_null=True, help_text="所属街道 id")
    is_active = serializers.BooleanField()


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="分类代码，每级两位 / Class code, two digits a level")
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="1 一级、2 二级、3 三级 / Level 1-3")


# --- Projects ----------------------------------------------------------------------------------


class PhotoSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    stage = serializers.CharField()
    caption = serializers.CharField()
    is_cover = serializers.BooleanField()
    taken_on = serializers.DateField(allow_null=True)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, photo) -> str | None:
        return _media_url(self.context.get("request"), photo.image.name)


class ProgressUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    date = serializers.DateField()
    text = serializers.CharField()
    progress = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    photos = PhotoSerializer(many=True)
    created_at = serializers.DateTimeField()


class ProgressUpdateCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="进展情况 / What was done")
    progress = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        allow_null=True,
        coerce_to_string=False,
        help_text="当前进度（%），仅手工填报进度的项目生效 / Progress in %, for hand-set projects",
    )
    date = serializers.DateField(required=False, help_text="进展日期，默认今天，不能晚于今天 / Defaults to today")

    def validate_date(self, value):
        if value.year < 2000:
            raise serializers.ValidationError("日期过早。 / Too early.")
        return value


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    planned_date = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    weight = serializers.IntegerField()


class SubprojectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    progress = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    weight = serializers.IntegerField()


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    programme = serializers.CharField(source="programme_id", help_text="板块代码 / Programme code")
    year = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    status_label = LabelField(ProjectStatus.choices, source="status")
    progress = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    progress_source = serializers.ChoiceField(choices=ProgressSource.choices)
    expected_progress = serializers.SerializerMethodField(help_text="序时进度（%） / Expected progress today")
    health = serializers.SerializerMethodField(help_text="红黄绿灯 / Schedule health today")
    planned_investment = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, help_text="计划投资（万元） / 10k CNY"
    )
    invested = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, help_text="已完成投资（万元） / 10k CNY"
    )
    investment_ratio = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False, allow_null=True)
    planned_start = serializers.DateField()
    planned_finish = serializers.DateField()
    actual_start = serializers.DateField(allow_null=True)
    actual_finish = serializers.DateField(allow_null=True)
    lead_department = DepartmentRefSerializer()
    areas = AreaRefSerializer(many=True)
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False)
    cover_photo = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def _today(self):
        return self.context.get("today") or timezone.localdate()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, project) -> str:
        return detail_url(self, "api:project-detail", project.pk)

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False))
    def get_expected_progress(self, project) -> Decimal:
        return project.expected_progress(self._today())

    @extend_schema_field(serializers.ChoiceField(choices=Health.choices))
    def get_health(self, project) -> str:
        return project.health_on(self._today()).value

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_cover_photo(self, project) -> str | None:
        return _media_url(self.context.get("request"), getattr(project, "cover_image", None))


class ProjectDetailSerializer(ProjectSerializer):
    description = serializers.CharField()
    official_name = serializers.CharField(help_text="责任人（公开姓名） / Responsible official's public name")
    official_title = serializers.CharField()
    co_departments = DepartmentRefSerializer(many=True)
    milestones = MilestoneSerializer(many=True)
    photos = PhotoSerializer(many=True)
    subprojects = SubprojectSerializer(many=True)
    recent_updates = ProgressUpdateSerializer(many=True, help_text="最近 10 条进展 / Latest 10 progress updates")
    updates_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_updates_url(self, project) -> str:
        return detail_url(self, "api:project-updates", project.pk)


# --- Requests ----------------------------------------------------------------------------------


class ProjectRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class PublicTextField(serializers.CharField):
    """A step's reply as the public may read it: phone and ID numbers starred."""

    def to_representation(self, value) -> str:
        return hide_numbers(super().to_representation(value))


class AppealPublicSerializer(serializers.Serializer):
    """A published request as residents see it: the submitter's name masked (张*), the place only
    down to 社区/小区, no phone, contact, address text or coordinates."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    type = serializers.ChoiceField(source="kind", choices=AppealKind.choices)
    type_label = LabelField(AppealKind.choices, source="kind")
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = LabelField(Status.choices, source="status")
    programme = serializers.CharField(source="programme_id", allow_null=True)
    # The public version an official approved (phone, ID and house numbers masked), never the text as written.
    title = serializers.CharField(source="published_title")
    content = serializers.CharField(source="published_content")
    submitter = serializers.SerializerMethodField(help_text="脱敏姓名，如 张* / Masked name")
    area = AreaRefSerializer()
    subdistrict = SubdistrictRefSerializer()
    department = DepartmentRefSerializer(allow_null=True)
    category = CategoryRefSerializer(
        allow_null=True, help_text="问题分类（受理时归类，可为任一级） / Problem class, any level"
    )
    public_reply = serializers.CharField(source="published_reply")
    rating = serializers.ChoiceField(choices=Rating.choices, allow_blank=True)
    submitted_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    projects = ProjectRefSerializer(source="public_projects", many=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, appeal) -> str:
        return detail_url(self, "api:request-detail", appeal.pk)

    def get_submitter(self, appeal) -> str:
        return mask_name(appeal.submitter_name)


class PublicEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    status = serializers.ChoiceField(source="to_status", choices=Status.choices)
    status_label = LabelField(Status.choices, source="to_status")
    actor = serializers.CharField(source="actor_label")
    reply = PublicTextField()


class AppealPublicDetailSerializer(AppealPublicSerializer):
    timeline = serializers.SerializerMethodField(help_text="公开办理过程（无内部备注） / Public steps, no notes")

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_timeline(self, appeal) -> list:
        steps = public_timeline(appeal.timeline, published_reply=appeal.published_reply)
        return PublicEventSerializer(steps, many=True, context=self.context).data


class PrivateEventSerializer(PublicEventSerializer):
    reply = serializers.CharField()  # officials read the reply as written
    from_status = serializers.CharField()
    department = DepartmentRefSerializer(allow_null=True)
    co_departments = DepartmentRefSerializer(many=True, help_text="派单时指定的协办单位 / Co-departments (assign)")
    reason = serializers.CharField(help_text="退单/解释说明理由、督办级别、确认的紧急程度或延期原因 / Reason")
    note = serializers.CharField(help_text="内部备注 / Internal note")
    until = serializers.DateTimeField(allow_null=True, help_text="延期至、督办答复期限、重办期限 / Deadline set")
    solved = serializers.CharField(help_text="是否解决 / Solved (rate, revisit)")
    rating = serializers.CharField(help_text="满意度 / Rating (rate, revisit)")
    comment = serializers.CharField(help_text="诉求人的评价意见 / The resident's comment (rate, revisit)")
    proxy_reason = serializers.CharField(help_text="代办原因 / Why the district acted for the unit (代办)")
    category = CategoryRefSerializer(
        allow_null=True, help_text="受理时确认的问题分类 / The problem class confirmed at accept"
    )


PRIVATE = "（仅对范围内的密钥返回 / only for API keys whose scope covers the request）"


def _private(field_class: type[serializers.Field], label: str, **kwargs) -> serializers.Field:
    # Not required in the schema: anonymous callers get the same object without these fields.
    return field_class(required=False, help_text=f"{label}{PRIVATE}", **kwargs)


class AppealPrivateSerializer(AppealPublicSerializer):
    """Officials' view, for API keys whose scope covers the request: personal data included."""

    # The text as the resident and the officials wrote it (the public reads the public version).
    title = serializers.CharField()
    content = serializers.CharField()
    public_reply = serializers.CharField()
    published_title = _private(serializers.CharField, "公开标题 / Public version of the title")
    published_content = _private(serializers.CharField, "公开内容 / Public version of the content")
    published_reply = _private(serializers.CharField, "公开答复 / Public version of the reply")
    tracking_no = _private(serializers.CharField, "受理编号 / Tracking number")
    channel = _private(serializers.CharField, "来源渠道 / Channel")
    external_id = _private(serializers.CharField, "外部编号 / External id", allow_null=True)
    submitter_name = _private(serializers.CharField, "诉求人姓名 / Submitter's name")
    submitter_phone = _private(serializers.CharField, "联系电话 / Phone")
    submitter_contact = _private(serializers.CharField, "其他联系方式 / Other contact")
    contact_purged_at = _private(serializers.DateTimeField, "联系方式清除时间 / Contact purged at", allow_null=True)
    location_text = _private(serializers.CharField, "具体位置 / Exact location")
    latitude = _private(
        serializers.DecimalField, "纬度", max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False
    )
    longitude = _private(
        serializers.DecimalField, "经度", max_digits=9, decimal_places=6, allow_null=True, coerce_to_string=False
    )
    consent_to_publish = _private(serializers.BooleanField, "同意公开 / Consented to publication")
    publish_approved = _private(serializers.BooleanField, "审核公开 / Approved for publication")
    response_due = _private(serializers.DateTimeField, "响应时限 / Response due")
    resolve_due = _private(serializers.DateTimeField, "办结时限 / Resolution due")
    overdue = _private(serializers.BooleanField, "是否超期 / Overdue")
    closed_at = _private(serializers.DateTimeField, "关闭时间 / Closed at", allow_null=True)
    rating_comment = _private(serializers.CharField, "评价意见 / Rating comment")


class CoAssignmentSerializer(serializers.Serializer):
    """One co-department (协办) of a request and its contribution."""

    department = DepartmentRefSerializer()
    assigned_at = serializers.DateTimeField()
    due = serializers.DateTimeField(help_text="协办回复时限 / Answer due")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="协办签收时间 / Signed at (co_sign)")
    replied_at = serializers.DateTimeField(allow_null=True, help_text="回复时间 / Answered at")
    note = serializers.CharField(help_text="协办意见 / The contribution")
    actor = serializers.CharField(source="actor_label", help_text="回复方 / Who answered")
    proxy_reason = serializers.CharField(help_text="代办原因 / Why the district answered for it (代办)")
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text="撤回时间（退单、改派、合并） / Withdrawn at")
    overdue = serializers.SerializerMethodField(help_text="协办超期 / Not answered by its deadline")

    def get_overdue(self, row) -> bool:
        return row.is_overdue()


class AppealPrivateDetailSerializer(AppealPrivateSerializer):
    urgency = _private(serializers.CharField, "紧急程度 / normal, urgent")
    solved = _private(serializers.CharField, "是否解决 / yes, partly, no")
    closure = _private(serializers.CharField, "关闭方式 / rated, unrated (未评价), explained (解释说明)")
    reopen_count = _private(serializers.IntegerField, "重办次数 / Times reopened")
    extensions = _private(serializers.IntegerField, "已批准延期次数 / Extensions approved")
    extension_until = _private(serializers.DateTimeField, "待审批的延期 / Extension asked for", allow_null=True)
    extension_reason = _private(serializers.CharField, "延期原因 / Reason given for it")
    supervision = _private(serializers.CharField, "督办 / general, key")
    supervision_due = _private(serializers.DateTimeField, "督办答复期限 / Supervision answer due", allow_null=True)
    supervision_answered_at = _private(serializers.DateTimeField, "督办答复时间 / Answered at", allow_null=True)
    merged_into = _private(
        serializers.CharField,
        "并入的诉求 / Merged into",
        source="merged_into.tracking_no",
        allow_null=True,
        default=None,
    )
    timeline = PublicEventSerializer(
        source="event_list", many=True, help_text="公开办理过程（无内部备注） / Public steps, no notes"
    )
    events = _private(PrivateEventSerializer, "完整办理记录（含内部备注） / All steps", source="event_list", many=True)
    co_assignments = _private(
        CoAssignmentSerializer, "协办单位及协办意见 / Co-departments and their answers", source="co_list", many=True
    )


class AppealReceiptSerializer(serializers.Serializer):
    """What the submitting system gets back: ids and deadlines, no personal data."""

    id = serializers.IntegerField()
    tracking_no = serializers.CharField(help_text="受理编号 / Tracking number")
    external_id = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    submitted_at = serializers.DateTimeField()
    response_due = serializers.DateTimeField()
    resolve_due = serializers.DateTimeField()


class AppealCreateSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64, help_text="提交方自己的工单编号，重复提交返回同一诉求 / Your own id; idempotency key"
    )
    type = serializers.ChoiceField(source="kind", choices=AppealKind.choices, help_text="诉求类型 / Request type")
    area = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="街道或社区 id / Area id (街道 or below)")
    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), required=False, allow_null=True
    )
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProblemCategory.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="问题分类代码（任一级，受理时确认） / Problem class code, any level; confirmed at 受理",
    )
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=5000)
    location_text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=Decimal(-90), max_value=Decimal(90), required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=Decimal(-180), max_value=Decimal(180), required=False, allow_null=True
    )
    submitter_name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    submitter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    submitter_contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    consent_to_publish = serializers.BooleanField(required=False, default=False)
    submitted_at = serializers.DateTimeField(
        required=False, help_text="原始受理时间，默认现在，不能晚于现在 / Time received; defaults to now"
    )

    def validate_area(self, value: int) -> Area:
        area = Area.objects.filter(pk=value).first()
        if area is None:
            raise serializers.ValidationError("没有这个区域。 / No such area.")
        return area


END_OF_DAY = time(23, 59, 59)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[(t.action, t.label) for t in TRANSITIONS.values() if t.actor != Actor.SYSTEM],
        help_text="派单方 / dispatcher: accept 受理, reject 不予受理, assign 派单, supervise 督办, "
        "approve_extension 批准延期, refuse_extension 不批准延期, revisit 回访, reopen 重办, "
        "close_explained 解释说明后关闭, merge 合并重复件, rate 评价（转达诉求人评价）; 承办单位 / unit: sign 签收, "
        "return 退单, request_extension 申请延期, answer_supervision 督办回复, resolve 办结; 协办单位 / co-department: "
        "co_sign 协办签收, co_reply 协办回复 (note)",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reply = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="公开答复 / Public reply"
    )
    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="assign: 主办单位代码 / lead department code; co_sign, co_reply 代办: 代为办理的协办单位代码 / "
        "the co-department acted for",
    )
    co_departments = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        many=True,
        required=False,
        default=list,
        help_text="assign: 协办单位代码 / co-department codes (协办)",
    )
    proxy_reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="代办原因：全区“派单”密钥办理承办单位或协办单位的步骤时必填 / Required when a district-wide "
        "dispatch key takes a unit's step (代办)",
    )
    reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="return: wrong_area/wrong_function; close_explained: unreasonable/policy/beyond/done; "
        "request_extension: 延期原因 / the reason in words",
    )
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, allow_blank=True, default="", help_text="accept: normal/urgent"
    )
    level = serializers.ChoiceField(
        choices=SupervisionLevel.choices, required=False, allow_blank=True, default="", help_text="supervise"
    )
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=ProblemCategory.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="accept: 问题分类代码（任一级，如 010101） / Problem class code, any level",
    )
    answer_by = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        validators=[validate_date_in_range],
        help_text="supervise: 答复期限",
    )
    until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        validators=[validate_date_in_range],
        help_text="request_extension: 延期至; reopen: 重办期限",
    )
    solved = serializers.ChoiceField(
        choices=Solved.choices, required=False, allow_blank=True, default="", help_text="rate, revisit: 是否解决"
    )
    rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True, default="")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    into = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="merge: 主诉求受理编号 / tracking number"
    )

    def validate_into(self, value: str):
        if not value:
            return None
        tracking_no = parse_tracking_no(value)
        into = Appeal.objects.filter(tracking_no=tracking_no).first() if tracking_no else None
        if into is None:
            raise serializers.ValidationError("没有这个受理编号的诉求。 / No request with this tracking number.")
        return into

    def validate(self, data: dict) -> dict:
        # Dates are deadlines: the end of that day, local time; the service takes one `until`.
        day = data.pop("answer_by", None) or data.get("until")
        data["until"] = local_moment(day, END_OF_DAY) if day else None
        return data


class ReplyTemplateSerializer(serializers.Serializer):
    """An 答复模板: the text a workflow step starts from; the official edits it before sending."""

    id = serializers.IntegerField()
    step = serializers.ChoiceField(choices=TemplateStep.choices, help_text="办理步骤 / Workflow step (action)")
    step_label = LabelField(TemplateStep.choices, source="step")
    fills = serializers.SerializerMethodField(
        help_text="模板填入的字段：reply 公开答复、note 内部备注、reason 原因 / The transition field it fills"
    )
    category = CategoryRefSerializer(allow_null=True, help_text="适用分类，空为不限 / Class; null: every class")
    type = serializers.ChoiceField(
        source="kind",
        choices=AppealKind.choices,
        allow_blank=True,
        help_text="适用类型，空为不限 / Type; blank: every type",
    )
    title = serializers.CharField()
    text = serializers.CharField(help_text="“……”处须由工作人员补充 / Fill in the “……” before sending")

    def get_fills(self, template) -> str:
        return TEMPLATE_FIELDS[template.step]


# --- Statistics --------------------------------------------------------------------------------


class ProgrammeFiguresSerializer(serializers.Serializer):
    programme = serializers.CharField(source="programme.code")
    name = serializers.CharField(source="programme.name")
    total = serializers.IntegerField()
    completed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    planned = serializers.IntegerField()
    suspended = serializers.IntegerField()
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()
    average_progress = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False)
    planned_investment = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    invested = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)
    investment_ratio = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True, coerce_to_string=False)


class RequestFiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    overdue = serializers.IntegerField()
    published = serializers.IntegerField()


def _number(value) -> float | int | None:
    return float(value) if isinstance(value, Decimal) else value


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="指标代码 / Figure code (settings.FIGURES), e.g. sign_in_time, return")
    label = serializers.CharField(help_text="指标名称，如 及时签收率 / Name")
    is_rate = serializers.BooleanField(help_text="比率（%）或件数 / A rate in percent, or a count")
    numerator = serializers.IntegerField(help_text="分子（或件数） / Numerator (or the count)")
    denominator = serializers.IntegerField(allow_null=True, help_text="分母；件数为 null / Denominator")
    value = serializers.SerializerMethodField(help_text="本期值；无分母时为 null / This period's value")
    previous = serializers.SerializerMethodField(help_text="上期（等长的前一期间）值 / Previous period's value")
    change = serializers.SerializerMethodField(
        help_text="环比：比率为百分点差，件数为差值 / Change from the previous period (points or count)"
    )

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_value(self, figure) -> float | None:
        return _number(figure.value)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_previous(self, figure) -> float | None:
        return _number(figure.previous)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_change(self, figure) -> float | None:
        return _number(figure.change)


class RatesSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key")
    name = serializers.CharField()
    received = serializers.IntegerField()
    responded_in_time = serializers.IntegerField()
    due = serializers.IntegerField()
    resolved = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    response_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False, help_text="响应率（%）"
    )
    resolution_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False, help_text="解决率（%）"
    )
    satisfaction_rate = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False, help_text="满意率（%）"
    )
    score = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, coerce_to_string=False, help_text="综合得分"
    )
    rankable = serializers.BooleanField(help_text="样本量是否足以排名 / Enough requests to rank")
    figures = FigureSerializer(
        many=True,
        source="figure_list",
        help_text="全部指标及环比（三率、及时签收率、按时办结率、回退率、重办率、延期率、督办件数、代办件数） / "
        "Every figure with its change from the previous period of equal length",
    )


class StatsPeriodSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()


class StatsSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="项目统计年度 / Year of the project figures")
    period = StatsPeriodSerializer(help_text="诉求统计期间 / Period of the request figures")
    projects_total = serializers.IntegerField()
    programmes = ProgrammeFiguresSerializer(many=True)
    requests = RequestFiguresSerializer()
    rate_definitions = serializers.DictField(child=serializers.CharField())
    figure_definitions = serializers.DictField(
        child=serializers.CharField(), help_text="每个指标的计算公式（文字） / Each figure's formula in words"
    )
    rates_by_subdistrict = RatesSerializer(many=True)
    rates_by_department = RatesSerializer(many=True)


class StatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        today = timezone.localdate()
        attrs.setdefault("year", today.year)
        attrs.setdefault("start", today.replace(month=1, day=1))
        attrs.setdefault("end", today)
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "结束日期不能早于开始日期。 / end is before start."})
        if attrs["start"].year < 2000 or attrs["end"].year > 2100:
            raise serializers.ValidationError({"start": "日期超出范围。 / Date out of range."})
        return attrs


# --- Errors ------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码 / Machine-readable code, e.g. invalid, not_found")
    message = serializers.CharField(help_text="说明 / Human-readable message")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="各字段或参数的错误 / Messages per field or query parameter",
    )
    allowed_actions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="仅 409：诉求当前状态允许的办理操作 / 409 only: the actions the request's state allows",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
