from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.appeals.models import Appeal, AppealKind
from apps.appeals.services import (
    appeal_accept,
    appeal_assign,
    appeal_rate,
    appeal_reject,
    appeal_resolve,
    appeal_return,
    appeal_sign,
)
from tests import factories as f
from tests.open311.helpers import body, published, xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


def ids(response) -> list[str]:
    return [item["service_request_id"] for item in body(response)]


def resolved(appeal: Appeal, *, department=None, reply: str = "已更换楼道灯。") -> Appeal:
    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=department or f.department())
    appeal_sign(appeal=appeal)
    return appeal_resolve(appeal=appeal, reply=reply)


def test_only_published_requests_are_listed(client, places):
    shown = published(area=places["community"])
    f.appeal(area=places["community"])  # consented, never approved
    f.appeal(area=places["community"], consent_to_publish=False)
    assert ids(client.get(URL)) == [shown.tracking_no]


def test_a_request_shows_our_workflow_in_open311_terms(client, places):
    dept = f.department("区住房和城乡建设局")
    appeal = published(
        area=places["community"],
        kind=AppealKind.COMPLAINT,
        programme=f.programme("bianmin"),
        content="小区东门路灯不亮。",
    )
    appeal = resolved(appeal, department=dept, reply="已维修路灯，恢复照明。")
    [item] = body(client.get(URL))
    local = timezone.localtime
    assert item == {
        "service_request_id": appeal.tracking_no,
        "status": "closed",
        "status_notes": "已办结 · 区住房和城乡建设局。答复：已维修路灯，恢复照明。",
        "service_name": "便民舒心·投诉",
        "service_code": "bianmin.complaint",
        "description": "小区东门路灯不亮。",
        "agency_responsible": "区住房和城乡建设局",
        "service_notice": "诉求将在24小时内响应，15个工作日内办结。",
        "requested_datetime": local(appeal.submitted_at).isoformat(timespec="seconds"),
        "updated_datetime": local(appeal.resolved_at).isoformat(timespec="seconds"),
        "expected_datetime": local(appeal.resolve_due).isoformat(timespec="seconds"),
        "address": "泉山区泰山街道泰山社区",
        "address_id": "320311010001",
        "zipcode": None,
        "lat": 34.25,
        "long": 117.18,
        "media_url": None,
    }
    assert item["requested_datetime"].endswith("+08:00")


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], "open"),
        (["accept"], "open"),
        (["accept", "assign"], "open"),
        (["accept", "assign", "sign"], "open"),
        (["accept", "assign", "return"], "open"),
        (["accept", "assign", "sign", "resolve"], "closed"),
        (["accept", "assign", "sign", "resolve", "rate"], "closed"),
        (["reject"], "closed"),
    ],
)
def test_every_workflow_status_maps_onto_open_or_closed(client, places, steps, expected):
    appeal = published(area=places["community"])
    actions = {
        "accept": lambda: appeal_accept(appeal=appeal),
        "assign": lambda: appeal_assign(appeal=appeal, department=f.department()),
        "sign": lambda: appeal_sign(appeal=appeal),
        "return": lambda: appeal_return(appeal=appeal, reason="wrong_function"),
        "resolve": lambda: appeal_resolve(appeal=appeal, reply="已办结。"),
        "rate": lambda: appeal_rate(appeal=appeal, rating="satisfied"),
        "reject": lambda: appeal_reject(appeal=appeal, reply="不属于受理范围。"),
    }
    for step in steps:
        actions[step]()
    [item] = body(client.get(URL))
    assert item["status"] == expected


def test_status_filters_open_and_closed(client, places):
    still_open = published(area=places["community"])
    done = resolved(published(area=places["community"]))
    rejected = published(area=places["community"])
    appeal_reject(appeal=rejected, reply="重复诉求。")
    assert ids(client.get(URL, {"status": "open"})) == [still_open.tracking_no]
    assert set(ids(client.get(URL, {"status": "closed"}))) == {done.tracking_no, rejected.tracking_no}
    assert len(ids(client.get(URL, {"status": "open,closed"}))) == 3


def test_service_code_filters_by_programme_and_type(client, places):
    lamp = published(area=places["community"], kind=AppealKind.COMPLAINT, programme=f.programme("bianmin"))
    published(area=places["community"], kind=AppealKind.HELP, programme=f.programme("bianmin"))
    published(area=places["community"], kind=AppealKind.COMPLAINT, programme=f.programme("lvse"))
    general = published(area=places["community"], kind=AppealKind.COMPLAINT, programme=None)
    assert ids(client.get(URL, {"service_code": "bianmin.complaint"})) == [lamp.tracking_no]
    assert ids(client.get(URL, {"service_code": "general.complaint"})) == [general.tracking_no]
    [item] = body(client.get(URL, {"service_code": "general.complaint"}))
    assert item["service_name"] == "综合·投诉"


