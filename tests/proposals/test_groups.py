"""群众点单: the last 12 months' requests grouped by 社区 and problem class, ranked by count and
repeat callers; an official turns a group into a candidate that keeps the link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import ScopeKind
from apps.accounts.scoping import ALL, scope_of
from apps.appeals.models import AppealKind
from apps.proposals.models import Proposal, Source
from apps.proposals.selectors import GroupKey, request_groups
from tests import factories as f
from tests.proposals.helpers import district_official, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def hood():
    taishan = f.subdistrict("泰山街道")
    kangju = f.community("康居社区", parent=taishan)
    wenchang = f.community("文昌社区", parent=taishan)
    kuishan = f.subdistrict("奎山街道")
    kuiyuan = f.community("奎园社区", parent=kuishan)
    # 康居 · 便民 · 求助: 4 requests, from 2 phones (one called three times) → 2 repeat calls.
    for phone in ("13900000001", "13900000001", "13900000001", "13900000002"):
        f.appeal(area=kangju, programme=f.programme("bianmin"), submitter_phone=phone)
    # 文昌 · 便民 · 投诉: 5 requests from 5 phones → more requests, no repeats.
    for n in range(5):
        f.appeal(
            area=wenchang, programme=f.programme("bianmin"), kind=AppealKind.COMPLAINT, submitter_phone=f"1390000010{n}"
        )
    # 奎园 · 绿色 · 求助: 2 requests, one of them older than 12 months (not counted) → no group.
    f.appeal(area=kuiyuan, programme=f.programme("lvse"))
    f.appeal(area=kuiyuan, programme=f.programme("lvse"), submitted_at=timezone.now() - timedelta(days=400))
    return {"taishan": taishan, "kangju": kangju, "wenchang": wenchang, "kuishan": kuishan}


def test_groups_rank_by_count_then_repeat_callers(hood):
    with translation.override("zh-hans"):
        groups = request_groups(scope=ALL)
    assert [(g.area.name, g.count, g.callers, g.repeat_calls) for g in groups] == [
        ("文昌社区", 5, 5, 0),
        ("康居社区", 4, 2, 2),
    ]
    assert groups[1].label == "康居社区 · 便民舒心 · 求助"


def test_refused_and_merged_requests_are_not_counted(hood):
    f.appeal_in("rejected", area=hood["kangju"], programme=f.programme("bianmin"))
    groups = {g.area.name: g.count for g in request_groups(scope=ALL)}
    assert groups["康居社区"] == 4


def test_a_subdistrict_official_sees_only_their_requests_groups(hood):
    kuishan = f.official("k", scope=ScopeKind.SUBDISTRICT, subdistrict=hood["kuishan"])
    for _ in range(2):
        f.appeal(area=hood["kuishan"], programme=f.programme("lvse"))
    assert [g.area.name for g in request_groups(scope=scope_of(kuishan))] == ["奎山街道"]


def test_group_keys_survive_a_round_trip_and_bad_input_is_none():
    key = GroupKey(12, programme_id="bianmin", kind="help")
    assert GroupKey.from_param(key.as_param()) == key
    for bad in ("", "x:1", "1:::nonsense", "a:b:c:d", "1" * 30 + ":::"):
        assert GroupKey.from_param(bad) is None


def test_an_official_turns_a_group_into_a_candidate_in_the_admin(client, hood):
    official = district_official()
    client.force_login(official)
    url = reverse("admin:proposals_proposal_groups")
    page = client.get(url)
    assert page.status_code == 200 and "康居社区 · 便民舒心 · 求助" in page.content.decode()
    key = GroupKey(hood["kangju"].pk, programme_id="bianmin", kind="help").as_param()
    chosen = client.get(url, {"group": key})
    assert "生成候选建议" in chosen.content.decode()
    response = client.post(
        url,
        {
            "group": key,
            "title": "康居社区楼道照明改造",
            "content": "更换康居社区老旧楼道灯。",
            "reason": "",
            "year": 2027,
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.source == Source.REQUESTS and proposal.source_appeal_count == 4
    assert proposal.source_appeals.count() == 4 and proposal.area == hood["kangju"]
    change = client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert "来自 4 件群众诉求" in change


def test_a_group_outside_the_officials_scope_cannot_be_turned_into_a_candidate(client, hood):
    kuishan = staff(f.official("k", scope=ScopeKind.SUBDISTRICT, subdistrict=hood["kuishan"]))
    client.force_login(kuishan)
    key = GroupKey(hood["kangju"].pk, programme_id="bianmin", kind="help").as_param()
    response = client.post(
        reverse("admin:proposals_proposal_groups"),
        {"group": key, "title": "x", "content": "y", "year": 2027},
    )
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_the_groups_page_runs_a_fixed_number_of_queries(client, hood, django_assert_max_num_queries):
    client.force_login(district_official())
    url = reverse("admin:proposals_proposal_groups")
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)
    for n in range(6):
        f.appeal(area=f.community(parent=hood["kuishan"]), programme=f.programme("anquan"))
        f.appeal(area=f.community(parent=hood["kuishan"]), programme=f.programme("anquan"), title=f"t{n}")
    with django_assert_max_num_queries(12):
        client.get(url)


def test_classified_requests_group_by_their_problem_class_whatever_their_type(hood):
    from apps.appeals.models import Appeal
    from apps.categories.models import ProblemCategory

    lift = ProblemCategory.objects.create(code="98", name="测试类：电梯故障", level=1)
    classified = [
        f.appeal(area=hood["kangju"], programme=f.programme("bianmin"), kind=kind)
        for kind in (AppealKind.HELP, AppealKind.COMPLAINT, AppealKind.INQUIRY)
    ]
    Appeal.objects.filter(pk__in=[a.pk for a in classified]).update(category=lift)
    with translation.override("zh-hans"):
        groups = {g.label: g for g in request_groups(scope=ALL)}
    assert groups["康居社区 · 测试类：电梯故障"].count == 3
    assert groups["康居社区 · 便民舒心 · 求助"].count == 4  # the unclassified ones as before
    key = groups["康居社区 · 测试类：电梯故障"].key
    assert GroupKey.from_param(key.as_param()) == key
    from apps.proposals.selectors import appeals_in_group

    assert set(appeals_in_group(key=key, scope=ALL).values_list("pk", flat=True)) == {a.pk for a in classified}
