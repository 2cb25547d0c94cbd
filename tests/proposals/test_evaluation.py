"""满意度测评: the rule on hand-built counts, one mark per deputy and project, no marks after
counting, deputies mark only as themselves, results on the project page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.proposals.models import EvaluationMark, EvaluationRound, SessionStatus
from apps.proposals.services import (
    evaluation_cast,
    evaluation_round_close,
    evaluation_round_open,
    evaluation_rule,
)
from tests import factories as f
from tests.proposals.helpers import deputy, district_official

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("satisfied", "basically", "unsatisfied", "expected"),
    [
        (16, 10, 4, "satisfied"),  # 16 of 30 满意: more than half
        (15, 10, 5, "basically"),  # 15 of 30 is half, not more; 25 满意+基本满意 is
        (15, 1, 14, "basically"),  # 16 of 30 satisfied or basically
        (15, 0, 15, "unsatisfied"),  # exactly half on both counts
        (0, 0, 0, "unsatisfied"),  # nobody rated it
        (1, 0, 0, "satisfied"),
        (10, 5, 16, "unsatisfied"),  # 15 of 31 is not more than half
    ],
)
def test_the_rule_at_its_edges(satisfied, basically, unsatisfied, expected):
    assert evaluation_rule(satisfied=satisfied, basically=basically, unsatisfied=unsatisfied) == expected


def test_the_rule_share_is_a_setting(settings):
    settings.PROPOSAL_EVALUATION_PERCENT = 60
    # 17 of 30 is 56.7 %: not more than 60 % 满意; 25 of 30 满意+基本满意 is.
    assert evaluation_rule(satisfied=17, basically=8, unsatisfied=5) == "basically"


@pytest.fixture
def setup():
    official = district_official()
    projects = [f.project(year=2027) for _ in range(2)]
    evaluation = evaluation_round_open(year=2027, phase="mid_year", by=official)
    return official, projects, evaluation


def test_a_deputy_marks_each_project_once(setup):
    _official, (one, two), evaluation = setup
    zhang = deputy("张伟")
    evaluation_cast(evaluation=evaluation, ratings={one.pk: "satisfied"}, by=zhang)
    with pytest.raises(ValidationError, match="不能重复测评"):
        evaluation_cast(evaluation=evaluation, ratings={one.pk: "unsatisfied"}, by=zhang)
    evaluation_cast(evaluation=evaluation, ratings={two.pk: "basically"}, by=zhang)
    assert EvaluationMark.objects.filter(deputy=zhang).count() == 2


def test_a_deputy_cannot_mark_as_someone_else_or_count(setup):
    _official, (one, _two), evaluation = setup
    zhang = deputy("张伟")
    (mark,) = evaluation_cast(evaluation=evaluation, ratings={one.pk: "satisfied"}, by=zhang, deputy_name="李娜")
    assert mark.deputy_name == "张伟"
    with pytest.raises(PermissionDenied):
        evaluation_round_close(evaluation=evaluation, by=zhang)
    with pytest.raises(PermissionDenied):
        evaluation_round_open(year=2027, phase="year_end", by=zhang)


def test_only_the_years_published_projects_can_be_marked(setup):
    official, _projects, evaluation = setup
    other_year = f.project(year=2026)
    hidden = f.project(year=2027, is_public=False)
    for project in (other_year, hidden):
        with pytest.raises(ValidationError, match="本年度已公开"):
            evaluation_cast(evaluation=evaluation, ratings={project.pk: "satisfied"}, by=official, deputy_name="张伟")


def test_no_marks_after_counting_and_one_round_per_phase(setup):
    official, (one, _two), evaluation = setup
    evaluation_cast(evaluation=evaluation, ratings={one.pk: "satisfied"}, by=official, deputy_name="张伟")
    evaluation_round_close(evaluation=evaluation, by=official)
    with pytest.raises(ValidationError, match="已统计"):
        evaluation_cast(evaluation=evaluation, ratings={one.pk: "satisfied"}, by=official, deputy_name="李娜")
    with pytest.raises(ValidationError, match="已经建立"):
        evaluation_round_open(year=2027, phase="mid_year", by=official)


def test_thirty_deputies_results_appear_on_the_project_page(client, setup):
    official, (one, two), evaluation = setup
    # one: 16 满意, 9 基本满意, 5 不满意 → 满意; two: 10 满意, 8 基本满意, 12 不满意 → 基本满意 (18 of 30).
    for n in range(30):
        first = "satisfied" if n < 16 else ("basically" if n < 25 else "unsatisfied")
        second = "satisfied" if n < 10 else ("basically" if n < 18 else "unsatisfied")
        evaluation_cast(
            evaluation=evaluation, ratings={one.pk: first, two.pk: second}, by=official, deputy_name=f"代表{n}"
        )
    evaluation_round_close(evaluation=evaluation, by=official)
    results = {r.project_id: r for r in evaluation.results.all()}
    assert (results[one.pk].result, results[two.pk].result) == ("satisfied", "basically")
    assert (results[two.pk].satisfied, results[two.pk].basically, results[two.pk].unsatisfied) == (10, 8, 12)
    html = client.get(f"/projects/{two.pk}/").content.decode()
    assert "人大代表满意度测评" in html and "基本满意" in html and "满意 10 · 基本满意 8 · 不满意 12" in html


def test_a_deputy_evaluates_in_the_back_office(client, setup):
    _official, (one, two), evaluation = setup
    zhang = deputy("张伟")
    client.force_login(zhang)
    assert "填写测评" in client.get(reverse("admin:proposals_evaluationround_changelist")).content.decode()
    url = reverse("admin:proposals_evaluationround_evaluate", args=[evaluation.pk])
    page = client.get(url).content.decode()
    assert one.title in page and 'name="deputy_name"' not in page
    assert client.post(url, {f"p{one.pk}": "satisfied", f"p{two.pk}": ""}).status_code == 302
    assert EvaluationMark.objects.get().deputy == zhang
    assert "不能再修改" in client.get(url).content.decode()
    close = reverse("admin:proposals_evaluationround_close", args=[evaluation.pk])
    assert client.post(close).status_code == 403
    assert EvaluationRound.objects.get().status == SessionStatus.OPEN


def test_an_official_opens_and_counts_a_round_in_the_back_office(client):
    official = district_official()
    project = f.project(year=2027)
    client.force_login(official)
    assert (
        client.post(reverse("admin:proposals_evaluationround_add"), {"year": 2027, "phase": "year_end"}).status_code
        == 302
    )
    evaluation = EvaluationRound.objects.get()
    url = reverse("admin:proposals_evaluationround_evaluate", args=[evaluation.pk])
    assert client.post(url, {"deputy_name": "张伟", f"p{project.pk}": "unsatisfied"}).status_code == 302
    refused = client.post(url, {"deputy_name": "张伟", f"p{project.pk}": "satisfied"})
    assert refused.status_code == 200 and "不能重复测评" in refused.content.decode()
    assert client.post(reverse("admin:proposals_evaluationround_close", args=[evaluation.pk])).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == SessionStatus.CLOSED and evaluation.results.get().result == "unsatisfied"
