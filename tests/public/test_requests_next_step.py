"""At every state, the tracking page says in one plain sentence what happens next and by when."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.appeals.models import Appeal, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/requests/track/"

# State → words its sentence must contain (the deadline is checked separately).
EXPECTED = {
    Status.SUBMITTED: "前受理",
    Status.ACCEPTED: "下一步派给承办单位",
    Status.ASSIGNED: "签收后开始办理",
    Status.IN_PROGRESS: "正在办理",
    Status.RETURNED: "改派",
    Status.RESOLVED: "请在下面评价",
    Status.CLOSED: "流程结束",
    Status.REJECTED: "不予受理，原因见答复",
    Status.REVIEW: "重新交办承办单位（重办）",
    Status.MERGED: "已合并办理",
}


def next_step(body: str) -> str:
    match = re.search(r'<p class="next-step" id="next-step">(.*?)</p>', body, re.S)
    assert match, "the tracking page has no next-step sentence"
    return re.sub(r"<[^>]+>", "", match.group(1))  # as read: a date is a <time>, a unit's name a <span>


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_every_state_has_its_sentence():
    assert set(EXPECTED) == set(Status.values), "a new state needs its next-step sentence here and in the page"


@pytest.mark.parametrize("status", sorted(EXPECTED))
def test_the_tracking_page_says_what_happens_next_at_every_state(client, status):
    unit = f.department("区住房和城乡建设局")
    appeal = f.appeal_in(status, handler=unit)
    body = client.post(URL, {"tracking_no": appeal.tracking_no, "phone_last4": "5678"}).content.decode()
    sentence = next_step(body)
    assert EXPECTED[status] in sentence
    if status == Status.SUBMITTED:
        assert local(appeal.response_due) in sentence
    if status in (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED):
        assert local(appeal.resolve_due) in sentence
    if status in (Status.ASSIGNED, Status.IN_PROGRESS):
        assert "区住房和城乡建设局" in sentence


def test_after_rating_unsatisfied_the_resident_is_told_what_happens(client):
    appeal = f.appeal_in(Status.RESOLVED)
    data = {"tracking_no": appeal.tracking_no, "phone_last4": "5678"}
    client.post(URL, {**data, "action": "rate", "solved": "no", "rating": "unsatisfied", "comment": "灯还是不亮"})
    sentence = next_step(client.post(URL, data).content.decode())
    assert "不满意待处理" in sentence and "12345" in sentence


def test_an_overdue_request_says_it_is_overdue(client):
    appeal = f.appeal_in(Status.SUBMITTED)
    Appeal.objects.filter(pk=appeal.pk).update(response_due=timezone.now() - timedelta(hours=1))
    sentence = next_step(client.post(URL, {"tracking_no": appeal.tracking_no, "phone_last4": "5678"}).content.decode())
    assert "已超过受理时限" in sentence
