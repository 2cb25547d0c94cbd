from __future__ import annotations

from decimal import Decimal

import pytest

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create, api_key_revoke
from apps.appeals.models import Appeal, AppealEvent, Channel, Status
from tests import factories as f
from tests.open311.helpers import body, xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


def post(client, key: str | None, **fields):
    data = {"service_code": "bianmin.complaint", "description": "小区门口的路灯坏了一周。晚上出行不便。"}
    data.update(fields)
    if key is not None:
        data["api_key"] = key
    return client.post(URL, data)


def test_a_post_with_a_submit_key_creates_a_request_through_the_submit_service(client, places, submit_key):
    response = post(
        client,
        submit_key,
        address_id="320311010001",
        first_name="秀英",
        last_name="王",
        phone="13912345678",
        email="wang@example.org",
    )
    assert response.status_code == 200
    [created] = body(response)
    appeal = Appeal.objects.get(tracking_no=created["service_request_id"])
    assert created == {
        "service_request_id": appeal.tracking_no,
        "service_notice": "诉求将在24小时内响应，15个工作日内办结。",
        "account_id": None,
    }
    assert appeal.tracking_no.startswith("QS-")
    assert appeal.kind == "complaint" and appeal.programme_id == "bianmin"
    assert appeal.area == places["community"] and appeal.subdistrict == places["subdistrict"]
    assert appeal.title == "小区门口的路灯坏了一周"
    assert appeal.content == "小区门口的路灯坏了一周。晚上出行不便。"
    assert appeal.submitter_name == "王秀英"
    assert appeal.submitter_phone == "13912345678"
    assert appeal.submitter_contact == "wang@example.org"
    assert appeal.channel == Channel.API
    assert appeal.status == Status.SUBMITTED
    assert appeal.consent_to_publish is False and appeal.publish_approved is False
    event = AppealEvent.objects.get(appeal=appeal)
    assert event.action == "submit" and event.actor_label == "12345 热线平台（Open311）"


def test_the_created_request_is_recorded_under_the_keys_channel(client, places):
    _key, raw = api_key_create(name="12345 平台", scope=ApiScope.SUBMIT, channel=Channel.HOTLINE)
    response = post(client, raw, address_id="320311010001")  # the hotline may leave no contact
    appeal = Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"])
    assert appeal.channel == Channel.HOTLINE


def test_a_post_in_xml_answers_with_service_requests(client, places, submit_key):
    response = client.post(
        "/open311/v2/requests.xml",
        {
            "api_key": submit_key,
            "service_code": "general.suggestion",
            "description": "建议在社区增设休息座椅",
            "address_id": str(places["kangju"].pk),
            "phone": "13800001111",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = xml(response)
    assert root.tag == "service_requests"
    tracking_no = root.findtext("request/service_request_id")
    assert root.findtext("request/service_notice")
    assert root.find("request/account_id") is not None
    appeal = Appeal.objects.get(tracking_no=tracking_no)
    assert appeal.programme is None and appeal.kind == "suggestion" and appeal.area == places["kangju"]


def test_attributes_set_title_consent_and_area(client, places, submit_key):
    response = post(
        client,
        submit_key,
        phone="13800001111",
        **{
            "attribute[area]": "320311010002",
            "attribute[title]": "康居社区路灯",
            "attribute[consent_to_publish]": "true",
        },
    )
    appeal = Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"])
    assert appeal.area == places["kangju"]
    assert appeal.title == "康居社区路灯"
    assert appeal.consent_to_publish is True
    assert appeal.publish_approved is False


def test_a_long_first_sentence_is_shortened_for_the_title(client, places, submit_key):
    description = "因为" + "很长" * 40 + "。第二句。"
    response = post(client, submit_key, phone="13800001111", address_id="320311010001", description=description)
    appeal = Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"])
    assert len(appeal.title) == 30 and appeal.title.endswith("…")
    assert appeal.content == description


def test_latin_names_keep_the_given_name_first(client, places, submit_key):
    response = post(
        client, submit_key, phone="13800001111", address_id="320311010001", first_name="Anna", last_name="Li"
    )
    assert Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"]).submitter_name == "Anna Li"


def test_a_point_is_placed_in_the_nearest_area_and_kept_private(client, places, submit_key):
    response = post(client, submit_key, phone="13800001111", lat="34.2299", long="117.1601")
    appeal = Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"])
    assert appeal.area == places["kangju"]
    assert (appeal.latitude, appeal.longitude) == (Decimal("34.229900"), Decimal("117.160100"))


def test_a_point_far_from_the_district_is_refused(client, places, submit_key):
    response = post(client, submit_key, phone="13800001111", lat="39.9", long="116.4")
    assert response.status_code == 400
    assert "lat/long" in body(response)[0]["description"]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("泰山街道泰山社区矿山小区5号楼", "compound"),
        ("徐州市泉山区康居社区12栋", "kangju"),
        ("泰山街道某路口", "subdistrict"),
        ("泰山 康居 北门", "kangju"),
    ],
)
def test_an_address_string_is_matched_to_the_most_specific_named_area(client, places, submit_key, address, expected):
    response = post(client, submit_key, phone="13800001111", address_string=address)
    assert response.status_code == 200, body(response)
    appeal = Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"])
    assert appeal.area == places[expected]
    assert appeal.location_text == address


