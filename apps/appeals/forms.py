"""Back-office forms for residents' requests: registering a call or visit, and workflow steps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import Scope, ScopeKind
from apps.appeals.models import (
    Appeal,
    Channel,
    ExplainedReason,
    Rating,
    ReturnReason,
    Solved,
    SupervisionLevel,
    Urgency,
)
from apps.appeals.services import MAX_PHOTOS, appeal_link_projects_check
from apps.categories.selectors import category_by_code, category_choices
from apps.common.dates import validate_date_in_range
from apps.common.images import MultiplePhotoField
from apps.places.selectors import active_departments


class CategoryChoiceField(forms.ChoiceField):
    """A problem class by its code, offered grouped by first-level class; cleans to the class."""

    def __init__(self, *, empty_label=None, **kwargs):
        self.empty_label = empty_label or _("不改变（保持诉求人所选或未分类）")
        super().__init__(choices=self._choices_now, **kwargs)

    def _choices_now(self):
        return [("", self.empty_label), *category_choices()]

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        category = category_by_code(code, active_only=True)
        if category is None:
            raise ValidationError(_("请从列表中选择问题分类。"))
        return category


class AppealSubmitForm(forms.ModelForm):
    """An official registers a request received by phone, visit or WeChat (saved by appeal_submit)."""

    photos = MultiplePhotoField(
        max_count=MAX_PHOTOS, label=_("照片"), help_text=_("最多 3 张，上传时自动去除拍摄位置等 EXIF 信息。")
    )
    category = CategoryChoiceField(
        label=_("问题分类"),
        required=False,
        empty_label=_("暂不归类"),
        help_text=_("可在登记时归类，受理时可再修改。"),
    )
    scope: Scope | None = None

    class Meta:
        model = Appeal
        fields = [
            "channel",
            "kind",
            "programme",
            "area",
            "location_text",
            "latitude",
            "longitude",
            "title",
            "content",
            "submitter_name",
            "submitter_phone",
            "submitter_contact",
            "consent_to_publish",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].initial = Channel.VISIT
        self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.API]

    def clean_area(self):
        area = self.cleaned_data.get("area")
        scope = self.scope
        if area is not None and scope is not None and scope.kind == ScopeKind.SUBDISTRICT:
            own = area.subdistrict or area.derive_subdistrict()  # as appeal_submit reads it
            if own is None or own.pk != scope.subdistrict_id:
                raise ValidationError(_("只能登记本街道范围内的诉求。"))
        return area


class AppealChangeForm(forms.ModelForm):
    """What an official may correct on a request; status and replies change only by workflow steps."""

    scope: Scope | None = None

    class Meta:
        model = Appeal
        fields = ["programme", "location_text", "latitude", "longitude", "projects"]

    def clean_projects(self):
        projects = self.cleaned_data["projects"]
        if self.scope is not None:
            try:
                appeal_link_projects_check(appeal=self.instance, projects=projects, scope=self.scope)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["projects"]) from exc
        return projects


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("内部备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("仅工作人员可见。"),
    )


class AssignForm(NoteForm):
    department = forms.ModelChoiceField(
        label=_("主办单位"), queryset=active_departments(), empty_label=_("请选择承办单位")
    )
    co_departments = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=active_departments(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("可多选（按住 Ctrl 或 ⌘）。协办单位须在各自的时限内回复协办意见，由主办单位办结。"),
    )
    field_order = ["department", "co_departments", "note"]


class CoReplyForm(NoteForm):
    """协办回复: the co-department's contribution, which the lead reads before resolving."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        self.fields["note"].label = _("协办意见")
        self.fields["note"].help_text = _("本单位参与办理的情况和意见，主办单位和派单人员可见，不向诉求人公开。")


