"""Explicit cache invalidation: per model, once per transaction on commit, projects and requests apart,
and every bulk write path invalidates what it changes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import post_delete
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.appeals.models import Appeal, AppealEvent
from apps.appeals.services import appeal_set_publication, appeal_transition
from apps.common import cache as qcache
from apps.common.cache import OFFICE, PROJECTS, REQUESTS, data_version
from apps.projects.models import Health, Project
from apps.projects.services import project_save
from tests import factories as f


class CacheCalls:
    """Records every call this process makes to the shared cache."""

    METHODS = ("get", "get_many", "set", "add", "incr", "decr", "delete", "set_many")

    def __init__(self, monkeypatch) -> None:
        self.calls: list[tuple[str, object]] = []
        for name in self.METHODS:
            real = getattr(cache, name)

            def record(*args, _name=name, _real=real, **kwargs):
                self.calls.append((_name, args[0] if args else None))
                return _real(*args, **kwargs)

            monkeypatch.setattr(cache, name, record)


def versions() -> tuple[int, int]:
    return data_version(PROJECTS), data_version(REQUESTS)


def page(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.django_db
def test_a_workflow_step_talks_to_the_cache_only_once_it_commits_and_then_once(monkeypatch, committing):
    appeal = f.appeal()
    appeal_set_publication(appeal=appeal, approved=True)
    handler = f.department()
    before = versions()
    office = data_version(OFFICE)
    calls = CacheCalls(monkeypatch)
    with committing():
        appeal_transition(appeal=appeal, action="accept", reply="已受理。")
        appeal_transition(appeal=appeal, action="assign", department=handler)
        assert calls.calls == []  # the saves, events and history rows cost no round trip
    # Once per topic: the published requests (public pages) and the office's (今日待办).
    assert sorted(key for name, key in calls.calls) == ["data-version:office", "data-version:requests"]
    assert [name for name, _key in calls.calls] == ["incr", "incr"]
    assert versions() == (before[0], before[1] + 1)
    assert data_version(OFFICE) == office + 1


@pytest.mark.django_db
def test_a_rolled_back_write_bumps_nothing(committing):
    project = f.project()
    before = versions()
    with committing(), pytest.raises(RuntimeError), transaction.atomic():
        project.title = "没保存的标题"
        project_save(project=project)
        raise RuntimeError
    assert versions() == before


@pytest.mark.django_db
def test_a_new_request_leaves_cached_project_pages_and_published_requests_alone(client, committing):
    taishan = f.subdistrict("泰山街道")
    project = f.project(title="泰山街道口袋公园")
    reader = Client()  # another resident, without the submitter's cookies
    urls = ["/", f"/projects/{project.pk}/", "/projects/", "/requests/"]
    for url in urls:
        page(reader, url)
    before = versions()

    with committing():
        response = client.post(
            "/requests/new/",
            {
                "kind": "help",
                "subdistrict": taishan.pk,
                "title": "楼道灯坏了",
                "content": "楼道灯坏了一个月，晚上老人上下楼不方便。",
                "submitter_name": "王秀英",
                "submitter_phone": "13912345678",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Appeal.objects.count() == 1
    assert versions()[1] == before[1]  # nobody may see the new request: nothing to refresh
    for url in urls:
        assert page(reader, url)[0] == 0, f"{url} was thrown away"


@pytest.mark.django_db
def test_a_change_to_a_project_refreshes_project_pages_but_not_the_request_list(client, committing):
    project = f.project(title="泰山街道口袋公园")
    page(client, f"/projects/{project.pk}/")
    page(client, "/requests/")
    with committing():
        project.title = "泰山街道口袋公园（二期）"
        project_save(project=project)
    assert "（二期）" in page(client, f"/projects/{project.pk}/")[1]
    assert page(client, "/requests/")[0] == 0


@pytest.mark.django_db
def test_withdrawing_a_request_from_publication_refreshes_the_pages_that_listed_it(client, committing):
    appeal = f.appeal(title="奎园社区路灯不亮")
    appeal_set_publication(appeal=appeal, approved=True)
    assert "奎园社区路灯不亮" in page(client, "/requests/")[1]
    appeal = Appeal.objects.get(pk=appeal.pk)  # loaded published, saved unpublished
    with committing():
        appeal_set_publication(appeal=appeal, approved=False)
    assert "奎园社区路灯不亮" not in page(client, "/requests/")[1]


@pytest.mark.django_db
def test_refreshing_project_health_refreshes_the_cached_project_list(client, settings, committing):
    project = f.project(title="泰山街道口袋公园")  # halfway through its period, no progress: red
    assert project.health == Health.RED
    assert "推进缓慢" in page(client, "/projects/?health=red")[1]
    settings.HEALTH_YELLOW_THRESHOLD, settings.HEALTH_RED_THRESHOLD = 40, 60
    with committing():
        call_command("refresh_project_health", stdout=StringIO())
    assert Project.objects.get(pk=project.pk).health == Health.YELLOW
    assert "泰山街道口袋公园" not in page(client, "/projects/?health=red")[1]


@pytest.mark.django_db
def test_purging_contact_details_bumps_the_published_requests(committing):
    appeal = f.appeal_in("closed")
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=appeal.closed_at.replace(year=2000))
    before = versions()
    with committing():
        call_command("purge_appeal_contacts", "--days", "30", stdout=StringIO())
    assert versions() == (before[0], before[1] + 1)


@pytest.mark.django_db
def test_rows_that_no_public_page_shows_keep_djangos_fast_delete():
    # A receiver without a sender made every model "listened to", so deleting a request loaded
    # and deleted its events, history rows and photos one by one.
    for model in (AppealEvent, Appeal.history.model):
        assert not post_delete.has_listeners(model), model
    assert Collector(using="default").can_fast_delete(Appeal.history.model.objects.all())


def _delete_queries(steps: int) -> int:
    appeal = f.appeal_in("assigned")
    for _ in range(steps):
        AppealEvent.objects.create(appeal=appeal, action="note", note="内部备注")
    with CaptureQueriesContext(connection) as queries:
        appeal.delete()
    return len(queries)


@pytest.mark.django_db
def test_deleting_a_request_costs_the_same_whatever_its_number_of_events():
    # An assign event names its 协办单位 (a link table), so events are no longer fast-deleted:
    # they are collected and deleted with their links in batches, never one by one.
    assert _delete_queries(2) == _delete_queries(40)


def test_an_unknown_topic_is_refused():
    with pytest.raises(ValueError):
        qcache.invalidate("everything")
