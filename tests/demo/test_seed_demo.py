from __future__ import annotations

import io
import shlex
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.accounts.scoping import is_deputy, scope_of
from apps.appeals.models import Appeal, AppealCoAssignment, AppealEvent, Status
from apps.appeals.workflow import TRANSITIONS
from apps.demo import appeals as demo_appeals
from apps.demo import corpus
from apps.demo.services import DEMO_PASSWORD, DemoRefused, demo_seed
from apps.places.models import Area, AreaLevel, Department
from apps.programmes.models import Programme
from apps.projects.models import Project
from apps.topics.models import MonthlyTopic
from tests import factories as f
from tests.demo.checks import (
    assert_projects_follow_the_progress_rules,
    assert_requests_follow_the_workflow_rules,
    demo_digest,
)

pytestmark = pytest.mark.django_db

SMALL = {"projects": 12, "requests": 150}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def today():
    # A fixed day, so that a test running over midnight still compares like with like.
    return timezone.localdate() - timedelta(days=2)


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(settings, today):
    settings.DEBUG = True
    demo_seed(seed=7, today=today, **SMALL)
    first = demo_digest()
    demo_seed(seed=7, today=today, reset=True, **SMALL)
    assert demo_digest() == first
    demo_seed(seed=8, today=today, reset=True, **SMALL)
    assert demo_digest() != first


def test_a_small_run_shows_every_workflow_state_and_every_programme(today):
    summary = demo_seed(seed=3, today=today, **SMALL)
    assert set(Appeal.objects.values_list("status", flat=True)) == set(Status.values)
    assert summary.requests == Appeal.objects.count() == 150
    assert summary.events == AppealEvent.objects.count()
    assert Project.objects.count() == 12
    assert set(Project.objects.values_list("programme_id", flat=True)) == set(
        Programme.objects.values_list("code", flat=True)
    )
    assert Appeal.objects.overdue().exists()
    assert Appeal.objects.published().exists()
    assert Appeal.objects.filter(status=Status.CLOSED).exclude(rating="").exists()


def test_demo_requests_are_classed_third_level_at_accept_and_first_level_by_online_residents(today):
    demo_seed(seed=3, today=today, **SMALL)
    accepted = AppealEvent.objects.filter(action="accept").values_list("appeal_id", flat=True)
    classed = Appeal.objects.filter(pk__in=accepted).values_list("category__level", flat=True)
    assert classed and set(classed) == {3}
    waiting = Appeal.objects.exclude(pk__in=accepted)
    assert set(waiting.filter(channel__in=["web", "wechat"]).values_list("category__level", flat=True)) <= {1}
    assert not waiting.filter(channel="hotline", category__isnull=False).exists()
    assert set(corpus.APPEAL_CATEGORIES) == {t.title for t in corpus.APPEALS}


def test_bulk_built_requests_are_what_the_workflow_services_would_have_made(today):
    demo_seed(seed=5, today=today, projects=30, requests=400)
    assert assert_requests_follow_the_workflow_rules() == 400
    # Every step of the closed loop shows up: 延期, 督办, 回访, 未评价, 重办, 解释说明, 重复件, 代办.
    assert set(AppealEvent.objects.values_list("action", flat=True)) == {"submit", *TRANSITIONS}
    assert AppealEvent.objects.exclude(proxy_reason="").exists()
    assert Appeal.objects.filter(urgency="urgent").exists()
    assert set(Appeal.objects.exclude(closure="").values_list("closure", flat=True)) == {
        "rated",
        "unrated",
        "explained",
    }


def test_bulk_built_projects_carry_the_progress_and_health_the_services_compute(today):
    demo_seed(seed=5, today=today, projects=60, requests=0)
    assert assert_projects_follow_the_progress_rules() == 60
    assert Project.objects.filter(parent__isnull=False).exists()
    assert {p.year for p in Project.objects.all()} == {today.year, today.year - 1}


def test_the_default_places_are_the_fourteen_subdistricts_with_their_communities(today):
    demo_seed(seed=1, today=today, projects=0, requests=0)
    subdistricts = Area.objects.filter(level=AreaLevel.SUBDISTRICT)
    assert [a.name for a in subdistricts.order_by("code")] == [s[0] for s in corpus.SUBDISTRICTS]
    assert Area.objects.get(code="320311010001").name == "泰山社区"
    for subdistrict in subdistricts:
        communities = Area.objects.filter(parent=subdistrict, level=AreaLevel.COMMUNITY)
        assert 3 <= communities.count() <= 8
        assert all(c.subdistrict_id == subdistrict.pk for c in communities)
    assert Area.objects.filter(level=AreaLevel.COMPOUND, subdistrict__isnull=False).exists()
    assert Department.objects.get(code="zhujian").name == "区住房和城乡建设局"
    assert 25 <= Department.objects.count() <= 30


