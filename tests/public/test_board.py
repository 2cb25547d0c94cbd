"""A project's printable 公示牌 (site notice board) and the request form its QR code opens."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import segno
from django.contrib.staticfiles import finders
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.projects.models import ProjectStatus
from apps.projects.services import project_save
from apps.public.qr import qr_svg
from tests import factories as f
from tests.public.helpers import areas, form_data

pytestmark = pytest.mark.django_db

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def _board_project(**fields):
    facts = dict(
        title="康居社区加装电梯",
        programme_code="bianmin",
        lead_department=f.department("区住房和城乡建设局"),
        official_name="李明",
        official_title="副局长",
        planned_investment=Decimal("1234.5"),
        planned_start=date(2026, 3, 1),
        planned_finish=date(2026, 12, 31),
        status=ProjectStatus.IN_PROGRESS,
        progress=Decimal("45"),
    )
    return f.project(**{**facts, **fields})


def test_the_board_shows_the_projects_facts_and_the_print_date(client):
    project = _board_project()
    response = client.get(f"/projects/{project.pk}/board/")
    assert response.status_code == 200
    html = response.content.decode()
    for fact in (
        "康居社区加装电梯",
        project.programme.name,
        "区住房和城乡建设局",
        '<span lang="zh-CN">李明</span>（<span lang="zh-CN">副局长</span>）',
        "1,234.5 万元",
        "2026-03-01",
        "2026-12-31",
        "进行中",
        "进度 45%",
    ):
        assert fact in html, fact
    assert f"进度截至 {timezone.localdate():%Y-%m-%d}（打印日期）" in html


def test_the_board_has_a_qr_code_to_the_project_page_and_one_to_the_request_form_about_it(client, settings):
    settings.ALLOWED_HOSTS = ["quanshan.example"]
    project = _board_project()
    other = f.project()
    html = client.get(f"/projects/{project.pk}/board/", HTTP_HOST="quanshan.example").content.decode()
    codes = SVG.findall(html)
    assert len(codes) == 2
    project_url = f"http://quanshan.example/projects/{project.pk}/"
    request_url = f"http://quanshan.example/requests/new/?project={project.pk}"
    assert codes == [qr_svg(project_url), qr_svg(request_url)]
    # What the codes encode: segno's symbol for exactly these URLs, not another project's.
    assert codes[0] != qr_svg(f"http://quanshan.example/projects/{other.pk}/")
    for code, url in zip(codes, (project_url, request_url), strict=True):
        assert code == segno.make(url, error="m", micro=False).svg_inline(
            omitsize=True, svgclass="qr", lineclass="qr__modules"
        )
    assert "<script" not in html.split('<article class="board"')[1].split("</article>")[0]


def test_the_board_prints_on_a5_without_the_sites_navigation(client):
    project = _board_project()
    html = client.get(f"/projects/{project.pk}/board/").content.decode()
    assert "css/board.css" in html
    css = Path(finders.find("css/board.css")).read_text(encoding="utf-8")
    assert "@page { size: A5" in css
    print_rules = css[css.index("@media print") :]
    assert ".site-header" in print_rules and ".site-footer" in print_rules and "display: none" in print_rules


def test_an_unpublished_projects_board_is_not_found(client):
    project = _board_project(is_public=False)
    assert client.get(f"/projects/{project.pk}/board/").status_code == 404
    assert client.get("/projects/999999/board/").status_code == 404


def test_the_project_page_links_to_its_board(client):
    project = _board_project()
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/projects/{project.pk}/board/"' in html


@pytest.mark.parametrize("extra", [0, 10])
def test_the_board_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, extra):
    project = _board_project(
        areas=[f.community() for _ in range(extra)], co_departments=[f.department() for _ in range(extra)]
    )
    for _ in range(extra):
        f.project(parent=project)
    with django_assert_max_num_queries(1):
        assert client.get(f"/projects/{project.pk}/board/").status_code == 200


def test_the_request_form_opened_from_a_board_says_which_project_it_is_about(client):
    areas()
    project = _board_project(programme_code="lvse")
    html = client.get("/requests/new/", {"project": project.pk}).content.decode()
    assert "您反映的问题关于项目" in html
    assert f'href="/projects/{project.pk}/"' in html
    assert f'<input type="hidden" name="project" value="{project.pk}"' in html
    assert '<option value="lvse" selected>' in html  # its programme, preselected


def test_a_request_sent_from_a_boards_qr_code_is_linked_to_the_project(client):
    taishan, taishan_c, *_ = areas()
    project = _board_project()
    response = client.post(f"/requests/new/?project={project.pk}", form_data(taishan, taishan_c, project=project.pk))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert list(appeal.projects.all()) == [project]


@pytest.mark.parametrize("value", ["unpublished", "999999", "abc", "-1", "99999999999999999999"])
def test_an_unknown_or_unpublished_project_is_ignored(client, value):
    taishan, taishan_c, *_ = areas()
    hidden = _board_project(is_public=False)
    project_id = str(hidden.pk) if value == "unpublished" else value
    page = client.get("/requests/new/", {"project": project_id})
    assert page.status_code == 200
    assert "您反映的问题关于项目" not in page.content.decode()
    assert hidden.title not in page.content.decode()
    response = client.post("/requests/new/", form_data(taishan, taishan_c, project=project_id))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert not appeal.projects.exists()


def test_the_board_reads_in_english_too(client):
    project = _board_project()
    html = client.get(f"/projects/{project.pk}/board/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Scan for the project&#x27;s progress" in html or "Scan for the project's progress" in html
    assert "Scan to report a problem or make a suggestion" in html
    assert "扫码" not in html


def test_a_printed_board_shows_the_latest_progress_not_a_cached_one(client, committing):
    project = _board_project()
    url = f"/projects/{project.pk}/board/"
    assert "进度 45%" in client.get(url).content.decode()
    assert "进度 45%" in client.get(url).content.decode()  # now from the page cache
    with committing():
        project.progress = Decimal("60")
        project_save(project=project)
    html = client.get(url).content.decode()
    assert "进度 60%" in html and "进度 45%" not in html
