"""A resident picks their 街道 and 社区 under the home page's search box and the home page then
opens with "你的社区"; a 社区 page lists its own and its 街道's projects."""

from __future__ import annotations

import pytest

from apps.appeals.services import appeal_set_publication
from apps.projects.services import project_post_update
from apps.public.display import AREA_COOKIE
from tests import factories as f
from tests.public.helpers import areas

pytestmark = pytest.mark.django_db


def published(title: str, area, **fields):
    appeal = f.appeal(title=title, area=area, **fields)
    appeal_set_publication(appeal=appeal, approved=True, by=f.official())
    return appeal


def local_block(body: str) -> str:
    start = body.index('id="local"')
    return body[start : body.index("</section>", start)]


@pytest.fixture
def hood():
    taishan, taishan_hood, kuishan, kuiyuan = areas()
    district = f.district()
    own = f.project(title="泰山社区加装电梯", areas=[taishan_hood])
    subdistrict_wide = f.project(title="泰山街道背街小巷整治", areas=[taishan])
    listing = f.project(title="全区口袋公园（含泰山社区）", areas=[district, taishan_hood])
    f.project(title="全区垃圾分类", areas=[district])
    f.project(title="奎园社区助餐点", areas=[kuiyuan])
    project_post_update(project=own, text="电梯井道已完成开挖。")
    project_post_update(project=f.project(title="奎山某项目", areas=[kuishan]), text="奎山的进展")
    published("泰山社区路灯不亮", taishan_hood)
    published("奎园社区楼道堆物", kuiyuan)
    return taishan, taishan_hood, kuishan, kuiyuan, own, subdistrict_wide, listing


def test_choosing_a_community_opens_the_home_page_with_its_projects_updates_and_requests(client, hood):
    taishan, taishan_hood, *_ = hood
    response = client.get("/my-area/", {"subdistrict": taishan.pk, "community": taishan_hood.pk})
    assert response.status_code == 302 and response["Location"] == "/#local"
    assert response.cookies[AREA_COOKIE].value == str(taishan_hood.pk)
    body = client.get("/").content.decode()
    block = local_block(body)
    assert "你的社区" in block and "泰山社区" in block
    for title in ("泰山社区加装电梯", "泰山街道背街小巷整治", "全区口袋公园（含泰山社区）"):
        assert title in block
    assert "全区垃圾分类" not in block and "奎园社区助餐点" not in block
    assert "电梯井道已完成开挖" in block and "奎山的进展" not in block
    assert "泰山社区路灯不亮" in block and "奎园社区楼道堆物" not in block
    assert "王秀英" not in body and "13912345678" not in body  # the submitter, masked: 王*
    # The block comes right under the search box, before the six programmes.
    assert body.index('id="local"') < body.index('id="programmes-title"')
    # Which is which: the 街道's project is marked as such, once.
    assert block.count("街道项目") == 1


def test_the_community_select_offers_only_the_chosen_subdistricts_communities(client, hood):
    taishan, _taishan_hood, kuishan, kuiyuan, *_ = hood
    client.get("/my-area/", {"subdistrict": kuishan.pk})
    body = client.get("/").content.decode()
    select = body[body.index('id="pick-community"') : body.index("</select>", body.index('id="pick-community"'))]
    assert "奎园社区" in select and "泰山社区" not in select
    assert "你的街道" in body
    # A 社区 of another 街道 than the one chosen leaves the new 街道 chosen, to pick its 社区 next.
    response = client.get("/my-area/", {"subdistrict": taishan.pk, "community": kuiyuan.pk})
    assert response.cookies[AREA_COOKIE].value == str(taishan.pk)


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", "1" * 40, "１２"])
def test_a_bad_choice_or_cookie_is_no_error(client, hood, value):
    response = client.get("/my-area/", {"subdistrict": value, "community": value})
    assert response.status_code == 302
    client.cookies[AREA_COOKIE] = value if value.isascii() else "12x"  # a cookie header is Latin-1
    response = client.get("/")
    assert response.status_code == 200 and 'id="local"' not in response.content.decode()


def test_clearing_the_choice_forgets_it(client, hood):
    _taishan, taishan_hood, *_ = hood
    client.cookies[AREA_COOKIE] = str(taishan_hood.pk)
    assert 'id="local"' in client.get("/").content.decode()
    client.get("/my-area/", {"clear": "1"})
    assert 'id="local"' not in client.get("/").content.decode()


def test_one_residents_community_is_never_served_to_another_from_the_cache(client, hood):
    _taishan, taishan_hood, _kuishan, kuiyuan, *_ = hood
    client.cookies[AREA_COOKIE] = str(taishan_hood.pk)
    assert "泰山社区加装电梯" in local_block(client.get("/").content.decode())
    client.cookies[AREA_COOKIE] = str(kuiyuan.pk)
    block = local_block(client.get("/").content.decode())
    assert "奎园社区助餐点" in block and "泰山社区加装电梯" not in block
    del client.cookies[AREA_COOKIE]
    assert 'id="local"' not in client.get("/").content.decode()


def test_the_home_page_with_a_community_runs_a_fixed_number_of_queries(client, hood, django_assert_max_num_queries):
    _taishan, taishan_hood, *_ = hood
    for n in range(12):
        project = f.project(title=f"泰山社区项目{n}", areas=[taishan_hood])
        project_post_update(project=project, text=f"进展{n}")
        published(f"泰山社区诉求{n}", taishan_hood)
    client.cookies[AREA_COOKIE] = str(taishan_hood.pk)
    with django_assert_max_num_queries(16):
        assert client.get("/").status_code == 200


def test_a_community_page_is_headed_once_and_lists_its_subdistricts_projects_marked(client, hood):
    _taishan, taishan_hood, *_ = hood
    body = client.get(f"/areas/{taishan_hood.pk}/").content.decode()
    assert '<h1><span lang="zh-CN">泰山社区</span></h1>' in body
    for title in ("泰山社区加装电梯", "泰山街道背街小巷整治", "全区口袋公园（含泰山社区）"):
        assert title in body
    assert "全区垃圾分类" not in body
    projects = body[body.index('id="projects-title"') :]
    item = projects[projects.index("泰山街道背街小巷整治") :]
    assert "街道项目" in item[: item.index("</li>\n</li>") if "</li>\n</li>" in item else 600]
    own = projects[projects.index("泰山社区加装电梯") :]
    assert "街道项目" not in own[: own.index("</ul>")]