def test_the_three_demo_officials_log_in_and_see_their_scope(client, today):
    demo_seed(seed=2, today=today, projects=40, requests=300, accounts=True)
    User = get_user_model()
    for username in ("district", "kuishan", "zhujian"):
        user = User.objects.get(username=username)
        assert user.is_staff and user.groups.filter(name="工作人员").exists()
        # Through the sign-in form (django-axes needs the request a form sign-in has).
        response = client.post("/admin/login/", {"username": username, "password": DEMO_PASSWORD, "next": "/admin/"})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        client.logout()

    assert scope_of(User.objects.get(username="district")).is_all
    kuishan = User.objects.get(username="kuishan")
    assert kuishan.official.scope == ScopeKind.SUBDISTRICT and kuishan.official.subdistrict.name == "奎山"
    in_scope = scope_of(kuishan).filter_appeals(Appeal.objects.all())
    assert in_scope.exists()
    assert set(in_scope.values_list("subdistrict__name", flat=True)) == {"奎山"}

    zhujian = User.objects.get(username="zhujian")
    assert zhujian.official.scope == ScopeKind.DEPARTMENT and zhujian.official.department.code == "zhujian"
    # What it handles as lead, and what it is a co-department (协办) of.
    seen = scope_of(zhujian).filter_appeals(Appeal.objects.all())
    assert set(seen.filter(department__code="zhujian")) == set(Appeal.objects.filter(department__code="zhujian"))
    co = seen.exclude(department__code="zhujian")
    co_assigned = Appeal.objects.filter(
        co_assignments__department__code="zhujian", co_assignments__withdrawn_at__isnull=True
    ).exclude(department__code="zhujian")
    assert set(co) == set(co_assigned)
    assert scope_of(zhujian).filter_projects(Project.objects.all()).exists()


def test_it_refuses_a_database_that_already_holds_projects():
    f.project(title="已有项目")
    with pytest.raises(CommandError, match="已有项目或诉求"):
        call_command("seed_demo", "--projects", "3", "--requests", "5", stdout=io.StringIO())
    assert list(Project.objects.values_list("title", flat=True)) == ["已有项目"]
    assert not get_user_model().objects.filter(username="district").exists()


def test_it_refuses_a_database_that_already_holds_requests():
    existing = f.appeal()
    with pytest.raises(DemoRefused):
        demo_seed(projects=3, requests=5)
    assert list(Appeal.objects.values_list("pk", flat=True)) == [existing.pk]


def test_reset_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    f.project(title="已有项目")
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--reset", "--projects", "3", "--requests", "5", stdout=io.StringIO())
    assert Project.objects.filter(title="已有项目").exists()


def test_reset_replaces_existing_data_when_debug_is_on(settings):
    settings.DEBUG = True
    f.project(title="已有项目")
    f.appeal()
    call_command("seed_demo", "--reset", "--projects", "3", "--requests", "20", stdout=io.StringIO())
    assert not Project.objects.filter(title="已有项目").exists()
    assert Appeal.objects.count() == 20


def test_if_empty_leaves_a_database_with_data_alone():
    f.project(title="已有项目")
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert Project.objects.count() == 1
    assert not get_user_model().objects.filter(username="district").exists()


def test_if_empty_seeds_an_empty_database_and_prints_the_demo_accounts(settings):
    settings.DEBUG = True
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", "--if-empty", "--projects", "6", "--requests", "40", stdout=out, stderr=err)
    text = out.getvalue()
    assert "quanshan-demo" in text
    for username in DEMO_USERNAMES:
        assert username in text
    assert "诉求 40/40" in err.getvalue()
    # The year of 民生实事 (made with the district account) adds the voted projects.
    assert Appeal.objects.count() == 40 and Project.objects.filter(proposal__isnull=True).count() == 6
    assert Project.objects.filter(proposal__isnull=False).exists() and "民生实事" in text


DEMO_USERNAMES = ("district", "kuishan", "zhujian", "deputy")