def test_an_address_string_naming_no_area_is_refused(client, places, submit_key):
    response = post(client, submit_key, phone="13800001111", address_string="北京市朝阳区")
    assert response.status_code == 400
    assert "address_string" in body(response)[0]["description"]


def test_an_address_string_naming_a_community_two_subdistricts_share_is_refused(client, places, submit_key):
    f.community("东村社区", parent=places["subdistrict"])
    f.community("东村社区", parent=f.subdistrict("桃园街道"))
    response = post(client, submit_key, phone="13800001111", address_string="东村社区3号楼")
    assert response.status_code == 400
    response = post(client, submit_key, phone="13800001111", address_string="桃园街道东村社区3号楼")
    appeal = Appeal.objects.get(tracking_no=body(response)[0]["service_request_id"])
    assert appeal.area.parent.name == "桃园街道"


def test_an_external_id_makes_the_post_idempotent(client, places, submit_key):
    fields = {"phone": "13800001111", "address_id": "320311010001", "attribute[external_id]": "12345-2026-0042"}
    first = body(post(client, submit_key, **fields))[0]["service_request_id"]
    second = body(post(client, submit_key, **fields))[0]["service_request_id"]
    assert first == second
    appeal = Appeal.objects.get()
    assert appeal.external_id == "12345-2026-0042" and appeal.tracking_no == first


@pytest.mark.parametrize("key", [None, "", "qs_nothere.secret", "not-a-key", "qs_\x00abc.x"])
def test_a_missing_or_invalid_api_key_is_403(client, places, key):
    response = post(client, key, phone="13800001111", address_id="320311010001")
    assert response.status_code == 403
    [error] = body(response)
    assert error["code"] == 403 and "api_key" in error["description"]
    assert not Appeal.objects.exists()


def test_a_revoked_key_is_403(client, places):
    api_key, raw = api_key_create(name="旧平台", scope=ApiScope.SUBMIT)
    api_key_revoke(api_key=api_key)
    assert post(client, raw, phone="13800001111", address_id="320311010001").status_code == 403


@pytest.mark.parametrize("scope", [ApiScope.READ_PRIVATE, ApiScope.DEPARTMENT])
def test_keys_without_the_submit_scope_are_403(client, places, scope):
    department = f.department() if scope == ApiScope.DEPARTMENT else None
    _key, raw = api_key_create(name="其他系统", scope=scope, department=department)
    response = post(client, raw, phone="13800001111", address_id="320311010001")
    assert response.status_code == 403
    assert "提交诉求" in body(response)[0]["description"]


def test_an_api_key_in_xml_errors_is_an_errors_document(client):
    response = client.post("/open311/v2/requests.xml", {"service_code": "bianmin.help"})
    assert response.status_code == 403
    root = xml(response)
    assert root.tag == "errors" and root.findtext("error/code") == "403"


