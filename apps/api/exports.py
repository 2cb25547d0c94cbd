"""CSV and Excel exports for open-data portals.

Projects use the admin import's resource (apps.projects.resources.ProjectResource), so an
export's columns are exactly the columns the back office imports. Requests are exported with
public columns only: their public version, masked name, place down to 社区/小区, never phone,
contact or address;
texts residents wrote that start like a spreadsheet formula are defused.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from tablib import Dataset

from apps.appeals.models import Appeal, AppealKind, Rating, Status
from apps.appeals.resources import defuse_formula
from apps.common.privacy import mask_name
from apps.projects.models import Project
from apps.projects.resources import ProjectResource

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Table = Dataset

PUBLIC_APPEAL_COLUMNS: list[str] = [
    "ID",
    "诉求类型",
    "状态",
    "六心板块",
    "所属街道",
    "所在区域",
    "标题",
    "诉求内容",
    "诉求人",
    "承办单位",
    "提交时间",
    "办结时间",
    "答复内容",
    "评价",
]


def project_table(queryset: QuerySet[Project], *, native: bool = False) -> Dataset:
    """`native` for XLSX: numbers and dates as real cells."""
    return ProjectResource().export(queryset=queryset.order_by("id"), force_native_type=native)


def check_size(queryset: QuerySet) -> None:
    """Refuse an export larger than API_EXPORT_MAX_ROWS with a 400 that says how to narrow it:
    a whole district's published requests would hold a worker for minutes and hundreds of MB."""
    limit = settings.API_EXPORT_MAX_ROWS
    count = queryset.count()
    if count > limit:
        raise ValidationError(
            _(
                "导出结果有 %(count)s 行，超过单次上限 %(limit)s 行；请用 year、submitted_since / submitted_before "
                "等条件分段导出。 / %(count)s rows exceed the export limit of %(limit)s: narrow the period "
                "(year, submitted_since / submitted_before) and export in parts."
            )
            % {"count": count, "limit": limit}
        )


def _time(value) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def appeal_table(queryset: QuerySet[Appeal]) -> Dataset:
    dataset = Dataset(headers=PUBLIC_APPEAL_COLUMNS, title="已公开诉求")
    # Labels looked up once, not through get_FOO_display on every row (most of an export's time).
    kinds, statuses, ratings = ({k: str(v) for k, v in c.choices} for c in (AppealKind, Status, Rating))
    for appeal in queryset.order_by("id").iterator(chunk_size=2000):
        dataset.append(
            [
                appeal.pk,
                kinds[appeal.kind],
                statuses[appeal.status],
                appeal.programme.name if appeal.programme_id else "",
                appeal.subdistrict.name,
                appeal.area.name,
                defuse_formula(appeal.published_title),
                defuse_formula(appeal.published_content),
                mask_name(appeal.submitter_name),
                appeal.department.name if appeal.department_id else "",
                _time(appeal.submitted_at),
                _time(appeal.resolved_at),
                defuse_formula(appeal.published_reply),
                ratings.get(appeal.rating, ""),
            ]
        )
    return dataset


def response(table: Dataset, *, fmt: str, filename: str) -> HttpResponse:
    if fmt == "xlsx":
        body = table.export("xlsx")
        content_type = XLSX_TYPE
    else:
        # With a BOM, Excel opens the UTF-8 file with its Chinese intact.
        body = "\ufeff" + table.export("csv")
        content_type = "text/csv; charset=utf-8"
    result = HttpResponse(body, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result
