"""A request submitted through the web form, then published, leaks no personal data anywhere public.

The public URLs are discovered from apps.public.urls, so a page added later is checked too
(a URL whose parameters this test does not know fails it, rather than being skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver

from apps.appeals.models import Appeal
from apps.appeals.selectors import appeals_with_phone
from apps.appeals.services import appeal_link_projects, appeal_set_publication
from apps.places.models import Area
from apps.programmes.models import Programme
from apps.public import urls as public_urls
from tests import factories as f
from tests.proposals.helpers import district_official
from tests.public.helpers import areas, form_data
from tests.topics.helpers import make_topic, requests_in, topic_month

pytestmark = pytest.mark.django_db

NAME = "诸葛秀兰"
PHONE = "13905170427"
LAST4 = PHONE[-4:]
ADDRESS = "云龙路17号6栋2单元501室"
# The last four digits count as a leak where they stand alone like (part of) a phone number:
# not inside a longer number or a random token.
LAST4_AS_PHONE = re.compile(rf"(?<![0-9A-Za-z]){LAST4}(?![0-9A-Za-z])")
# A redirect; the submitter's own one-off page; the submitter's own page behind the secret link
# sent to them (tests/notifications/test_residents.py checks it shows no name, phone or address);
# a follower's confirm and unsubscribe pages behind the links e-mailed to them (test_follows.py).
# The proposals' pages are crawled with a resident's proposal and a counted vote by
# tests/proposals/test_privacy.py.
NOT_PAGES = {
    "display",
    "my_area",
    "request_submitted",
    "request_track_token",
    "follow_confirm",
    "follow_unsubscribe",
    "proposal_submitted",
    "vote_tallies",
}


def public_paths(project_id: int, areas_: list[Area], topic_id: int) -> Iterator[str]:
    """Every GET URL of the public site, with real ids filled in."""
    values = {
        "code": list(Programme.objects.values_list("code", flat=True)),
        "project": [project_id],
        "area": [a.pk for a in areas_],
        "topic": [topic_id],
    }

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix, entry

    for prefix, entry in walk(public_urls.urlpatterns):
        if entry.name in NOT_PAGES:
            continue
        route = prefix + str(entry.pattern)
        params = list(entry.pattern.converters)
        if not params:
            yield "/" + route
            continue
        assert len(params) == 1, f"teach this test the parameters of {route}"
        (param,) = params
        if param == "code":
            choices = values["code"]
        elif param == "pk" and "project" in (entry.name or ""):
            choices = values["project"]
        elif param == "pk" and "area" in (entry.name or ""):
            choices = values["area"]
        elif param == "pk" and "topic" in (entry.name or ""):
            choices = values["topic"]
        else:
            raise AssertionError(f"teach this test the parameter {param!r} of {route} ({entry.name})")
        for value in choices:
            yield "/" + re.sub(r"<(?:\w+:)?\w+>", str(value), route)


def test_personal_data_of_a_submitted_and_published_request_appears_on_no_public_page(client, settings):
    taishan, taishan_c, kuishan, _ = areas()
    project = f.project(title="泰山社区楼道照明改造", areas=[taishan_c])
    data = form_data(
        taishan,
        taishan_c,
        title="楼道灯坏了很久",
        category="01",
        submitter_name=NAME,
        submitter_phone=PHONE,
        location_text=ADDRESS,
        consent_to_publish="on",
        photos=[f.jpeg_with_gps()],
    )
    assert client.post("/requests/new/", data).status_code == 302
    submitted = client.get("/requests/new/done/").content.decode()
    appeal = appeals_with_phone(Appeal.objects.all(), PHONE).get()
    assert appeal.tracking_no in submitted
    appeal_set_publication(appeal=appeal, approved=True)
    appeal_link_projects(appeal=appeal, projects=[project])

    # A 每月一题 of the request's 社区 counts that 社区's requests on its page.
    requests_in(taishan_c, topic_month(), 3)
    topic = make_topic(district_official(), taishan_c)
    paths = sorted(set(public_paths(project.pk, [taishan, taishan_c, kuishan], topic.pk)))
    for expected in (
        "/",
        "/requests/",
        "/stats/",
        f"/projects/{project.pk}/",
        "/feeds/updates/",
        f"/monthly-topics/{topic.pk}/",
    ):
        assert expected in paths
    paths += [f"/requests/?area={taishan_c.pk}", "/requests/?type=help", "/projects/?programme=bianmin"]
    # 附近已有相同反映 answers for a 社区 and a class.
    similar = f"/requests/similar.json?area={taishan_c.pk}&category=01"
    paths = [similar if path == "/requests/similar.json" else path for path in paths]

    seen_on = []
    # The home page's 你的社区 lists the chosen 社区's open published requests: crawl it chosen.
    assert client.get(f"/my-area/?subdistrict={taishan.pk}&community={taishan_c.pk}").status_code == 302
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.content.decode()
            for private in (NAME, PHONE, ADDRESS, "云龙路17号", PHONE[:3] + "****" + LAST4):
                assert private not in body, (path, language, private)
            assert not LAST4_AS_PHONE.search(body), (path, language, "last 4 phone digits")
            if "楼道灯坏了很久" in body:
                seen_on.append(path)
    # The request really is public (masked), so the checks above looked at it.
    assert "/requests/" in seen_on
    assert similar in seen_on
    assert "/" in seen_on, "the chosen 社区 shows its open published request on the home page"
    assert f"/projects/{project.pk}/" in seen_on
    assert "诸*" in client.get("/requests/").content.decode()

    # Its owner's tracking page shows the status, not the personal data either.
    tracked = client.post("/requests/track/", {"tracking_no": appeal.tracking_no, "phone_last4": LAST4})
    body = tracked.content.decode()
    assert "楼道灯坏了很久" in body
    assert NAME not in body and PHONE not in body and ADDRESS not in body
