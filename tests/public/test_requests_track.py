from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.appeals.models import Rating, Status
from apps.appeals.services import (
    appeal_accept,
    appeal_assign,
    appeal_rate,
    appeal_resolve,
    appeal_sign,
    appeal_transition,
)
from apps.places.models import Department
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/requests/track/"


def housing_bureau() -> Department:
    return Department.objects.filter(name="区住房和城乡建设局").first() or f.department("区住房和城乡建设局")


def resolved_appeal(**fields):
    appeal = f.appeal(**fields)
    appeal_accept(appeal=appeal, note="内部：先联系物业")
    appeal_assign(appeal=appeal, department=housing_bureau(), note="内部：住建局负责")
    appeal_sign(appeal=appeal)
    return appeal_resolve(appeal=appeal, reply="已更换楼道灯。", note="内部备注：不要公开")


def track(client, tracking_no, last4, meta=None, **extra):
    return client.post(URL, {"tracking_no": tracking_no, "phone_last4": last4, **extra}, **(meta or {}))


def test_the_lookup_form_posts_so_phone_digits_never_reach_a_url(client):
    html = client.get(URL).content.decode()
    assert 'method="post"' in html
    assert 'name="phone_last4"' in html


def test_a_lookup_in_the_query_string_shows_nothing(client):
    appeal = f.appeal()
    response = client.get(URL, {"tracking_no": appeal.tracking_no, "phone_last4": "5678"})
    assert response.status_code == 200
    assert appeal.title not in response.content.decode()


def test_the_right_pair_shows_status_deadlines_and_the_public_timeline(client):
    appeal = resolved_appeal()
    response = track(client, appeal.tracking_no, "5678")
    assert response.status_code == 200
    html = response.content.decode()
    assert appeal.title in html
    assert "已办结" in html
    for label in ("已提交", "已受理", "已派单", "办理中"):
        assert label in html
    assert "已更换楼道灯。" in html
    assert "区住房和城乡建设局" in html
    assert timezone.localtime(appeal.resolve_due).strftime("%Y-%m-%d") in html
    assert "内部" not in html
    assert "不要公开" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_tracking_number_may_be_typed_loosely(client):
    appeal = f.appeal()
    year, number = appeal.tracking_no.split("-")[1:]
    loose = f"ｑｓ－{year}－{int(number)}"
    response = track(client, loose, "５６７８")
    assert appeal.title in response.content.decode()


def test_unknown_numbers_and_wrong_digits_get_the_same_answer(client):
    appeal = f.appeal()
    wrong_digits = track(client, appeal.tracking_no, "0000")
    unknown_number = track(client, "QS-2020-999999", "5678")
    assert wrong_digits.status_code == unknown_number.status_code == 200
    for response in (wrong_digits, unknown_number):
        html = response.content.decode()
        assert "没有查到与这组受理编号和手机号码后四位对应的诉求" in html
        assert appeal.title not in html


def test_a_malformed_number_gets_a_format_hint(client):
    response = track(client, "hello", "12")
    html = response.content.decode()
    assert "受理编号的格式应为" in html
    assert "请填写手机号码的后四位数字" in html


def test_repeated_failures_from_one_address_are_refused_for_a_while(client, settings):
    settings.PUBLIC_TRACK_FAILURE_LIMIT = 3
    appeal = f.appeal()
    for _ in range(2):
        assert track(client, appeal.tracking_no, "0000").status_code == 200
    third = track(client, appeal.tracking_no, "0001")
    assert third.status_code == 429
    refused = track(client, appeal.tracking_no, "0002")
    assert refused.status_code == 429
    assert "查询失败的次数太多了" in refused.content.decode()
    assert int(refused["Retry-After"]) == settings.PUBLIC_TRACK_LOCKOUT
    # The right pair still passes: the address may be a whole 小区's.
    assert track(client, appeal.tracking_no, "5678").status_code == 200


def test_a_guesser_behind_a_shared_address_does_not_lock_out_the_residents_behind_it(client, settings):
    settings.PUBLIC_TRACK_FAILURE_LIMIT = 3
    attacked, neighbours = f.appeal(), f.appeal(title="小区门口积水")
    for last4 in ("0000", "0001", "0002", "0003"):
        track(client, attacked.tracking_no, last4)  # the guesser, behind the 小区's one address
    assert track(client, attacked.tracking_no, "0004").status_code == 429
    response = track(client, neighbours.tracking_no, "5678")  # a neighbour, same address
    assert response.status_code == 200 and "小区门口积水" in response.content.decode()
    assert track(client, attacked.tracking_no, "5678").status_code == 200  # 4 wrong guesses: not under attack