def test_without_dates_the_list_covers_the_last_90_days(client, places):
    now = timezone.now()
    recent = published(area=places["community"], submitted_at=now - timedelta(days=89))
    published(area=places["community"], submitted_at=now - timedelta(days=91))
    assert ids(client.get(URL)) == [recent.tracking_no]


def test_start_and_end_dates_select_by_submission_time(client, places):
    now = timezone.now()
    old = published(area=places["community"], submitted_at=now - timedelta(days=200))
    older = published(area=places["community"], submitted_at=now - timedelta(days=230))
    published(area=places["community"], submitted_at=now - timedelta(days=10))
    start = timezone.localtime(now - timedelta(days=240)).isoformat(timespec="seconds")
    end = timezone.localtime(now - timedelta(days=190)).isoformat(timespec="seconds")
    assert ids(client.get(URL, {"start_date": start, "end_date": end})) == [old.tracking_no, older.tracking_no]
    # start_date alone spans 90 days from it; end_date alone the 90 days before it
    assert ids(client.get(URL, {"start_date": start})) == [old.tracking_no, older.tracking_no]
    assert ids(client.get(URL, {"end_date": end})) == [old.tracking_no, older.tracking_no]


def test_an_unencoded_plus_in_a_date_offset_is_understood(client, places):
    appeal = published(area=places["community"], submitted_at=timezone.now() - timedelta(days=100))
    start = timezone.localtime(appeal.submitted_at - timedelta(hours=1)).isoformat(timespec="seconds")
    response = client.get(f"{URL}?start_date={start}")  # "+08:00" arrives as " 08:00"
    assert response.status_code == 200
    assert ids(response) == [appeal.tracking_no]


def test_a_date_only_start_is_midnight_in_the_district(client, places):
    appeal = published(area=places["community"], submitted_at=timezone.now() - timedelta(days=120))
    day = timezone.localtime(appeal.submitted_at).date()
    assert ids(client.get(URL, {"start_date": day.isoformat()})) == [appeal.tracking_no]
    assert ids(client.get(URL, {"start_date": (day + timedelta(days=1)).isoformat()})) == []


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"}, "90"),
        ({"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-02-01T00:00:00+08:00"}, "90"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_request_id": "QS-2026-000001,<script>"}, "service_request_id"),
        ({"service_request_id": "QS\x00"}, "service_request_id"),
        ({"service_code": "a" * 61}, "service_code"),
    ],
)
def test_bad_filters_are_400_in_the_error_format(client, params, fragment):
    response = client.get(URL, params)
    assert response.status_code == 400
    errors = body(response)
    assert errors and all(e["code"] == 400 for e in errors)
    assert any(fragment in e["description"] for e in errors)


def test_an_unknown_service_code_filter_is_404(client):
    response = client.get(URL, {"service_code": "nosuch.help"})
    assert response.status_code == 404
    assert body(response)[0]["code"] == 404


def test_service_request_ids_override_the_other_filters(client, places):
    old = published(area=places["community"], submitted_at=timezone.now() - timedelta(days=300))
    new = published(area=places["community"], kind=AppealKind.PRAISE)
    hidden = f.appeal(area=places["community"])
    wanted = f"{old.tracking_no.lower()}, {new.tracking_no},{hidden.tracking_no},QS-1999-000001"
    response = client.get(URL, {"service_request_id": wanted, "service_code": "bianmin.help", "status": "closed"})
    assert ids(response) == [new.tracking_no, old.tracking_no]


def test_the_list_stops_at_1000_requests_newest_first(client, places):
    now = timezone.now()
    template = f.appeal(area=places["community"])
    rows = [
        Appeal(
            tracking_no=f"QS-2026-9{n:05d}",
            kind=template.kind,
            area=template.area,
            subdistrict=template.subdistrict,
            title="t",
            content="c",
            submitter_phone="13900000000",
            consent_to_publish=True,
            publish_approved=True,
            submitted_at=now - timedelta(minutes=n),
            response_due=now,
            resolve_due=now,
        )
        for n in range(1, 1006)
    ]
    Appeal.objects.bulk_create(rows)
    listed = ids(client.get(URL, {"page_size": 1000}))
    assert len(listed) == 1000
    assert listed[0] == "QS-2026-900001" and listed[-1] == "QS-2026-901000"
    paged, pages = walk(client, URL)  # 200 a page: the same thousand, and no page after them
    assert paged == listed and pages == 5