def test_with_debug_off_it_creates_no_account_with_the_published_password(settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("seed_demo", "--projects", "6", "--requests", "40", stdout=out, stderr=io.StringIO())
    assert Appeal.objects.count() == 40 and Project.objects.count() == 6
    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()
    assert not get_user_model().objects.exists()
    assert DEMO_PASSWORD not in out.getvalue()
    assert "--demo-accounts" in out.getvalue()
    # The data still follows the rules, its steps simply have no official as author.
    assert_requests_follow_the_workflow_rules()
    assert_projects_follow_the_progress_rules()


def test_demo_accounts_are_created_with_debug_off_when_asked_for(settings, client):
    settings.DEBUG = False
    out = io.StringIO()
    call_command(
        "seed_demo", "--demo-accounts", "--projects", "6", "--requests", "40", stdout=out, stderr=io.StringIO()
    )
    assert set(get_user_model().objects.values_list("username", flat=True)) == set(DEMO_USERNAMES)
    assert client.login(username="district", password=DEMO_PASSWORD)
    assert DEMO_PASSWORD in out.getvalue()


def test_make_run_seeds_the_demo_accounts_although_debug_is_set_only_for_the_server(settings):
    settings.DEBUG = False  # the seed step runs before `make run` sets DEBUG for runserver
    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(
        ["make", "-n", "-B", "run", "STAMP=/dev/null"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    (seed_line,) = [line for line in plan.splitlines() if "manage.py seed_demo" in line]
    assert not seed_line.lstrip().startswith("DEBUG=")
    args = shlex.split(seed_line.split("manage.py", 1)[1])
    call_command(*args, "--projects", "4", "--requests", "10", stdout=io.StringIO(), stderr=io.StringIO())
    assert set(get_user_model().objects.values_list("username", flat=True)) == set(DEMO_USERNAMES)


def test_the_demo_deputy_signs_in_records_inspections_and_sees_no_requests(client, today):
    demo_seed(seed=2, today=today, projects=10, requests=60, accounts=True)
    deputy = get_user_model().objects.get(username="deputy")
    assert is_deputy(deputy) and not deputy.groups.exists()
    response = client.post("/admin/login/", {"username": "deputy", "password": DEMO_PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/proposals/inspection/add/").status_code == 200
    assert client.get("/admin/appeals/appeal/").status_code == 403
    assert not scope_of(deputy).filter_appeals(Appeal.objects.all()).exists()


def test_the_demo_makes_published_monthly_topics_from_the_months_request_groups(client, today):
    demo_seed(seed=1, today=today, projects=40, requests=1500, accounts=True)
    topics = list(MonthlyTopic.objects.all())
    assert len(topics) >= 4  # six with the default 3,000 requests (a theme needs its group that month)
    for topic in topics:
        assert topic.is_public and topic.month < today.replace(day=1) and topic.month_count >= 1
        assert 2 <= len(topic.sub_problem_list) <= 3 and topic.measures and topic.outcome
        assert topic.co_departments.exists()
    assert client.get(f"/monthly-topics/{topics[0].pk}/").status_code == 200
    # The requests gathered into the topics' 社区 still follow every rule of the workflow.
    assert_requests_follow_the_workflow_rules()


def test_negative_sizes_are_refused():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--requests", "-1", stdout=io.StringIO())


def test_every_template_formats_and_needs_no_copy_escaping():
    appeal_context = {
        "sd": "奎山",
        "cm": "奎园社区",
        "cp": "矿大南湖小区",
        "b": 3,
        "u": 2,
        "f": 5,
        "n": 4,
        "age": 70,
        "name": "王秀英",
        "school": "星光小学",
    }
    texts = []
    for template in corpus.APPEALS:
        texts += [template.title, template.content.format(**appeal_context), template.reply.format(**appeal_context)]
        texts += list(template.variants)
    project_context = {**appeal_context, "year": 2026, "river": "奎河泉山段"}
    for templates in corpus.PROJECTS.values():
        for t in templates:
            texts += [t.title.format(**project_context), t.summary, t.description.format(**project_context)]
            texts += [u.format(**project_context) for u in t.updates] + [m for m, _ in t.milestones]
            texts.append(t.parent_title.format(**project_context))
    texts += corpus.REJECT_REPLIES + corpus.ACCEPT_NOTES + corpus.ASSIGN_NOTES + corpus.SIGN_NOTES
    texts += corpus.RESOLVE_NOTES + list(corpus.RETURN_NOTES.values())
    texts += [c for comments in corpus.RATING_COMMENTS.values() for c in comments]
    for text in texts:
        assert not any(ch in text for ch in "\t\n\r\\{}"), text
    assert all(len(t.title) <= 100 for t in corpus.APPEALS)


@pytest.mark.postgres
def test_the_parallel_copy_path_makes_the_same_rows_and_keeps_every_index(monkeypatch, settings, today):
    def definitions() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated
                FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])
                UNION ALL
                SELECT indrelid::regclass::text, indexrelid::regclass::text, pg_get_indexdef(indexrelid), true
                FROM pg_index WHERE indrelid = ANY(%s::regclass[])
                ORDER BY 1, 2
                """,
                [tables, tables],
            )
            return sorted(cursor.fetchall())

    settings.DEBUG = True
    tables = [
        Appeal._meta.db_table,
        AppealEvent._meta.db_table,
        Appeal.projects.through._meta.db_table,
        AppealCoAssignment._meta.db_table,
    ]
    before = definitions()
    demo_seed(seed=4, today=today, projects=20, requests=500)  # one process, indexes kept
    serial = demo_digest()

    monkeypatch.setattr(demo_appeals, "DEFER_INDEXES_FROM", 1)
    monkeypatch.setattr(demo_appeals, "PARALLEL_FROM", 1)
    monkeypatch.setattr(demo_appeals, "WORKERS", 2)
    demo_seed(seed=4, today=today, projects=20, requests=500, reset=True)
    assert demo_digest() == serial
    assert definitions() == before
    assert assert_requests_follow_the_workflow_rules() == 500
    assert Appeal.projects.through.objects.exists()
    # The id sequence and the tracking counter moved past the bulk rows: the services go on.
    later = f.appeal(area=Area.objects.filter(level=AreaLevel.COMMUNITY).first())
    assert later.pk > Appeal.objects.exclude(pk=later.pk).order_by("-pk").first().pk
    prefix = f"QS-{timezone.localdate().year}-"
    assert later.tracking_no == f"{prefix}{Appeal.objects.filter(tracking_no__startswith=prefix).count():06d}"
