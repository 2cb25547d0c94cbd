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


@dataclass
class FullSite:
    """The small site with every kind of public content a page can show: a milestone, a photo
    with a caption, a co-department, a request answered and rated, and its tracking link."""

    site: Site
    tracked: object
    tracking_path: str
    topic_path: str = ""


def build_full_site() -> FullSite:
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from apps.appeals.tracking import tracking_token
    from apps.projects.models import Milestone

    site = build_site()
    project = site.project
    project.co_departments.add(f.department("泰山街道办事处"))
    project_services.milestone_save(
        milestone=Milestone(project=project, title="完成楼道照明改造", planned_date=timezone.localdate(), weight=1)
    )
    image = BytesIO()
    Image.new("RGB", (120, 90), (90, 120, 160)).save(image, format="JPEG")
    project_services.project_photo_add(
        project=project,
        upload=SimpleUploadedFile("楼道.jpg", image.getvalue(), content_type="image/jpeg"),
        caption="3号楼楼道新灯",
        update=project.updates.first(),
    )
    tracked = f.appeal_in("closed", handler=site.department, area=site.community, title="楼道灯不亮")
    return FullSite(
        site=site,
        tracked=tracked,
        tracking_path=f"/requests/track/{tracking_token(tracked)}/",
        topic_path=_monthly_topic(site),
    )


def _monthly_topic(site: Site) -> str:
    """This month's 每月一题, from the 康居社区 requests' group, with its chart and table."""
    from apps.proposals.selectors import GroupKey
    from apps.topics.selectors import this_month
    from apps.topics.services import topic_choose, topic_save

    official = f.official()
    topic = topic_choose(
        month=this_month(),
        key=GroupKey(site.community.pk, kind="help"),
        title="小区道路坑洼",
        problem="康居社区居民反映小区道路坑洼，雨后积水。",
        sub_problems="路面破损\n排水不畅",
        lead_department=site.department,
        by=official,
    )
    topic.measures, topic.outcome, topic.is_public = "修补路面，疏通排水。", "修补路面1200平方米。", True
    topic = topic_save(topic=topic, by=official)
    topic.projects.set([site.project])
    return f"/monthly-topics/{topic.pk}/"


# Pages other parts of the site add; crawled as soon as their URL exists (no data needed).
OPTIONAL_PAGES = {
    "proposals": "/proposals/",
    "proposal-new": "/proposals/new/",
    "vote-tallies": f"/proposals/votes/{timezone.localdate().year}/",
    "monthly-topics": "/monthly-topics/",
    "reports": "/reports/",
    "follow": "/follow/",
}


def public_pages(full: FullSite) -> dict[str, str]:
    """Every public page type, one address each, for the crawls (language, layout, sizes)."""
    from django.urls import Resolver404, resolve

    site = full.site
    pages = {
        "home": "/",
        "programme": "/programmes/bianmin/",
        "projects": "/projects/",
        "project": f"/projects/{site.project.pk}/",
        "board": f"/projects/{site.project.pk}/board/",
        "subdistrict": f"/areas/{site.subdistrict.pk}/",
        "community": f"/areas/{site.community.pk}/",
        "requests": "/requests/",
        "request-new": "/requests/new/",
        "request-track": "/requests/track/",
        "tracking": full.tracking_path,
        "stats": "/stats/",
        "not-found": "/no-such-page/",
    }
    if full.topic_path:
        pages["monthly-topic"] = full.topic_path
    for name, path in OPTIONAL_PAGES.items():
        try:
            resolve(path)
        except Resolver404:
            continue
        pages[name] = path
    return pages