def test_an_unknown_service_code_is_404(client, places, submit_key):
    response = post(client, submit_key, service_code="nosuch.help", phone="13800001111", address_id="320311010001")
    assert response.status_code == 404
    assert "service_code" in body(response)[0]["description"]


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"service_code": ""}, "service_code"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "长" * 5001}, "description"),
        ({"address_id": ""}, "位置"),
        ({"address_id": "999999999999"}, "address_id"),
        ({"address_id": "12ab"}, "address_id"),
        ({"address_id": "320311000000"}, "area"),  # the district itself
        ({"lat": "34.25"}, "long"),
        ({"lat": "north", "long": "117.1"}, "lat"),
        ({"lat": "91", "long": "117.1"}, "lat"),
        ({"lat": "nan", "long": "inf"}, "lat"),
        ({"phone": "call me"}, "submitter_phone"),
        ({"phone": ""}, "submitter_phone"),
        ({"email": "not-an-email"}, "email"),
        ({"first_name": "名" * 31}, "first_name"),
        ({"first_name": "名" * 20, "last_name": "姓" * 20}, "submitter_name"),
        ({"attribute[consent_to_publish]": "maybe"}, "attribute[consent_to_publish]"),
        ({"attribute[external_id]": "x" * 65}, "attribute[external_id]"),
        ({"attribute[title]": "标" * 101}, "attribute[title]"),
        ({"description": "灯\x00坏了"}, "description"),
    ],
)
def test_bad_input_is_400_with_a_message_naming_the_field(client, places, submit_key, fields, fragment):
    data = {"phone": "13800001111", "address_id": "320311010001", **fields}
    response = post(client, submit_key, **data)
    assert response.status_code == 400, response.content
    errors = body(response)
    assert all(e["code"] == 400 for e in errors)
    assert any(fragment in e["description"] for e in errors), errors
    assert not Appeal.objects.exists()


def test_an_invalid_coordinate_is_reported_once(client, places, submit_key):
    response = post(client, submit_key, phone="13800001111", lat="91", long="117.1")
    assert [e["description"].split(":")[0] for e in body(response)] == ["lat"]


def test_posts_are_throttled_per_key(client, places, submit_key, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "api_key": "2/min"}
    statuses = [post(client, submit_key, phone="13800001111", address_id="320311010001").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Appeal.objects.count() == 2


def test_refused_posts_count_against_the_keys_limit_like_accepted_ones(client, places, submit_key, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "api_key": "3/min"}
    refused = [post(client, submit_key, phone="13800001111", lat="91", long="117.1") for _ in range(2)]
    assert [r.status_code for r in refused] == [400, 400]
    statuses = [post(client, submit_key, phone="13800001111", address_id="320311010001").status_code for _ in range(2)]
    assert statuses == [200, 429]
    assert Appeal.objects.count() == 1


def test_guessing_keys_is_throttled_per_ip(client, places, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "ip": "2/min"}
    statuses = [post(client, f"qs_guess{n}.x", address_id="320311010001").status_code for n in range(3)]
    assert statuses == [403, 403, 429]


def test_a_json_body_is_not_a_form_and_is_refused_cleanly(client, submit_key):
    response = client.post(URL, data='{"service_code": "bianmin.help"}', content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize("header", ["HTTP_X_API_KEY", "HTTP_AUTHORIZATION"])
def test_the_key_may_also_come_in_a_header(client, places, submit_key, header):
    value = submit_key if header == "HTTP_X_API_KEY" else f"Api-Key {submit_key}"
    response = client.post(
        URL,
        {
            "service_code": "bianmin.help",
            "description": "楼道灯不亮",
            "address_id": "320311010001",
            "phone": "13800001111",
        },
        **{header: value},
    )
    assert response.status_code == 200
    assert Appeal.objects.get().tracking_no == body(response)[0]["service_request_id"]


@pytest.mark.parametrize("path", [URL, "/open311/v2/requests.xml"])
def test_a_key_in_the_url_of_a_post_is_refused_with_a_400_even_beside_a_good_one(client, places, submit_key, path):
    fields = {"api_key": submit_key, "service_code": "bianmin.help", "description": "楼道灯不亮"}
    response = client.post(
        f"{path}?api_key={submit_key}", {**fields, "address_id": "320311010001", "phone": "13800001111"}
    )
    assert response.status_code == 400
    if path.endswith(".xml"):
        root = xml(response)
        assert root.findtext("error/code") == "400"
        description = root.findtext("error/description")
    else:
        [error] = body(response)
        assert error["code"] == 400
        description = error["description"]
    assert description.startswith("api_key:") and "网址" in description and "X-API-Key" in description
    assert not Appeal.objects.exists()