def test_a_number_under_attack_is_refused_to_everyone_for_the_day(client, settings):
    settings.PUBLIC_TRACK_NUMBER_LIMIT = 4
    attacked, other = f.appeal(), f.appeal()
    # From four addresses, one guess each (no address is locked): the fourth reaches the limit.
    statuses = [track(client, attacked.tracking_no, f"000{n}", meta={"REMOTE_ADDR": f"10.0.0.{n}"}) for n in range(4)]
    assert [response.status_code for response in statuses] == [200, 200, 200, 429]
    refused = track(client, attacked.tracking_no, "5678", meta={"REMOTE_ADDR": "10.9.9.9"})
    assert refused.status_code == 429
    assert "这个受理编号今天查询错误的次数太多了" in refused.content.decode()
    assert attacked.title not in refused.content.decode()
    assert int(refused["Retry-After"]) == 86400
    assert track(client, other.tracking_no, "5678", meta={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_an_address_gets_a_fixed_number_of_wrong_guesses_a_day(client, settings):
    settings.PUBLIC_TRACK_DAILY_LIMIT = 6
    requests = [f.appeal() for _ in range(7)]
    for appeal in requests[:6]:  # one guess at each of many numbers
        track(client, appeal.tracking_no, "0000")
    refused = track(client, requests[6].tracking_no, "5678")  # even right: it could be a lucky guess
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 86400
    assert track(client, requests[6].tracking_no, "5678", meta={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def test_successful_lookups_do_not_reset_the_failure_count(client, settings):
    settings.PUBLIC_TRACK_FAILURE_LIMIT = 2
    appeal = f.appeal()
    track(client, appeal.tracking_no, "0000")
    track(client, appeal.tracking_no, "5678")
    assert track(client, appeal.tracking_no, "0001").status_code == 429


def test_an_open_request_shows_no_rating_form(client):
    appeal = f.appeal()
    html = track(client, appeal.tracking_no, "5678").content.decode()
    assert 'name="rating"' not in html
    assert "已提交" in html


def test_an_overdue_request_is_flagged(client):
    appeal = f.appeal(submitted_at=timezone.now() - timedelta(days=40))
    html = track(client, appeal.tracking_no, "5678").content.decode()
    assert "已超期" in html


def test_a_resolved_request_can_be_rated_once(client):
    appeal = resolved_appeal()
    page = track(client, appeal.tracking_no, "5678").content.decode()
    assert 'name="rating"' in page
    assert "满意" in page and "基本满意" in page and "不满意" in page
    assert 'name="solved"' in page and "部分解决" in page
    rated = track(
        client, appeal.tracking_no, "5678", action="rate", solved="partly", rating="basically", comment="修得很快"
    )
    assert rated.status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert (appeal.rating, appeal.solved) == (Rating.BASICALLY, "partly")
    assert appeal.rating_comment == "修得很快"
    html = rated.content.decode()
    assert "感谢您的评价" in html
    assert 'data-rating="basically"' in html
    assert 'name="rating"' not in html

    again = track(client, appeal.tracking_no, "5678", action="rate", solved="no", rating="unsatisfied")
    appeal.refresh_from_db()
    assert appeal.rating == Rating.BASICALLY
    assert "已经评价过" in again.content.decode()


def test_rating_needs_the_right_pair(client):
    appeal = resolved_appeal()
    response = track(client, appeal.tracking_no, "1111", action="rate", solved="no", rating="unsatisfied")
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    assert appeal.rating == ""
    assert "没有查到" in response.content.decode()


def test_a_request_that_is_not_resolved_cannot_be_rated(client):
    appeal = f.appeal()
    response = track(client, appeal.tracking_no, "5678", action="rate", solved="yes", rating="satisfied")
    appeal.refresh_from_db()
    assert appeal.rating == ""
    assert "不能评价" in response.content.decode()


def test_a_rating_without_a_choice_gets_a_chinese_message(client):
    appeal = resolved_appeal()
    response = track(client, appeal.tracking_no, "5678", action="rate", rating="")
    assert "请选择满意、基本满意或不满意" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED


def test_a_closed_request_shows_its_rating(client):
    appeal = resolved_appeal()
    appeal_rate(appeal=appeal, rating="satisfied")
    html = track(client, appeal.tracking_no, "5678").content.decode()
    assert 'data-rating="satisfied"' in html
    assert 'name="rating"' not in html


def test_the_status_page_needs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    small = resolved_appeal()
    with django_assert_max_num_queries(4):
        track(client, small.tracking_no, "5678")
    big = resolved_appeal()
    for i in range(10):
        f.appeal(title=f"其他诉求{i}")
    # Ten times the events of another request change nothing; neither does its own length.
    with django_assert_max_num_queries(4):
        track(client, big.tracking_no, "5678")


def test_guesses_in_flight_count_before_their_look_up(client, settings, monkeypatch):
    # Six guesses at one number sent at once all pass the lockout check before any of them is
    # answered; each is counted as it arrives, before its look-up, so the sixth is refused even
    # with the right pair (it could be a guess that happens to be right).
    from apps.public import ratelimit

    settings.PUBLIC_TRACK_NUMBER_LIMIT = 5
    appeal = f.appeal()
    limit = ratelimit.track_number_limit()
    for _ in range(5):
        limit.record(appeal.tracking_no)  # the other five, counted, not yet answered
    monkeypatch.setattr(ratelimit.Limit, "is_blocked", lambda self, request: False)  # checked before
    assert track(client, appeal.tracking_no, "5678").status_code == 429
    assert track(client, appeal.tracking_no, "5678", meta={"REMOTE_ADDR": "10.1.2.3"}).status_code == 429


def test_an_unsatisfied_answer_goes_back_to_the_dispatcher_and_a_reopen_is_shown(client):
    appeal = resolved_appeal()
    track(client, appeal.tracking_no, "5678", action="rate", solved="no", rating="unsatisfied")
    appeal.refresh_from_db()
    assert appeal.status == Status.REVIEW
    appeal_transition(appeal=appeal, action="reopen", reply="已要求承办单位重新办理。")
    html = track(client, appeal.tracking_no, "5678").content.decode()
    assert "重办" in html and "已要求承办单位重新办理。" in html


def test_an_approved_extension_shows_its_new_date_and_reason_but_not_the_asking(client):
    appeal = f.appeal_in("in_progress", submitter_phone="13900005678")
    until = appeal.resolve_due + timedelta(days=2)
    appeal_transition(appeal=appeal, action="request_extension", until=until, reason="需协调供电部门停电施工")
    appeal_transition(appeal=appeal, action="supervise", level="key", until=timezone.now() + timedelta(days=1))
    appeal_transition(appeal=appeal, action="approve_extension")
    html = track(client, appeal.tracking_no, "5678").content.decode()
    assert f'延期至 {timezone.localtime(until):%Y-%m-%d}（<span lang="zh-CN">需协调供电部门停电施工</span>）' in html
    assert "督办" not in html and "申请延期" not in html


def test_a_merged_duplicate_follows_the_main_request(client):
    main = f.appeal_in("in_progress")
    duplicate = f.appeal(submitter_phone="13900005678")
    appeal_transition(appeal=duplicate, action="merge", into=main)
    html = track(client, duplicate.tracking_no, "5678").content.decode()
    assert f"已并入诉求 {main.tracking_no} 合并办理" in html
    assert "办理中" in html


def test_the_timeline_shows_only_that_co_departments_took_part(client):
    gas = f.department("华润燃气")
    appeal = f.appeal_in("in_progress", handler=housing_bureau(), co_departments=[gas])
    district = f.official()
    appeal_transition(
        appeal=appeal, action="co_reply", by=district, note="内部：阀门老化", proxy_reason="燃气公司电话委托"
    )
    html = track(client, appeal.tracking_no, "5678").content.decode()
    assert "协办单位参与办理" in html
    # Not the contribution, not the 代办 or who answered.
    assert "阀门老化" not in html and "电话委托" not in html and "区级工作人员" not in html


def closing_step(client, appeal, **headers) -> str:
    html = track(client, appeal.tracking_no, "5678", meta=headers).content.decode()
    steps = html.split('class="timeline appeal-timeline"', 1)[1].split("</ol>", 1)[0]
    return steps.rsplit("<strong>", 1)[1].split("</strong>", 1)[0]


@pytest.mark.parametrize(
    ("close", "chinese", "english"),
    [
        (lambda appeal: appeal_rate(appeal=appeal, rating="satisfied"), "已评价关闭", "Closed after rating"),
        (
            lambda appeal: appeal_transition(appeal=appeal, action="revisit", solved="yes", rating="basically"),
            "已评价关闭",
            "Closed after rating",
        ),
        (
            lambda appeal: [
                appeal_rate(appeal=appeal, rating="unsatisfied"),
                appeal_transition(appeal=appeal, action="close_explained", reason="policy", reply="政策不允许。"),
            ],
            "解释说明后关闭",
            "Closed with an explanation",
        ),
        (
            lambda appeal: appeal_transition(appeal=appeal, action="expire"),
            "未评价自动关闭",
            "Closed automatically, not rated",
        ),
    ],
    ids=["rated", "revisited", "explained", "unrated"],
)
def test_the_closing_step_says_how_the_request_was_closed(client, close, chinese, english):
    appeal = resolved_appeal()
    close(appeal)
    assert closing_step(client, appeal) == chinese
    assert closing_step(client, appeal, HTTP_ACCEPT_LANGUAGE="en") == english


def test_a_merged_duplicates_step_says_it_was_closed_as_a_duplicate(client):
    duplicate = f.appeal(submitter_phone="13900005678")
    appeal_transition(appeal=duplicate, action="merge", into=f.appeal())
    assert closing_step(client, duplicate) == "作为重复件关闭"
    assert closing_step(client, duplicate, HTTP_ACCEPT_LANGUAGE="en") == "Closed as a duplicate"
