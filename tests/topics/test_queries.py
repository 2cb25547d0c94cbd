"""每月一题's pages and API read the counts of every topic with one aggregate query: the query
count does not grow with topics or requests."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.topics.selectors import add_months
from tests import factories as f
from tests.proposals.helpers import district_official
from tests.topics.helpers import lights_history, make_topic, requests_in, topic_month

pytestmark = pytest.mark.django_db

COUNT_EXTRA = 5 if connection.vendor == "postgresql" else 0


def _topics(official, n: int, start: int) -> None:
    for i in range(start, start + n):
        community = f.community(f"社区{i}")
        month = add_months(topic_month(), -i)
        requests_in(community, month, 2)
        requests_in(community, add_months(month, 1), 1)
        topic = make_topic(official, community, month=month, title=f"题目{i}")
        topic.co_departments.set([f.department(), f.department()])
        topic.projects.set([f.project()])


def test_pages_api_and_feed_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    official = district_official()
    community = f.community("泰山社区")
    lights_history(community)
    first = make_topic(official, community)
    urls = ["/monthly-topics/", f"/monthly-topics/{first.pk}/", "/feeds/monthly-topics/"]
    api = ["/api/v1/monthly-topics/", f"/api/v1/monthly-topics/{first.pk}/"]

    def measure(limit: int) -> None:
        for url in urls:
            with django_assert_max_num_queries(limit):
                assert client.get(url).status_code == 200
        for url in api:
            with django_assert_max_num_queries(limit + COUNT_EXTRA):
                assert APIClient().get(url).status_code == 200

    measure(8)
    _topics(official, 5, start=4)
    measure(8)


def test_the_admins_ranked_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(district_official())
    url = "/admin/topics/monthlytopic/choose/"
    month = f"{topic_month():%Y-%m}"
    lights_history(f.community("泰山社区"))
    client.get(url, {"month": month})
    with django_assert_max_num_queries(14):
        client.get(url, {"month": month})
    for i in range(6):
        requests_in(f.community(f"社区{i}"), topic_month(), 2)
    with django_assert_max_num_queries(14):
        assert client.get(url, {"month": month}).status_code == 200
