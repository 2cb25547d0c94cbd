"""Residents' requests to Excel (XLSX) / CSV for officials, within their scope.

This export contains the submitter's name and phone: it is for officials only (the admin,
scoped), never for the public. Requests are not imported: they enter through appeal_submit.
"""

from __future__ import annotations

from django.utils import timezone
from import_export import resources
from import_export.fields import Field
from import_export.widgets import Widget

from apps.appeals.models import Appeal

APPEAL_COLUMNS: list[tuple[str, str]] = [
    ("tracking_no", "受理编号"),
    ("title", "标题"),
    ("kind", "诉求类型"),
    ("channel", "来源渠道"),
    ("status", "状态"),
    ("overdue", "是否超期"),
    ("programme", "六心板块"),
    ("subdistrict", "所属街道"),
    ("area", "所在区域"),
    ("location_text", "具体位置"),
    ("department", "承办单位"),
    ("submitted_at", "提交时间"),
    ("response_due", "响应时限"),
    ("resolve_due", "办结时限"),
    ("resolved_at", "办结时间"),
    ("content", "诉求内容"),
    ("public_reply", "答复内容"),
    ("rating", "评价"),
    ("rating_comment", "评价意见"),
    ("submitter_name", "诉求人姓名"),
    ("submitter_phone", "联系电话"),
    ("submitter_contact", "其他联系方式"),
    ("consent_to_publish", "同意公开"),
    ("publish_approved", "审核公开"),
]


def appeal_columns() -> list[str]:
    return [header for _attribute, header in APPEAL_COLUMNS]


def defuse_formula(text: str) -> str:
    """Residents write these texts: one starting like a spreadsheet formula is shown as text."""
    if text[:1] in ("=", "@") or (text[:1] in ("+", "-") and not text[1:2].isdigit()):
        return "'" + text
    return text


class _Display(Widget):
    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if hasattr(value, "astimezone"):
            moment = timezone.localtime(value)
            if kwargs.get("force_native_type"):  # XLSX: a date-time cell (Excel has no time zones)
                return moment.replace(tzinfo=None, second=0, microsecond=0)
            return moment.strftime("%Y-%m-%d %H:%M")
        return defuse_formula(str(value))


class AppealExportResource(resources.ModelResource):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.now = timezone.now()
        self.fields = {attribute: Field(attribute, header, _Display()) for attribute, header in APPEAL_COLUMNS}
        # Labels looked up once: get_FOO_display hashes the lazy choices on every row, which was
        # half of a 20,000-row export's time.
        self.labels = {
            name: {value: str(label) for value, label in Appeal._meta.get_field(name).flatchoices}
            for name in ("kind", "channel", "status", "rating")
        }

    class Meta:
        model = Appeal
        fields = [attribute for attribute, _header in APPEAL_COLUMNS]
        export_order = fields
        chunk_size = 2000
        name = "群众诉求（工作人员用，含个人信息）"

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset=queryset, **kwargs)
        dataset.title = "群众诉求"  # the sheet's name in XLSX
        return dataset

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("programme", "subdistrict", "area", "department")

    def dehydrate_kind(self, appeal: Appeal) -> str:
        return self.labels["kind"].get(appeal.kind, appeal.kind)

    def dehydrate_channel(self, appeal: Appeal) -> str:
        return self.labels["channel"].get(appeal.channel, appeal.channel)

    def dehydrate_status(self, appeal: Appeal) -> str:
        return self.labels["status"].get(appeal.status, appeal.status)

    def dehydrate_rating(self, appeal: Appeal) -> str:
        return self.labels["rating"].get(appeal.rating, appeal.rating) if appeal.rating else ""

    def dehydrate_overdue(self, appeal: Appeal) -> str:
        return "是" if appeal.is_overdue(self.now) else "否"
