"""Small builders for test data: one place, so tests say only what matters to them."""

from __future__ import annotations

import functools
import io
import itertools
import struct
import zlib
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apps.accounts.models import OfficialProfile, ScopeKind
from apps.appeals.models import AppealKind
from apps.appeals.services import appeal_submit
from apps.places.models import Area, AreaLevel, Department
from apps.places.services import area_create
from apps.programmes.models import Programme
from apps.projects.models import Project, ProjectStatus
from apps.projects.services import project_save

_seq = itertools.count(1)


def district() -> Area:
    existing = Area.objects.filter(level=AreaLevel.DISTRICT).first()
    return existing or area_create(name="泉山区", level=AreaLevel.DISTRICT, code="320311000000")


def subdistrict(name: str | None = None) -> Area:
    name = name or f"街道{next(_seq)}"
    existing = Area.objects.filter(level=AreaLevel.SUBDISTRICT, name=name).first()
    return existing or area_create(name=name, level=AreaLevel.SUBDISTRICT, parent=district())


def community(name: str | None = None, *, parent: Area | None = None) -> Area:
    return area_create(name=name or f"社区{next(_seq)}", level=AreaLevel.COMMUNITY, parent=parent or subdistrict())


def department(name: str | None = None, **fields) -> Department:
    n = next(_seq)
    return Department.objects.create(code=fields.pop("code", f"dept-{n}"), name=name or f"单位{n}", **fields)


def programme(code: str = "bianmin") -> Programme:
    return Programme.objects.get(code=code)


def project(**fields) -> Project:
    areas = fields.pop("areas", None)
    co_departments = fields.pop("co_departments", None)
    today = timezone.localdate()
    defaults = dict(
        programme=programme(fields.pop("programme_code", "bianmin")),
        year=today.year,
        title=f"项目{next(_seq)}",
        lead_department=fields.pop("lead_department", None) or department(),
        planned_start=today - timedelta(days=50),
        planned_finish=today + timedelta(days=50),
        status=ProjectStatus.PLANNED,
        planned_investment=Decimal("100"),
        is_public=True,
    )
    defaults.update(fields)
    if defaults["status"] in (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED) and not defaults.get("actual_start"):
        defaults["actual_start"] = defaults["planned_start"]
    if defaults["status"] == ProjectStatus.COMPLETED and not defaults.get("actual_finish"):
        defaults["actual_finish"] = min(today, defaults["planned_finish"])
    return project_save(project=Project(**defaults), areas=areas, co_departments=co_departments)


def appeal(**fields):
    defaults = dict(
        kind=AppealKind.HELP,
        area=fields.pop("area", None) or community(),
        title="楼道灯坏了",
        content="3号楼2单元楼道灯坏了一个月，晚上老人上下楼不方便。",
        submitter_name="王秀英",
        submitter_phone="13912345678",
        consent_to_publish=True,
    )
    defaults.update(fields)
    return appeal_submit(**defaults)


def official(
    username: str | None = None,
    *,
    scope: str = ScopeKind.DISTRICT,
    subdistrict: Area | None = None,
    department: Department | None = None,
    password: str = "pw-quanshan-123",
):
    User = get_user_model()
    user = User.objects.create_user(username=username or f"official{next(_seq)}", password=password, is_staff=True)
    OfficialProfile.objects.create(user=user, scope=scope, subdistrict=subdistrict, department=department)
    return user


def jpeg_with_gps(name: str = "photo.jpg") -> SimpleUploadedFile:
    """A small JPEG carrying EXIF GPS tags, as a phone camera writes them."""
    image = Image.new("RGB", (64, 48), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    gps = {1: "N", 2: (34.0, 15.0, 30.0), 3: "E", 4: (117.0, 11.0, 5.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@functools.cache
def _png_bomb_bytes(width: int, height: int) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    # Bit depth 1, all black: each row is a filter byte and width/8 zero bytes, which zlib
    # squeezes about a thousandfold; decoding gives one byte per pixel.
    row = bytes(1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def png_bomb(name: str = "bomb.png", width: int = 12000, height: int = 12000) -> SimpleUploadedFile:
    """A valid PNG of a few kilobytes whose pixels (144 M by default) fill memory when decoded."""
    return SimpleUploadedFile(name, _png_bomb_bytes(width, height), content_type="image/png")


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


# The service calls that bring a fresh request to each workflow status.
PATH_TO_STATUS = {
    "submitted": [],
    "accepted": [("accept", {})],
    "assigned": [("accept", {}), ("assign", {"department": None})],
    "in_progress": [("accept", {}), ("assign", {"department": None}), ("sign", {})],
    "resolved": [("accept", {}), ("assign", {"department": None}), ("sign", {}), ("resolve", {"reply": "已处理。"})],
    "closed": [
        ("accept", {}),
        ("assign", {"department": None}),
        ("sign", {}),
        ("resolve", {"reply": "已处理。"}),
        ("rate", {"rating": "satisfied"}),
    ],
    "rejected": [("reject", {"reply": "不属于受理范围。"})],
    "returned": [("accept", {}), ("assign", {"department": None}), ("return", {"reason": "wrong_area"})],
    "review": [
        ("accept", {}),
        ("assign", {"department": None}),
        ("sign", {}),
        ("resolve", {"reply": "已处理。"}),
        ("rate", {"rating": "unsatisfied", "solved": "no"}),
    ],
    "merged": [("merge", {"into": None})],
}


def appeal_in(status: str, *, handler: Department | None = None, co_departments=(), **fields):
    """A request brought to `status` through the workflow services, as officials would;
    `co_departments` are named at 派单 as 协办单位."""
    from apps.appeals.services import appeal_transition

    item = appeal(**fields)
    handler = handler or department()
    for action, kwargs in PATH_TO_STATUS[status]:
        if "department" in kwargs:
            kwargs = {**kwargs, "department": handler, "co_departments": co_departments}
        if "into" in kwargs:
            kwargs = {**kwargs, "into": appeal(area=item.area)}
        item = appeal_transition(appeal=item, action=action, **kwargs)
    return item
