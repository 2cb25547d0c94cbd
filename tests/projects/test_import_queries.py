"""A project import reads its reference data once: the queries per row are only the row's writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.projects.models import Milestone, Project
from apps.projects.resources import ProjectResource, import_errors
from tests import factories as f
from tests.admin.conftest import *  # noqa: F403

pytestmark = pytest.mark.django_db


def sheet(n: int, tag: str, existing: list[Project]) -> tablib.Dataset:
    """`n` new projects (with milestones) and an edit of each of `existing`."""
    today = timezone.localdate()
    resource = ProjectResource()
    dataset = resource.export(Project.objects.filter(pk__in=[p.pk for p in existing]).order_by("pk"))
    data = tablib.Dataset(headers=dataset.headers)
    for row in dataset.dict:
        row = dict(row)
        row["已完成投资（万元）"] = "7"
        row["摘要"] = f"改过 {tag}"
        data.append([row[h] for h in dataset.headers])
    for i in range(n):
        row = {h: "" for h in dataset.headers}
        row.update(
            {
                "项目名称": f"{tag}项目{i}",
                "六心板块": "绿色怡心",
                "年度": str(today.year),
                "涉及区域": "奎山街道/奎园社区",
                "牵头单位": "区民政局",
                "配合单位": "区住房和城乡建设局",
                "计划开工": str(today),
                "计划完工": str(today + timedelta(days=60)),
                "状态": "规划中",
                "已公开": "是",
                "节点": f"选址|{today + timedelta(days=5)}||1\n建成|{today + timedelta(days=60)}||2",
            }
        )
        data.append([row[h] for h in dataset.headers])
    return data


def import_queries(data: tablib.Dataset, *, dry_run: bool) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = ProjectResource().import_data(data, dry_run=dry_run)
    assert not result.has_errors() and not result.has_validation_errors(), import_errors(result)
    return len(queries)


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_import_costs_the_same_for_n_or_3n_rows(kuishan, zhujian, dry_run):
    f.community("奎园社区", parent=kuishan)
    f.department("区民政局")
    f.programme("lvse")
    existing = [f.project(title=f"旧{i}", lead_department=zhujian, areas=[kuishan]) for i in range(8)]
    small = import_queries(sheet(4, "a", existing[:2]), dry_run=dry_run)
    large = import_queries(sheet(12, "b", existing[2:]), dry_run=dry_run)
    # Reference data, the file's existing projects and the progress refresh are read once per
    # import; what is left per row is its own writes (project, history, areas, milestones).
    assert (large - small) / 12 <= 20
    if not dry_run:  # the milestones added in bulk have their change history all the same
        added = Milestone.objects.filter(project__title__startswith="b")
        assert added.count() == 24
        assert Milestone.history.filter(id__in=added.values("pk"), history_type="+").count() == 24