def test_a_tracking_number_without_its_zeros_finds_the_request(client, places):
    appeal = published(area=places["compound"])
    year, number = appeal.tracking_no.split("-")[1:]
    [item] = body(client.get(f"/open311/v2/requests/qs-{year}-{int(number)}.json"))
    assert item["service_request_id"] == appeal.tracking_no
    [listed] = body(client.get("/open311/v2/requests.json", {"service_request_id": f"QS{year}{int(number)}"}))
    assert listed["service_request_id"] == appeal.tracking_no


def test_a_single_request_by_tracking_number(client, places):
    appeal = published(area=places["compound"])
    response = client.get(f"/open311/v2/requests/{appeal.tracking_no}.json")
    assert response.status_code == 200
    [item] = body(response)
    assert item["service_request_id"] == appeal.tracking_no
    # a 小区 is published as its 社区, with the 社区's centre
    assert item["address"] == "泉山区泰山街道泰山社区"
    assert item["address_id"] == "320311010001"
    assert (item["lat"], item["long"]) == (34.25, 117.18)


def test_a_request_in_a_subdistrict_without_a_centre_has_no_point(client):
    appeal = published(area=f.subdistrict("七里沟街道"))
    [item] = body(client.get(f"/open311/v2/requests/{appeal.tracking_no}.json"))
    assert item["address"] == "泉山区七里沟街道"
    assert item["address_id"] == str(appeal.area_id)
    assert item["lat"] is None and item["long"] is None


def test_a_community_without_a_centre_falls_back_to_the_subdistrict_centre(client, places):
    bare = f.community("文昌社区", parent=places["subdistrict"])
    appeal = published(area=bare)
    [item] = body(client.get(f"/open311/v2/requests/{appeal.tracking_no}.json"))
    assert item["address"] == "泉山区泰山街道文昌社区"
    assert (item["lat"], item["long"]) == (34.24, 117.17)


def test_a_subdistrict_stored_without_its_suffix_is_published_as_a_jiedao(client):
    tanan = f.community("塔南社区", parent=f.subdistrict("奎山"))
    [item] = body(client.get(f"/open311/v2/requests/{published(area=tanan).tracking_no}.json"))
    assert item["address"] == "泉山区奎山街道塔南社区"


def test_documents_stay_chinese_whatever_the_clients_language(client):
    tanan = f.community("塔南社区", parent=f.subdistrict("奎山"))
    appeal = published(area=tanan, programme=f.programme("bianmin"), kind=AppealKind.COMPLAINT)
    response = client.get(f"/open311/v2/requests/{appeal.tracking_no}.json", HTTP_ACCEPT_LANGUAGE="en-US,en")
    [item] = body(response)
    assert item["service_name"] == "便民舒心·投诉"
    assert item["address"] == "泉山区奎山街道塔南社区"
    assert response["Content-Language"] == "zh-hans"


def test_unpublished_unknown_and_malformed_ids_are_404(client, places):
    hidden = f.appeal(area=places["community"])
    for request_id in (hidden.tracking_no, "QS-2026-999999", "x" * 40, "QS%00"):
        response = client.get(f"/open311/v2/requests/{request_id}.json")
        assert response.status_code == 404, request_id
        assert body(response)[0]["code"] == 404


