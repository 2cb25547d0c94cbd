"""附近已有相同反映: the request form's small public JSON endpoint lists open published
requests of the same 社区 and first-level class, with public fields only, bounded, cached and
rate limited."""

from __future__ import annotations

import pytest

from apps.appeals.services import appeal_set_publication, appeal_transition
from apps.categories.models import ProblemCategory
from apps.places.models import AreaLevel
from apps.places.services import area_create
from tests import factories as f
from tests.conftest import _clear_caches
from tests.public.helpers import areas

pytestmark = pytest.mark.django_db

URL = "/requests/similar.json"


def cat(code: str) -> ProblemCategory:
    return ProblemCategory.objects.get(code=code)


def published(**fields):
    return appeal_set_publication(appeal=f.appeal(**fields), approved=True)


def ask(client, area, category: str, **extra):
    _clear_caches()
    return client.get(URL, {"area": area.pk, "category": category, **extra})


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["tracking_no"] for item in response.json()["results"]}


def test_it_lists_open_published_requests_of_the_same_community_and_first_level_class(client):
    _, community, _, other_community = areas()
    lift = published(area=community, title="电梯坏了", category=cat("010101"))
    classed_later = published(area=community, title="楼道漏水", category=cat("01"))
    published(area=community, title="工地噪声", category=cat("030201"))  # another class
    published(area=other_community, title="电梯坏了", category=cat("010101"))  # another 社区
    f.appeal(area=community, title="电梯坏了", category=cat("010101"))  # consented, not approved
    f.appeal(area=community, title="电梯坏了", category=cat("010101"), consent_to_publish=False)
    rejected = published(area=community, title="电梯坏了", category=cat("010101"))
    appeal_transition(appeal=rejected, action="reject", reply="不属于受理范围。")  # closed
    assert numbers(ask(client, community, "01")) == {lift.tracking_no, classed_later.tracking_no}
    # a finer code asks for its first level: the resident picked only that
    assert numbers(ask(client, community, "0101")) == {lift.tracking_no, classed_later.tracking_no}


def test_a_community_includes_its_compounds_and_a_subdistrict_its_communities(client):
    taishan, community, _, _ = areas()
    compound = area_create(name="纺织厂新村", level=AreaLevel.COMPOUND, parent=community)
    inside = published(area=compound, category=cat("090103"))
    assert numbers(ask(client, community, "09")) == {inside.tracking_no}
    assert numbers(ask(client, taishan, "09")) == {inside.tracking_no}


def test_it_shows_only_public_fields_and_nothing_personal(client):
    _, community, _, _ = areas()
    appeal = published(
        area=community,
        title="3号楼2单元电梯坏了，电话13912345678",
        content="王秀英家住3号楼2单元501室，电梯坏了一周。",
        location_text="纺织厂新村3号楼2单元",
        submitter_name="王秀英",
        submitter_phone="13912345678",
        category=cat("010101"),
    )
    appeal.refresh_from_db()
    response = ask(client, community, "01")
    [item] = response.json()["results"]
    assert set(item) == {"tracking_no", "title", "status", "status_label"}
    assert item["title"] == appeal.published_title
    body = response.content.decode()
    for private in ("王秀英", "13912345678", "5678", "纺织厂新村", "501室", "电梯坏了一周", "3号楼"):
        assert private not in body, private


def test_bad_input_is_a_400_and_an_unknown_area_lists_nothing(client):
    _, community, _, _ = areas()
    assert client.get(URL, {"area": community.pk, "category": "x"}).status_code == 400
    assert client.get(URL, {"area": "abc", "category": "01"}).status_code == 400
    assert client.get(URL).status_code == 400
    assert client.get(URL, {"area": 999999, "category": "01"}).json() == {"results": []}
    assert client.get(URL, {"area": f.district().pk, "category": "01"}).json() == {"results": []}


def test_it_is_bounded_and_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    _, community, _, _ = areas()
    for n in range(8):
        published(area=community, title=f"电梯坏了{n}", category=cat("010101"))
    _clear_caches()
    with django_assert_max_num_queries(3):  # the area, its 小区 (then cached for a minute), the requests
        response = client.get(URL, {"area": community.pk, "category": "01"})
    assert len(response.json()["results"]) == 5
    with django_assert_max_num_queries(0):  # the second asker gets the cached answer
        client.get(URL, {"area": community.pk, "category": "01"})


def test_it_is_rate_limited_per_address(client, settings):
    settings.PUBLIC_SIMILAR_LIMIT = 2
    _, community, _, _ = areas()
    for _ in range(2):
        assert client.get(URL, {"area": community.pk, "category": "01"}).status_code == 200
    response = client.get(URL, {"area": community.pk, "category": "01"})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_request_form_offers_the_box_to_its_script(client):
    areas()
    page = client.get("/requests/new/").content.decode()
    assert 'data-similar data-url="/requests/similar.json"' in page
    assert "附近已有相同反映" in page