class ReplyForm(NoteForm):
    reply = forms.CharField(
        label=_("答复内容"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("诉求人可见，请用通俗的语言说明办理结果或理由。"),
    )
    field_order = ["reply", "note"]


class PublishForm(forms.Form):
    """The public version of a request as the approving official edits it; pre-filled by
    `public_version_draft` (phone, ID and house numbers masked)."""

    published_title = forms.CharField(label=_("公开标题"), max_length=100, widget=forms.TextInput(attrs={"size": 80}))
    published_content = forms.CharField(
        label=_("公开内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8, "cols": 80})
    )
    published_reply = forms.CharField(
        label=_("公开答复"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_(
            "公开页面、接口、导出和 Open311 只显示这一版本，原文不变、不公开。电话和证件号码总会被遮盖；"
            "楼号、单元、室号和门牌号已预先遮盖，请核对后再公开。"
        ),
    )


class ReturnForm(NoteForm):
    reason = forms.ChoiceField(label=_("退单原因"), choices=ReturnReason.choices)
    field_order = ["reason", "note"]


class NoteRequiredForm(NoteForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        self.fields["note"].label = _("说明")


class AcceptForm(NoteForm):
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        required=False,
        choices=[("", _("按登记时的建议")), *Urgency.choices],
        help_text=_("登记时系统已按燃气、漏电、火等安全隐患关键词给出建议，请确认；改为紧急或普通会重新计算办结时限。"),
    )
    category = CategoryChoiceField(
        label=_("问题分类"),
        required=False,
        help_text=_("按三级分类归类（如 城乡建设 › 住房物业 › 电梯故障），统计、筛选和“附近已有相同反映”都按它。"),
    )
    field_order = ["urgency", "category", "note"]


class ExtensionRequestForm(NoteForm):
    until = forms.DateField(
        label=_("申请延期至"), widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_date_in_range]
    )
    reason = forms.CharField(label=_("延期原因"), max_length=200, help_text=_("诉求人可在查询页看到延期日期和原因。"))
    field_order = ["until", "reason", "note"]


class SuperviseForm(NoteForm):
    level = forms.ChoiceField(label=_("督办级别"), choices=SupervisionLevel.choices)
    answer_by = forms.DateField(
        label=_("答复期限"), widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_date_in_range]
    )
    field_order = ["level", "answer_by", "note"]


class RevisitForm(NoteForm):
    solved = forms.ChoiceField(label=_("是否解决"), choices=Solved.choices, widget=forms.RadioSelect)
    rating = forms.ChoiceField(label=_("满意度"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("诉求人意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("诉求人在回访中说的话，记入办理记录，不公开。"),
    )
    field_order = ["solved", "rating", "comment", "note"]


class ReopenForm(NoteForm):
    until = forms.DateField(
        label=_("重办期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
        help_text=_("不填则按诉求类型和紧急程度从今天起重新计算。"),
    )
    reply = forms.CharField(
        label=_("告知诉求人"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("诉求人可见，例如“已要求承办单位重新办理”。"),
    )
    field_order = ["until", "reply", "note"]


class CloseExplainedForm(ReplyForm):
    reason = forms.ChoiceField(label=_("解释说明理由"), choices=ExplainedReason.choices)
    field_order = ["reason", "reply", "note"]


class MergeForm(NoteForm):
    into = forms.CharField(
        label=_("并入诉求的受理编号"), max_length=20, help_text=_("例如 QS-2026-000123；本诉求将作为重复件关闭。")
    )
    field_order = ["into", "note"]

    def clean_into(self):
        number = self.cleaned_data["into"].strip().upper()
        into = Appeal.objects.filter(tracking_no=number).first()
        if into is None:
            raise ValidationError(_("没有这个受理编号的诉求。"))
        return into


def co_department_field(appeal: Appeal, action: str = "co_reply") -> forms.ModelChoiceField:
    """Added to a 协办签收 or 协办回复 taken as 代办: which co-department it is taken for."""
    pending = appeal.co_assignments.filter(replied_at__isnull=True, withdrawn_at__isnull=True)
    if action == "co_sign":
        pending = pending.filter(signed_at__isnull=True)
    return forms.ModelChoiceField(
        label=_("代为签收的协办单位") if action == "co_sign" else _("代为回复的协办单位"),
        queryset=active_departments().filter(pk__in=pending.values("department_id")),
        empty_label=_("请选择协办单位"),
    )


def proxy_reason_field() -> forms.CharField:
    """Added to a unit's step when a district official takes it for the unit (代办)."""
    return forms.CharField(
        label=_("代办原因"),
        max_length=200,
        help_text=_("该步骤应由承办单位办理；区级工作人员代为办理须说明原因，记入办理记录并单独统计。"),
    )
