import pytest

from apps.appeals.models import Status
from apps.appeals.services import appeal_accept, appeal_assign, appeal_rate, appeal_resolve, appeal_sign
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_request_walks_the_whole_loop():
    dept = f.department()
    appeal = f.appeal()
    assert appeal.tracking_no.startswith("QS-")
    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=dept)
    appeal_sign(appeal=appeal)
    appeal_resolve(appeal=appeal, reply="已更换灯泡。")
    appeal = appeal_rate(appeal=appeal, rating="satisfied")
    assert appeal.status == Status.CLOSED
    assert appeal.events.count() == 6
