"""Builders for the public site's page tests: a small but complete neighbourhood."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apps.appeals import services as appeal_services
from apps.appeals.models import Appeal
from apps.places.models import Area
from apps.projects import services as project_services
from apps.projects.models import Milestone, PhotoStage, Project, ProjectStatus
from tests import factories as f


def jpeg(colour: tuple[int, int, int] = (40, 120, 80)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def project_with_health(health: str, **fields) -> Project:
    """A hand-reported project half-way through its planned period, at a given colour today
    (序时进度 50%: 45% is green, 35% yellow, 10% red)."""
    progress = {"green": "45", "yellow": "35", "red": "10"}[health]
    today = timezone.localdate()
    project = f.project(
        planned_start=today - timedelta(days=50),
        planned_finish=today + timedelta(days=50),
        status=ProjectStatus.IN_PROGRESS,
        **fields,
    )
    return project_services.project_set_progress(project=project, progress=Decimal(progress))


@dataclass
class Neighbourhood:
    subdistrict: Area
    community: Area
    other_subdistrict: Area
    projects: list[Project] = field(default_factory=list)
    appeals: list[Appeal] = field(default_factory=list)


def neighbourhood(*, scale: int = 1, official=None) -> Neighbourhood:
    """`scale` times: a project with milestones, updates and photos, a plain project in the
    other 街道, and a published and an unpublished request linked to the first project."""
    taishan = f.subdistrict("泰山街道")
    community = Area.objects.filter(parent=taishan, name="康居社区").first() or f.community("康居社区", parent=taishan)
    kuishan = f.subdistrict("奎山街道")
    official = official or f.official()
    hood = Neighbourhood(subdistrict=taishan, community=community, other_subdistrict=kuishan)
    today = timezone.localdate()
    for i in range(scale):
        project = f.project(
            title=f"康居社区加装电梯（{i}）",
            summary="为多层住宅加装电梯，方便老人上下楼。",
            areas=[community],
            status=ProjectStatus.IN_PROGRESS,
            official_name="李明",
            official_title="区住建局副局长",
            latitude=Decimal("34.254000"),
            longitude=Decimal("117.180000"),
            co_departments=[f.department()],
        )
        first = project_services.milestone_save(
            milestone=Milestone(project=project, title="方案公示", planned_date=today - timedelta(days=20), order=1)
        )
        project_services.milestone_complete(milestone=first, on=today - timedelta(days=21))
        project_services.milestone_save(
            milestone=Milestone(project=project, title="电梯安装", planned_date=today + timedelta(days=30), order=2)
        )
        project_services.project_post_update(
            project=project,
            text="已完成方案公示，居民同意率超过九成。",
            on=today - timedelta(days=5),
            photos=[jpeg()],
            stage=PhotoStage.BEFORE,
        )
        project_services.project_photo_add(
            project=project, upload=jpeg((90, 90, 200)), stage=PhotoStage.DURING, caption="施工中的电梯井"
        )
        other = f.project(title=f"奎山口袋公园（{i}）", programme_code="lvse", areas=[kuishan])
        published = f.appeal(area=community, title=f"希望加快电梯施工（{i}）", submitter_name="欧阳娜娜")
        appeal_services.appeal_set_publication(appeal=published, approved=True, by=official)
        # Requests and updates also pile up on the first project, so its page grows with `scale`.
        first_project = hood.projects[0] if hood.projects else project
        appeal_services.appeal_link_projects(appeal=published, projects={project, first_project}, by=official)
        if first_project != project:
            project_services.project_post_update(
                project=first_project, text=f"第{i}次进展", photos=[jpeg()], on=today - timedelta(days=i)
            )
        hidden = f.appeal(area=community, title=f"未公开的诉求（{i}）", consent_to_publish=False)
        appeal_services.appeal_link_projects(appeal=hidden, projects=[project], by=official)
        appeal_services.appeal_accept(appeal=hidden, by=official)
        hood.projects += [project, other]
        hood.appeals += [published, hidden]
    return hood
