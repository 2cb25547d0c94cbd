"""Atom feeds of progress updates: valid Atom, the right entries, nothing private."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from apps.projects.services import project_post_update
from tests import factories as f
from tests.public.site_data import neighbourhood

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    return root


def entry_titles(root: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]


def test_the_all_updates_feed_lists_updates_of_published_projects_only(client):
    hood = neighbourhood()
    hidden = f.project(title="未公开项目", is_public=False)
    project_post_update(project=hidden, text="内部进展")
    root = atom(client, "/feeds/updates/")
    titles = entry_titles(root)
    assert any(hood.projects[0].title in t for t in titles)
    assert not any("未公开项目" in t for t in titles)
    link = root.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert link.startswith("http://testserver/projects/") and "#update-" in link


def test_the_programme_feed_has_only_that_programmes_updates(client):
    hood = neighbourhood()
    project_post_update(project=hood.projects[1], text="公园开工")  # 绿色怡心
    assert len(entry_titles(atom(client, "/feeds/programmes/bianmin/"))) == 1
    titles = entry_titles(atom(client, "/feeds/programmes/lvse/"))
    assert len(titles) == 1 and hood.projects[1].title in titles[0]
    assert client.get("/feeds/programmes/unknown/").status_code == 404


def test_the_project_feed_has_that_projects_updates(client):
    hood = neighbourhood()
    project_post_update(project=hood.projects[0], text="电梯井施工")
    root = atom(client, f"/feeds/projects/{hood.projects[0].pk}/")
    assert len(entry_titles(root)) == 2
    assert "电梯井施工" in ET.tostring(root, encoding="unicode")


def test_the_area_feed_has_updates_of_projects_there_and_below(client):
    hood = neighbourhood()
    project_post_update(project=hood.projects[1], text="公园开工")  # 奎山街道
    assert len(entry_titles(atom(client, f"/feeds/areas/{hood.subdistrict.pk}/"))) == 1
    assert len(entry_titles(atom(client, f"/feeds/areas/{hood.community.pk}/"))) == 1
    assert len(entry_titles(atom(client, f"/feeds/areas/{hood.other_subdistrict.pk}/"))) == 1
    assert client.get(f"/feeds/areas/{f.district().pk}/").status_code == 404


def test_feeds_carry_no_personal_data(client):
    hood = neighbourhood()
    for url in (
        "/feeds/updates/",
        "/feeds/programmes/bianmin/",
        f"/feeds/projects/{hood.projects[0].pk}/",
        f"/feeds/areas/{hood.subdistrict.pk}/",
    ):
        body = client.get(url).content.decode()
        for private in ("欧阳娜娜", "王秀英", "13912345678"):
            assert private not in body


def test_update_text_is_escaped_html_with_its_paragraphs(client):
    project = f.project()
    project_post_update(project=project, text="第一段 <b>加粗?</b>\n\n第二段")
    root = atom(client, f"/feeds/projects/{project.pk}/")
    summary = root.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "<p>第一段 &lt;b&gt;加粗?&lt;/b&gt;</p>\n\n<p>第二段</p>"


def test_every_page_announces_a_working_feed_in_its_head(client):
    hood = neighbourhood()
    pages = {
        "/": "/feeds/updates/",
        "/projects/": "/feeds/updates/",
        "/projects/?programme=bianmin": "/feeds/programmes/bianmin/",
        f"/projects/?area={hood.community.pk}": f"/feeds/areas/{hood.community.pk}/",
        "/programmes/bianmin/": "/feeds/programmes/bianmin/",
        f"/projects/{hood.projects[0].pk}/": f"/feeds/projects/{hood.projects[0].pk}/",
        f"/areas/{hood.subdistrict.pk}/": f"/feeds/areas/{hood.subdistrict.pk}/",
    }
    for page, feed in pages.items():
        head = client.get(page).content.decode().split("</head>")[0]
        assert 'type="application/atom+xml" title="' in head, page
        assert f'href="{feed}"' in head, page
        atom(client, feed)
