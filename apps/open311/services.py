"""Creating a request from an Open311 POST: translate the spec's fields, then call the one
submit service (`appeal_submit`, or `appeal_submit_idempotent` when the client gives its own
work-order id), so Open311 requests follow exactly the rules of every other channel.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from apps.apikeys.models import ApiKey
from apps.appeals.models import Appeal
from apps.appeals.services import appeal_submit, appeal_submit_idempotent
from apps.open311.selectors import Service, area_by_address_id, area_for_address, area_for_point
from apps.places.models import Area

TITLE_LENGTH = 30
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SIX_PLACES = Decimal("0.000001")


class LocationError(Exception):
    """The request's location could not be mapped onto a 街道 or 社区 (HTTP 400)."""


def title_from(description: str) -> str:
    """The first sentence of the description, shortened to fit a list line."""
    text = (description or "").strip()
    first = next((part.strip() for part in _SENTENCE_END.split(text) if part.strip()), "")
    if len(first) > TITLE_LENGTH:
        first = first[: TITLE_LENGTH - 1] + "…"
    return first


def submitter_name(first_name: str, last_name: str) -> str:
    """Chinese names are family name first (王 + 秀英); others keep the given name first."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if _CJK.search(first_name + last_name):
        return last_name + first_name
    return f"{first_name} {last_name}".strip()


def _point(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(_SIX_PLACES, rounding=ROUND_HALF_UP)


def locate(
    *, address_id: str = "", latitude: Decimal | None = None, longitude: Decimal | None = None, address: str = ""
) -> Area:
    """The area of a new request: address_id first, then the point, then the address text."""
    if address_id:
        area = area_by_address_id(address_id)
        if area is None:
            raise LocationError(_("address_id: 未找到编号为 %(id)s 的街道或社区。") % {"id": address_id})
        return area
    if latitude is not None and longitude is not None:
        area = area_for_point(latitude, longitude)
        if area is None:
            raise LocationError(_("lat/long: 该位置不在泉山区已登记的街道、社区附近，请改用 address_id。"))
        return area
    area = area_for_address(address)
    if area is None:
        raise LocationError(
            _("address_string: 无法从地址中确定唯一的街道或社区，请写明街道和社区名称，或改用 address_id。")
        )
    return area


def open311_request_create(*, api_key: ApiKey, service: Service, data: dict) -> Appeal:
    """Create the request a POST describes, recorded under the key's channel. With an external
    id already seen on that channel, return the first request instead (the post is a retry).

    `data` is the cleaned RequestCreateForm. Raises LocationError, or ValidationError from the
    submit service.
    """
    latitude, longitude = _point(data.get("lat")), _point(data.get("long"))
    area = locate(
        address_id=data.get("address_id") or data.get("attribute_area") or "",
        latitude=latitude,
        longitude=longitude,
        address=data.get("address_string") or "",
    )
    description = data["description"].strip()
    fields = dict(
        kind=service.kind,
        programme=service.programme,
        category=service.category,
        area=area,
        title=(data.get("attribute_title") or "").strip() or title_from(description),
        content=description,
        submitter_name=submitter_name(data.get("first_name", ""), data.get("last_name", "")),
        submitter_phone=(data.get("phone") or "").strip(),
        submitter_contact=(data.get("email") or "").strip(),
        consent_to_publish=data.get("attribute_consent_to_publish") == "true",
        location_text=(data.get("address_string") or "").strip(),
        latitude=latitude,
        longitude=longitude,
        actor_label=f"{api_key.name}（Open311）"[:60],
    )
    external_id = (data.get("attribute_external_id") or "").strip()
    if external_id:
        appeal, _created = appeal_submit_idempotent(channel=api_key.channel, external_id=external_id, **fields)
        return appeal
    return appeal_submit(channel=api_key.channel, **fields)
