"""A small public site for the browser tests: two 街道 with 社区, projects, requests."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from apps.appeals.services import appeal_accept, appeal_assign, appeal_set_publication
from apps.places.models import Area, Department
from apps.projects import services as project_services
from apps.projects.models import Project, ProjectStatus
from tests import factories as f


@dataclass
class Site:
    subdistrict: Area
    community: Area
    department: Department
    project: Project


def ensure_programmes() -> None:
    """Transactional tests flush the database afterwards, data migrations included, and
    serialized rollback cannot restore it once Playwright runs on the thread (the test gets a
    fresh connection object without the serialized copy), so the six programmes are re-loaded."""
    migration = importlib.import_module("apps.programmes.migrations.0002_six_programmes")
    migration.load(apps, None)


def build_site() -> Site:
    ensure_programmes()
    taishan = f.subdistrict("泰山街道")
    community = f.community("康居社区", parent=taishan)
    f.community("文昌社区", parent=taishan)
    kuishan = f.subdistrict("奎山街道")
    f.community("奎园社区", parent=kuishan)
    department = f.department("区住房和城乡建设局")
    project = f.project(
        title="康居社区老旧小区改造",
        summary="更换楼道照明、修补道路，方便老人出行。",
        areas=[community],
        status=ProjectStatus.IN_PROGRESS,
        lead_department=department,
        official_name="李明",
        official_title="区住建局副局长",
        latitude=Decimal("34.254000"),
        longitude=Decimal("117.180000"),
    )
    project_services.project_post_update(
        project=project,
        text="楼道照明已更换一半。",
        progress=Decimal("50"),
        on=timezone.localdate() - timedelta(days=3),
    )
    f.project(title="奎山口袋公园", programme_code="lvse", areas=[kuishan], status=ProjectStatus.PLANNED)
    for i in range(3):
        appeal = f.appeal(area=community, title=f"小区道路坑洼{i}", submitter_name="赵铁柱")
        appeal_accept(appeal=appeal)
        appeal_assign(appeal=appeal, department=department)
        appeal_set_publication(appeal=appeal, approved=True)
    return Site(subdistrict=taishan, community=community, department=department, project=project)
