"""Reads behind the Open311 GeoReport v2 endpoint: the service catalogue, published requests, areas.

Service codes are `<programme>.<type>` (for example `bianmin.complaint`): one Open311 service
per 六心 programme × request type, plus `general.<type>` for requests that belong to no
programme. The catalogue follows the programmes table, so renaming a programme in the admin
renames its services; the codes stay stable because programme codes and type values do.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from apps.appeals.models import Appeal, AppealKind, Status
from apps.appeals.tracking import parse_tracking_no
from apps.categories.models import ProblemCategory
from apps.categories.selectors import first_level_categories, in_category_q
from apps.places.models import Area, AreaLevel
from apps.places.selectors import subdistrict_label
from apps.programmes.models import Programme

GENERAL = "general"
# Services per first-level problem class: `cat01.complaint` (城乡建设·投诉).
CLASS_PREFIX = "cat"
MAX_REQUESTS = 1000  # the newest this many requests of a window are reachable, page by page
PAGE_SIZE = 200  # requests per page unless `page_size` asks for another number (1-MAX_REQUESTS)


def page_slice(page: int, size: int) -> tuple[int, int]:
    """(offset, limit) of page `page` (from 1) of `size` requests, within the newest MAX_REQUESTS."""
    offset = (page - 1) * size
    return offset, max(0, min(size, MAX_REQUESTS - offset))


def has_next_page(page: int, size: int, shown: int) -> bool:
    """A full page short of MAX_REQUESTS may have a next one."""
    offset, limit = page_slice(page, size)
    return shown == limit and offset + limit < MAX_REQUESTS


MAX_SPAN = timedelta(days=90)
# A point farther than this from every 街道/社区 centre is taken to lie outside the district.
MAX_POINT_DISTANCE_KM = 10.0

SERVICE_CODE = re.compile(r"([a-z0-9_-]{1,20})\.([a-z_]{1,20})")

# A merged duplicate is closed too: it is handled as its main request.
CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.MERGED)

# Exactly the columns an Open311 response may show: the public version of the text, no
# submitter data, no location text, no point given by the resident. Reading `.values()` of
# this list makes a leak impossible without editing it.
PUBLIC_REQUEST_FIELDS = (
    "tracking_no",
    "status",
    "kind",
    "programme_id",
    "programme__name",
    "published_content",
    "published_reply",
    "department__name",
    "submitted_at",
    "updated_at",
    "resolve_due",
    "resolved_at",
    "closed_at",
    "area_id",
    # The finer state for `status_notes` (no 督办 or extension asked: those stay in the office).
    "extensions",
    "reopen_count",
    "closure",
)


@dataclass(frozen=True)
class Service:
    """One Open311 service: a request type within a programme (None: the general services), or
    within a first-level problem class (`category`, codes `cat<class code>.<type>`)."""

    kind: str
    programme: Programme | None
    category: ProblemCategory | None = None

    @property
    def programme_code(self) -> str | None:
        return self.programme.code if self.programme else None

    @property
    def programme_name(self) -> str:
        if self.category is not None:
            return self.category.name
        return self.programme.name if self.programme else general_name()

    @property
    def code(self) -> str:
        if self.category is not None:
            return f"{CLASS_PREFIX}{self.category.code}.{self.kind}"
        return service_code(self.programme_code, self.kind)

    @property
    def kind_label(self) -> str:
        return str(AppealKind(self.kind).label)

    @property
    def name(self) -> str:
        return f"{self.programme_name}·{self.kind_label}"

    @property
    def group(self) -> str:
        return self.programme_name

    @property
    def description(self) -> str:
        if self.category is not None:
            subject = _("问题分类“%(name)s”") % {"name": self.category.name}
        elif self.programme:
            subject = _("“%(programme)s”板块（%(scope)s）") % {
                "programme": self.programme_name,
                "scope": self.programme.scope,
            }
        else:
            subject = _("不属于六心板块的其他事项")
        return _("%(subject)s的%(kind)s。%(notice)s") % {
            "subject": subject,
            "kind": self.kind_label,
            "notice": service_notice(self.kind),
        }

    @property
    def keywords(self) -> str:
        words = [self.programme_name, self.kind_label, self.kind]
        if self.programme_code:
            words.insert(0, self.programme_code)
        if self.category is not None:
            words.insert(0, f"{CLASS_PREFIX}{self.category.code}")
        return ", ".join(words)


def general_name() -> str:
    return _("综合")


def service_code(programme_code: str | None, kind: str) -> str:
    return f"{programme_code or GENERAL}.{kind}"


def service_notice(kind: str) -> str:
    return _("诉求将在%(hours)s小时内响应，%(days)s个工作日内办结。") % {
        "hours": settings.APPEAL_RESPONSE_HOURS,
        "days": settings.APPEAL_RESOLVE_WORKING_DAYS[kind],
    }


def _services_for(programme: Programme | None, category: ProblemCategory | None = None) -> list[Service]:
    return [Service(kind=kind, programme=programme, category=category) for kind in AppealKind.values]


def service_list() -> list[Service]:
    """Every service, programme by programme, then the general ones, then per first-level
    problem class. Two queries."""
    services: list[Service] = []
    for programme in Programme.objects.order_by("order", "code").only("code", "name", "scope"):
        services += _services_for(programme)
    services += _services_for(None)
    for category in first_level_categories().only("id", "code", "name"):
        services += _services_for(None, category)
    return services


def service_get(code: str) -> Service | None:
    """The service of a code such as `bianmin.complaint` or `cat09.help`, or None. At most one query."""
    match = SERVICE_CODE.fullmatch((code or "").strip())
    if match is None or match.group(2) not in AppealKind.values:
        return None
    programme_code, kind = match.groups()
    if programme_code == GENERAL:
        return Service(kind=kind, programme=None)
    class_code = programme_code.removeprefix(CLASS_PREFIX)
    if class_code != programme_code and len(class_code) == 2 and class_code.isdigit():
        category = first_level_categories().filter(code=class_code).only("id", "code", "name").first()
        return Service(kind=kind, programme=None, category=category) if category else None
    programme = Programme.objects.filter(code=programme_code).only("code", "name", "scope").first()
    return Service(kind=kind, programme=programme) if programme else None


def service_filter_q(service: Service) -> Q:
    if service.category is not None:
        return in_category_q(service.category.code) & Q(kind=service.kind)
    programme_q = Q(programme_id=service.programme_code) if service.programme_code else Q(programme__isnull=True)
    return programme_q & Q(kind=service.kind)


def status_filter_q(statuses: set[str]) -> Q:
    """`open`/`closed` as Open311 means them: 已办结, 已评价 and 不予受理 are closed, the rest open."""
    if statuses >= {"open", "closed"} or not statuses:
        return Q()
    if "closed" in statuses:
        return Q(status__in=CLOSED_STATUSES)
    return ~Q(status__in=CLOSED_STATUSES)


def request_window(*, start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime] | None:
    """The spec's default span: 90 days ending now, or 90 days from/to the one date given.

    None when the two dates given are reversed or more than 90 days apart.
    """
    if start is None and end is None:
        return now - MAX_SPAN, now
    if start is None:
        return end - MAX_SPAN, end
    if end is None:
        return start, start + MAX_SPAN
    if end < start or end - start > MAX_SPAN:
        return None
    return start, end


def published_request_rows(
    *,
    tracking_nos: list[str] | None = None,
    service: Service | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    statuses: set[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    """Published requests, newest first, as dicts of public columns only. One query; their
    places come from `public_places`.

    Tracking numbers, when given, override every other filter (as the spec says of
    `service_request_id`).
    """
    queryset = Appeal.objects.published()
    if tracking_nos is not None:
        queryset = queryset.filter(tracking_no__in=tracking_nos)
    else:
        if service is not None:
            queryset = queryset.filter(service_filter_q(service))
        if start is not None:
            queryset = queryset.filter(submitted_at__gte=start)
        if end is not None:
            queryset = queryset.filter(submitted_at__lte=end)
        queryset = queryset.filter(status_filter_q(statuses or set()))
    rows = queryset.order_by("-submitted_at", "-id").values(*PUBLIC_REQUEST_FIELDS)
    return list(rows[offset : offset + (limit or MAX_REQUESTS)])


@dataclass(frozen=True)
class PublicPlace:
    """Where a request is shown to be: never finer than its 社区."""

    address: str
    address_id: str
    latitude: Decimal | None
    longitude: Decimal | None


def public_places(area_ids) -> dict[int, PublicPlace]:
    """The public place of requests filed under these areas: 区 + 街道 + 社区 (a 小区 counts as
    its 社区), that 社区's 12-digit code (else our id), and its centre, else the 街道's. One query.
    """
    ids = set(area_ids)
    if not ids:
        return {}
    areas = (
        Area.objects.filter(pk__in=ids)
        .select_related("parent", "subdistrict__parent")
        .only(
            *("id", "name", "code", "level", "latitude", "longitude"),
            *("parent__id", "parent__name", "parent__code", "parent__latitude", "parent__longitude"),
            *("subdistrict__id", "subdistrict__name", "subdistrict__code"),
            *("subdistrict__latitude", "subdistrict__longitude", "subdistrict__parent__name"),
        )
    )
    places: dict[int, PublicPlace] = {}
    for area in areas:
        subdistrict = area.subdistrict or area
        community = {AreaLevel.COMMUNITY: area, AreaLevel.COMPOUND: area.parent}.get(area.level)
        shown = community or subdistrict
        district = subdistrict.parent.name if subdistrict.parent else ""
        address = district + subdistrict_label(subdistrict.name) + (community.name if community else "")
        point = shown if shown.has_point else subdistrict
        places[area.pk] = PublicPlace(
            address=address,
            address_id=shown.code or str(shown.pk),
            latitude=point.latitude,
            longitude=point.longitude,
        )
    return places


def published_request_row(tracking_no: str) -> dict | None:
    tracking_no = parse_tracking_no(tracking_no)
    if tracking_no is None:
        return None
    rows = published_request_rows(tracking_nos=[tracking_no], limit=1)
    return rows[0] if rows else None


# --- Where a submitted request lies ----------------------------------------------------------


def area_choices() -> list[Area]:
    """街道, 社区 and 小区 a request may be filed under, in tree order. One query."""
    areas = list(
        Area.objects.filter(level__gte=AreaLevel.SUBDISTRICT)
        .select_related("subdistrict")
        .only("id", "name", "code", "level", "parent_id", "order", "subdistrict__name", "subdistrict__order")
    )
    areas.sort(key=lambda a: (a.subdistrict.order, a.subdistrict_id, a.level, a.order, a.id))
    return areas


def area_key(area: Area) -> str:
    """What a client passes as `address_id`: the 12-digit statistical code, else our id."""
    return area.code or str(area.pk)


def area_by_address_id(address_id: str) -> Area | None:
    address_id = (address_id or "").strip()
    if not address_id.isdigit() or not address_id.isascii():
        return None
    area = Area.objects.filter(code=address_id).first() if len(address_id) == 12 else None
    if area is None and len(address_id) <= 18:
        area = Area.objects.filter(pk=int(address_id)).first()
    return area


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def area_for_point(latitude: Decimal, longitude: Decimal) -> Area | None:
    """The 街道/社区/小区 whose centre is nearest to the point, if one lies within reach. One query.

    The district has a few hundred such areas at most, so comparing them all is cheaper and
    simpler than a spatial index.
    """
    lat, lon = float(latitude), float(longitude)
    best: tuple[float, int, Area] | None = None
    candidates = Area.objects.filter(level__gte=AreaLevel.SUBDISTRICT, latitude__isnull=False, longitude__isnull=False)
    for area in candidates.only("id", "name", "level", "latitude", "longitude", "parent_id", "subdistrict_id"):
        distance = _distance_km(lat, lon, float(area.latitude), float(area.longitude))
        if best is None or (distance, -area.level) < (best[0], best[1]):
            best = (distance, -area.level, area)
    if best is None or best[0] > MAX_POINT_DISTANCE_KM:
        return None
    return best[2]


_NAME_SUFFIXES = ("街道办事处", "街道", "社区居委会", "社区", "居委会", "小区")


def _short_name(name: str) -> str:
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def area_for_address(address: str) -> Area | None:
    """The most specific area named in a free-text address, or None when none or several fit.

    Full names win over names without their 街道/社区 suffix; among several matches at the
    same level, the one whose 街道 is also named wins. One query.
    """
    address = (address or "").strip()
    if not address:
        return None
    areas = list(
        Area.objects.filter(level__gte=AreaLevel.SUBDISTRICT).only("id", "name", "level", "parent_id", "subdistrict_id")
    )
    for name_of in (lambda a: a.name, lambda a: _short_name(a.name)):
        matches = [a for a in areas if name_of(a) in address]
        if not matches:
            continue
        deepest = max(a.level for a in matches)
        best = [a for a in matches if a.level == deepest]
        if len(best) > 1:
            # 泰山社区 of 泰山街道: its "泰山" is the 街道's, not a second place named.
            shallower = {name_of(a) for a in matches if a.level < deepest}
            best = [a for a in best if name_of(a) not in shallower] or best
        if len(best) > 1:
            named_subdistricts = {a.pk for a in matches if a.level == AreaLevel.SUBDISTRICT}
            best = [a for a in best if a.subdistrict_id in named_subdistricts]
        return best[0] if len(best) == 1 else None
    return None
