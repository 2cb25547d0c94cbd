"""Open311 GeoReport v2 documents as plain dicts and lists, in the spec's field order.

The renderers turn them into JSON or XML; these functions only reshape what the selectors
read. A request's location is published as its 社区 (or 街道) and that area's centre, never as
the point or text the resident gave: a resident's exact point is often their front door.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.appeals.models import DUE_STATUSES, AppealKind, Closure, Status
from apps.open311.selectors import (
    CLOSED_STATUSES,
    PublicPlace,
    Service,
    area_key,
    general_name,
    service_code,
    service_notice,
)
from apps.places.models import Area, AreaLevel
from apps.places.selectors import subdistrict_label

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date this endpoint's behaviour last changed, as discovery's `changeset` asks.
CHANGESET = "2026-11-26T00:00:00+08:00"
FORMATS = ["text/xml", "application/json"]


def discovery(*, endpoint_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": _("泉山区“六心工程”群众诉求办理平台，咨询请拨打 12345 政务服务便民热线。"),
        "key_service": _(
            "提交诉求需要“提交诉求”范围的 api_key，由区级工作人员在管理后台（开放接口 → 接口密钥）"
            "或用 manage.py create_api_key NAME --scope submit 签发。"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


def service_item(service: Service) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": True,
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


def _attribute(*, code: str, datatype: str, order: int, description: str, datatype_description: str = "", values=()):
    item = {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": False,
        "datatype_description": datatype_description,
        "order": order,
        "description": description,
    }
    if values:
        item["values"] = [{"key": key, "name": name} for key, name in values]
    return item


def _area_label(area: Area) -> str:
    if area.level == AreaLevel.SUBDISTRICT or area.subdistrict is None:
        return subdistrict_label(area.name)
    return f"{subdistrict_label(area.subdistrict.name)} · {area.name}"


def service_definition(service: Service, *, areas: list[Area]) -> dict:
    """The optional fields a client may send as `attribute[<code>]` with a new request."""
    return {
        "service_code": service.code,
        "attributes": [
            _attribute(
                code="area",
                datatype="singlevaluelist",
                order=1,
                description=_("所在街道或社区（与 address_id 相同，二者择一；也可只给经纬度或 address_string）。"),
                values=[(area_key(area), _area_label(area)) for area in areas],
            ),
            _attribute(
                code="title",
                datatype="string",
                order=2,
                description=_("诉求标题，最多100字；不填时取 description 的第一句。"),
            ),
            _attribute(
                code="consent_to_publish",
                datatype="singlevaluelist",
                order=3,
                description=_("诉求人是否同意公开（隐去姓名、电话和具体地址）；不填视为不同意。"),
                values=[("true", _("同意公开")), ("false", _("不同意公开"))],
            ),
            _attribute(
                code="external_id",
                datatype="string",
                order=4,
                description=_(
                    "来源系统的工单编号（如12345平台工单号）：同一编号重复提交只建一件诉求，返回同一受理编号。"
                ),
                datatype_description=_("最多64个字符"),
            ),
        ],
    }


def _updated(row: dict) -> datetime:
    # The spec: for a closed request, the date it was closed.
    if row["status"] in CLOSED_STATUSES:
        return row["resolved_at"] or row["closed_at"] or row["updated_at"]
    return row["updated_at"]


# The states whose handling unit the notes name (before 派单 there is none; a 退单 has left it).
_WITH_UNIT = (Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED, Status.REVIEW)


@dataclass(frozen=True)
class NoteWords:
    """The words of `status_notes` in the current language, looked up once per document (a list
    holds up to a thousand requests)."""

    states: dict[str, str]
    closures: dict[str, str]
    reopened: str
    extended: str
    merged: str
    reply: str

    @classmethod
    def current(cls) -> NoteWords:
        return cls(
            states={value: str(label) for value, label in Status.choices},
            closures={value: str(label) for value, label in Closure.choices},
            reopened=_("重办（第 %(n)s 次）"),
            extended=_("延期至 %(day)s"),
            merged=_("与相同诉求合并办理"),
            reply=_("。答复：%(reply)s"),
        )


def status_notes(row: dict, *, local, words: NoteWords | None = None) -> str | None:
    """Our finer state behind Open311's open/closed: 已派单 · 区住房和城乡建设局, 延期至 …, 重办,
    how a closed request was closed, then the public reply. Only what residents may see: never
    the 督办 or a pending extension request (the office's own business) nor a reason in words."""
    words = words or NoteWords.current()
    status = row["status"]
    closed_how = row["closure"] if status == Status.CLOSED else ""
    parts = [words.closures[closed_how] if closed_how else words.states[status]]
    if status in _WITH_UNIT and row["department__name"]:
        parts.append(row["department__name"])
    if row["reopen_count"] and status not in CLOSED_STATUSES:
        parts.append(words.reopened % {"n": row["reopen_count"]})
    if row["extensions"] and status in DUE_STATUSES:
        parts.append(words.extended % {"day": local(row["resolve_due"]).date().isoformat()})
    if status == Status.MERGED:
        parts.append(words.merged)
    notes = " · ".join(parts)
    if row["published_reply"]:
        notes += words.reply % {"reply": row["published_reply"]}
    return notes


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def request_items(rows: list[dict], places: dict[int, PublicPlace]) -> list[dict]:
    """Requests as the spec's `request` documents; `places` from `selectors.public_places`."""
    tz = timezone.get_current_timezone()

    def iso_local(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(tz).isoformat(timespec="seconds")

    kinds = {kind: (str(AppealKind(kind).label), service_notice(kind)) for kind in AppealKind.values}
    general = general_name()
    words = NoteWords.current()

    def local(value: datetime) -> datetime:
        return value.astimezone(tz)

    items = []
    for row in rows:
        kind_label, notice = kinds[row["kind"]]
        place = places[row["area_id"]]
        items.append(
            {
                "service_request_id": row["tracking_no"],
                "status": "closed" if row["status"] in CLOSED_STATUSES else "open",
                "status_notes": status_notes(row, local=local, words=words),
                "service_name": f"{row['programme__name'] or general}·{kind_label}",
                "service_code": service_code(row["programme_id"], row["kind"]),
                "description": row["published_content"],
                "agency_responsible": row["department__name"],
                "service_notice": notice,
                "requested_datetime": iso_local(row["submitted_at"]),
                "updated_datetime": iso_local(_updated(row)),
                "expected_datetime": iso_local(row["resolve_due"]),
                "address": place.address,
                "address_id": place.address_id,
                "zipcode": None,
                "lat": _number(place.latitude),
                "long": _number(place.longitude),
                "media_url": None,
            }
        )
    return items


def created_item(*, tracking_no: str, kind: str) -> dict:
    return {"service_request_id": tracking_no, "service_notice": service_notice(kind), "account_id": None}


def error_items(code: int, descriptions: list[str]) -> list[dict]:
    return [{"code": code, "description": description} for description in descriptions]