def test_a_single_request_in_xml_is_wrapped_in_service_requests(client, places):
    appeal = published(area=places["community"], content="路灯 & 井盖 <损坏>")
    response = client.get(f"/open311/v2/requests/{appeal.tracking_no}.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = xml(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == appeal.tracking_no
    assert request.findtext("status") == "open"
    assert request.findtext("description") == "路灯 & 井盖 <损坏>"
    assert request.findtext("lat") == "34.25"
    assert request.find("media_url") is not None and request.findtext("media_url") == ""
    assert [c.tag for c in request] == list(body(client.get(f"/open311/v2/requests/{appeal.tracking_no}.json"))[0])


def test_control_characters_never_break_the_xml(client, places):
    appeal = published(area=places["community"])
    Appeal.objects.filter(pk=appeal.pk).update(published_content="灯坏了\x01\x0b了")
    root = xml(client.get("/open311/v2/requests.xml"))
    assert root.findtext("request/description") == "灯坏了了"


def test_responses_never_contain_the_residents_personal_data(client, places):
    appeal = published(
        area=places["compound"],
        submitter_name="欧阳测试者",
        submitter_phone="13987654321",
        submitter_contact="ouyang-unique@example.org",
        location_text="矿山小区7号楼3单元502室门口",
        latitude=Decimal("34.261234"),
        longitude=Decimal("117.191234"),
        content="我家门口路灯坏了，电话 13987654321。",
    )
    appeal = resolved(appeal, reply="已联系欧阳先生 13987654321 处理完毕。")
    urls = [
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{appeal.tracking_no}.json",
        f"/open311/v2/requests/{appeal.tracking_no}.xml",
        f"/open311/v2/requests.json?service_request_id={appeal.tracking_no}",
    ]
    for url in urls:
        content = client.get(url).content.decode("utf-8")
        assert appeal.tracking_no in content
        for secret in ("欧阳测试者", "13987654321", "ouyang-unique", "7号楼3单元502", "34.261234", "117.191234"):
            assert secret not in content, (url, secret)


def test_the_list_takes_two_queries_whatever_the_volume(client, places, django_assert_max_num_queries, committing):
    communities = [places["community"], places["kangju"], places["compound"], places["subdistrict"]]
    for n in range(3):
        resolved(published(area=communities[n % 4], programme=f.programme("lvse")))
    with django_assert_max_num_queries(2):
        small = client.get(URL)
    with committing():
        for n in range(30):
            appeal = published(area=communities[n % 4], programme=f.programme("bianmin") if n % 2 else None)
            if n % 3 == 0:
                resolved(appeal)
    with django_assert_max_num_queries(2):
        large = client.get(URL)
    with django_assert_max_num_queries(2):
        client.get("/open311/v2/requests.xml", {"status": "closed", "service_code": "general.help"})
    assert len(body(small)) == 3 and len(body(large)) == 33


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("电话13987654321", "电话***********"),
        ("电话 139-8765-4321 或 139 8765 4321", "电话 ***-****-**** 或 *** **** ****"),
        ("座机0516-83801234", "座机****-********"),
        ("身份证32031119800101123X", "身份证******************"),
        ("2026-11-26 下午3号楼停电", "2026-11-26 下午*号楼停电"),
        ("120平方米，3栋502室", "120平方米，*栋***室"),
    ],
)
def test_numbers_that_identify_a_person_are_starred_in_published_text(client, places, content, shown):
    appeal = published(area=places["community"], content=content)
    assert body(client.get(f"/open311/v2/requests/{appeal.tracking_no}.json"))[0]["description"] == shown


def test_a_single_request_takes_two_queries(client, places, django_assert_max_num_queries):
    appeal = resolved(published(area=places["compound"], programme=f.programme("anquan")))
    with django_assert_max_num_queries(2):
        response = client.get(f"/open311/v2/requests/{appeal.tracking_no}.xml")
    assert response.status_code == 200


def test_responses_are_open_to_other_origins(client):
    assert client.get(URL)["Access-Control-Allow-Origin"] == "*"


def test_get_requests_are_throttled_per_ip(client, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "ip": "3/min"}
    statuses = [client.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/open311/v2/services.xml")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert xml(response).findtext("error/code") == "429"


def walk(client, url: str, params: dict | None = None) -> tuple[list[str], int]:
    """Every request reached by following `Link: rel="next"`, and how many pages it took."""
    seen, pages = [], 0
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        pages += 1
        seen += ids(response)
        link = response.get("Link")
        if not link:
            return seen, pages
        target, rel = link.split(";")
        assert rel.strip() == 'rel="next"'
        response = client.get(target.strip()[1:-1])


def test_requests_come_in_pages_that_link_to_the_next(client, places):
    made = [published(area=places["community"]) for _ in range(7)]
    newest_first = [a.tracking_no for a in sorted(made, key=lambda a: (a.submitted_at, a.pk), reverse=True)]
    first = client.get(URL, {"page_size": 3})
    assert ids(first) == newest_first[:3]
    assert "page=2" in first["Link"] and "page_size=3" in first["Link"]
    assert walk(client, URL, {"page_size": 3}) == (newest_first, 3)
    assert walk(client, URL) == (newest_first, 1)  # 200 a page by default: no Link


def test_the_default_page_size_is_a_setting_of_the_module(client, places, monkeypatch):
    from apps.open311 import forms

    monkeypatch.setattr(forms, "PAGE_SIZE", 2)
    for _ in range(3):
        published(area=places["community"])
    assert len(ids(client.get(URL))) == 2
    assert walk(client, URL)[1] == 2


@pytest.mark.parametrize(
    "params",
    [{"page_size": 1001}, {"page_size": 0}, {"page": 0}, {"page": "x"}, {"page": 6}, {"page": 2, "page_size": 1000}],
)
def test_pages_beyond_the_newest_thousand_or_odd_sizes_are_400s(client, places, params):
    published(area=places["community"])
    response = client.get(URL, params)
    assert response.status_code == 400
    [error] = body(response)
    assert error["code"] == 400 and error["description"]


def test_a_page_costs_the_same_whatever_comes_after_it(client, places, django_assert_max_num_queries):
    for _ in range(5):
        published(area=places["community"])
    with django_assert_max_num_queries(4):
        assert len(ids(client.get(URL, {"page": 2, "page_size": 2}))) == 2
