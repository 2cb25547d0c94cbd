"""No resident's personal data on the 每月一题 page, list, API or feed: the requests counted are
residents', and an official's text that copies a number or a house number is masked."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests import factories as f
from tests.proposals.helpers import district_official
from tests.topics.helpers import RESIDENT, RESIDENT_PHONE, lights_history, make_topic

pytestmark = pytest.mark.django_db


def test_no_personal_data_on_any_output(client):
    community = f.community("泰山社区", parent=f.subdistrict("泰山街道"))
    lights_history(community)
    topic = make_topic(
        district_official(),
        community,
        problem=f"居民来电（{RESIDENT_PHONE}）反映云龙路17号6栋2单元501室门前路灯不亮。",
    )
    assert RESIDENT_PHONE not in topic.problem and "501室" not in topic.problem
    outputs = [
        client.get("/monthly-topics/").content.decode(),
        client.get(f"/monthly-topics/{topic.pk}/").content.decode(),
        client.get("/feeds/monthly-topics/").content.decode(),
        APIClient().get("/api/v1/monthly-topics/").content.decode(),
        APIClient().get(f"/api/v1/monthly-topics/{topic.pk}/").content.decode(),
    ]
    for text in outputs:
        assert RESIDENT not in text and RESIDENT_PHONE not in text and "5161234" not in text
        assert "501室" not in text
