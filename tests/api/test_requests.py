from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.api.serializers import (
    AppealPrivateDetailSerializer,
    AppealPrivateSerializer,
    AppealPublicDetailSerializer,
    AppealPublicSerializer,
)
from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.models import Appeal, AppealEvent, Status
from apps.appeals.services import (
    appeal_accept,
    appeal_assign,
    appeal_resolve,
    appeal_set_publication,
    appeal_sign,
    appeal_transition,
)
from apps.places.services import area_create
from tests import factories
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = {
    "submitter_name",
    "submitter_phone",
    "submitter_contact",
    "location_text",
    "latitude",
    "longitude",
    "external_id",
    "tracking_no",
    "events",
    "contact_purged_at",
}
PERSONAL_VALUES = ["王秀英", "13912345678", "wx-wangxiuying", "3号楼2单元201室", "34.2612"]


def published(**fields) -> Appeal:
    appeal = factories.appeal(
        submitter_contact="wx-wangxiuying",
        location_text="3号楼2单元201室",
        latitude="34.261200",
        longitude="117.185400",
        **fields,
    )
    return appeal_set_publication(appeal=appeal, approved=True)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


class TestPrivacy:
    def test_the_public_serializers_declare_no_private_field(self):
        assert not PRIVATE_FIELDS & set(AppealPublicSerializer().fields)
        assert not PRIVATE_FIELDS & set(AppealPublicDetailSerializer().fields)
        assert PRIVATE_FIELDS - {"events"} <= set(AppealPrivateSerializer().fields)
        assert set(AppealPrivateDetailSerializer().fields) >= PRIVATE_FIELDS

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "?fields=submitter_name,submitter_phone",
            "?fields=__all__",
            "?expand=submitter_phone&include=location_text",
            "?format=json&private=true&view=private",
        ],
    )
    def test_personal_data_never_reaches_anonymous_clients(self, api, query):
        appeal = published()
        AppealEvent.objects.filter(appeal=appeal).update(note="内部备注：诉求人王秀英 13912345678")
        for url in ["/api/v1/requests/", f"/api/v1/requests/{appeal.pk}/", "/api/v1/requests/export.csv"]:
            response = api.get(url + query)
            assert response.status_code == 200, (url, response.content)
            text = response.content.decode("utf-8-sig")
            for value in [*PERSONAL_VALUES, "内部备注", appeal.tracking_no]:
                assert value not in text, (url, value)
        row = api.get("/api/v1/requests/").json()["results"][0]
        assert row["submitter"] == "王**"
        assert not PRIVATE_FIELDS & set(row)

    def test_filters_and_search_cannot_probe_personal_data(self, api):
        published()
        everything = ids(api.get("/api/v1/requests/"))
        assert ids(api.get("/api/v1/requests/", {"submitter_name": "nobody"})) == everything
        assert ids(api.get("/api/v1/requests/", {"submitter_phone": "000"})) == everything
        assert ids(api.get("/api/v1/requests/", {"q": "王秀英"})) == set()
        assert ids(api.get("/api/v1/requests/", {"q": "13912345678"})) == set()
        assert ids(api.get("/api/v1/requests/", {"q": "201室"})) == set()
        assert api.get("/api/v1/requests/", {"ordering": "submitter_name"}).status_code == 400

    def test_a_key_without_a_reading_scope_gets_the_public_view(self, submit_client):
        appeal = published()
        row = submit_client.get(f"/api/v1/requests/{appeal.pk}/").json()
        assert not PRIVATE_FIELDS & set(row)
        assert "13912345678" not in str(row)


class TestVisibility:
    def test_anonymous_clients_see_published_requests_only(self, api):
        shown = published()
        factories.appeal()  # consented, not approved
        factories.appeal(consent_to_publish=False)
        assert ids(api.get("/api/v1/requests/")) == {shown.pk}

    def test_a_read_private_key_sees_every_request_with_personal_data(self, private_client):
        hidden = factories.appeal(consent_to_publish=False, location_text="3号楼")
        body = private_client.get(f"/api/v1/requests/{hidden.pk}/").json()
        assert body["submitter_name"] == "王秀英" and body["submitter_phone"] == "13912345678"
        assert body["location_text"] == "3号楼" and body["tracking_no"] == hidden.tracking_no
        assert body["events"][0]["status"] == "submitted" and "note" in body["events"][0]
        assert ids(private_client.get("/api/v1/requests/")) == {hidden.pk}

    def test_a_department_key_sees_only_its_departments_requests(self, department_client, department):
        mine = factories.appeal(consent_to_publish=False)
        appeal_accept(appeal=mine)
        appeal_assign(appeal=mine, department=department)
        other = published()
        assert ids(department_client.get("/api/v1/requests/")) == {mine.pk}
        assert department_client.get(f"/api/v1/requests/{other.pk}/").status_code == 404
        body = department_client.get(f"/api/v1/requests/{mine.pk}/").json()
        assert body["submitter_phone"] == "13912345678"

    def test_the_detail_shows_the_public_timeline_without_notes(self, api):
        appeal = published()
        appeal_accept(appeal=appeal, note="内部：先电话核实")
        body = api.get(f"/api/v1/requests/{appeal.pk}/").json()
        assert [step["status"] for step in body["timeline"]] == ["submitted", "accepted"]
        assert "先电话核实" not in str(body)


class TestFilters:
    def test_by_status_type_programme_and_department(self, api):
        dept = factories.department()
        a = published(kind="complaint", programme=factories.programme("anquan"))
        b = published(kind="help")
        appeal_accept(appeal=b)
        appeal_assign(appeal=b, department=dept)
        assert ids(api.get("/api/v1/requests/", {"type": "complaint"})) == {a.pk}
        assert ids(api.get("/api/v1/requests/", {"programme": "anquan"})) == {a.pk}
        assert ids(api.get("/api/v1/requests/", {"status": "assigned"})) == {b.pk}
        assert ids(api.get("/api/v1/requests/?status=assigned&status=submitted")) == {a.pk, b.pk}
        assert ids(api.get("/api/v1/requests/", {"department": dept.pk})) == {b.pk}
        assert "status" in api.get("/api/v1/requests/", {"status": "lost"}).json()["error"]["fields"]
        assert "type" in api.get("/api/v1/requests/", {"type": "rant"}).json()["error"]["fields"]

    def test_by_area_including_everything_under_a_subdistrict(self, api):
        kuishan = factories.subdistrict("奎山街道")
        kuiyuan = factories.community("奎园社区", parent=kuishan)
        compound = area_create(name="奎园小区", level=4, parent=kuiyuan)
        on_subdistrict = published(area=kuishan)
        on_community = published(area=kuiyuan)
        on_compound = published(area=compound)
        published(area=factories.community(parent=factories.subdistrict("泰山街道")))
        assert ids(api.get("/api/v1/requests/", {"area": kuishan.pk})) == {
            on_subdistrict.pk,
            on_community.pk,
            on_compound.pk,
        }
        assert ids(api.get("/api/v1/requests/", {"area": kuiyuan.pk})) == {on_community.pk, on_compound.pk}
        assert len(ids(api.get("/api/v1/requests/", {"area": factories.district().pk}))) == 4

    def test_by_year_time_and_text(self, api):
        now = timezone.now()
        old = published(title="路灯不亮", submitted_at=now - timedelta(days=400))
        new = published(title="垃圾清运")
        assert ids(api.get("/api/v1/requests/", {"year": timezone.localtime(now).year})) == {new.pk}
        since = (now - timedelta(days=1)).isoformat()
        assert ids(api.get("/api/v1/requests/", {"submitted_since": since})) == {new.pk}
        assert ids(api.get("/api/v1/requests/", {"submitted_before": since})) == {old.pk}
        Appeal.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=30))
        assert ids(api.get("/api/v1/requests/", {"updated_since": since})) == {new.pk}
        assert ids(api.get("/api/v1/requests/", {"q": "路灯"})) == {old.pk}
        ordered = api.get("/api/v1/requests/", {"ordering": "submitted_at"}).json()["results"]
        assert [row["id"] for row in ordered] == [old.pk, new.pk]


class TestSubmitting:
    def body(self, area, **extra) -> dict:
        return {
            "external_id": "12345-2026-0001",
            "type": "complaint",
            "area": area.pk,
            "programme": "anquan",
            "title": "楼道堆放杂物",
            "content": "5号楼楼道长期堆放杂物，存在消防隐患。",
            "submitter_name": "李四",
            "submitter_phone": "13800001111",
            **extra,
        }

    def test_the_first_push_creates_and_a_repeat_returns_the_same_request(self, submit_client, submit_key):
        area = factories.community()
        first = submit_client.post("/api/v1/requests/", self.body(area), format="json")
        assert first.status_code == 201, first.content
        again = submit_client.post("/api/v1/requests/", self.body(area), format="json")
        assert again.status_code == 200
        assert again.json() == first.json()
        appeal = Appeal.objects.get()
        assert appeal.channel == "hotline" and appeal.external_id == "12345-2026-0001"
        assert appeal.events.get().actor_label == submit_key[0].name
        assert first.json()["tracking_no"] == appeal.tracking_no
        assert "13800001111" not in first.content.decode()

    def test_the_same_external_id_on_another_channel_is_another_request(self, submit_client):
        area = factories.community()
        _key, raw = api_key_create(name="微信", scope=ApiScope.SUBMIT, channel="wechat")
        assert submit_client.post("/api/v1/requests/", self.body(area), format="json").status_code == 201
        assert keyed_client(raw).post("/api/v1/requests/", self.body(area), format="json").status_code == 201
        assert Appeal.objects.count() == 2

    def test_bad_input_is_a_400_naming_each_field(self, submit_client):
        body = {"type": "rant", "area": 999999, "title": "", "programme": "nope", "latitude": 91}
        response = submit_client.post("/api/v1/requests/", body, format="json")
        assert response.status_code == 400
        fields = response.json()["error"]["fields"]
        assert {"external_id", "type", "area", "title", "content", "programme", "latitude"} <= set(fields)
        assert not Appeal.objects.exists()

    def test_refused_submissions_count_against_the_keys_limit_like_accepted_ones(self, submit_client, settings):
        settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "api_key": "3/min"}
        area = factories.community()
        refused = [submit_client.post("/api/v1/requests/", {"type": "rant"}, format="json") for _ in range(2)]
        assert [r.status_code for r in refused] == [400, 400]
        assert submit_client.post("/api/v1/requests/", self.body(area), format="json").status_code == 201
        response = submit_client.post("/api/v1/requests/", self.body(area, external_id="x-2"), format="json")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "throttled"
        assert Appeal.objects.count() == 1

    def test_the_services_rules_come_back_as_field_errors(self, private_key):
        _key, raw = api_key_create(name="网站", scope=ApiScope.SUBMIT)  # channel api: contact needed
        area = factories.community()
        body = self.body(area, submitter_phone="")
        response = keyed_client(raw).post("/api/v1/requests/", body, format="json")
        assert response.status_code == 400
        assert "submitter_phone" in response.json()["error"]["fields"]
        district = factories.district()
        response = keyed_client(raw).post("/api/v1/requests/", self.body(district), format="json")
        assert "area" in response.json()["error"]["fields"]

    def test_a_submission_time_in_the_future_is_refused(self, submit_client):
        tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
        response = submit_client.post(
            "/api/v1/requests/", self.body(factories.community(), submitted_at=tomorrow), format="json"
        )
        assert "submitted_at" in response.json()["error"]["fields"]

    def test_only_submit_keys_may_submit(self, api, private_client, department_client):
        body = self.body(factories.community())
        assert api.post("/api/v1/requests/", body, format="json").status_code == 401
        assert private_client.post("/api/v1/requests/", body, format="json").status_code == 403
        assert department_client.post("/api/v1/requests/", body, format="json").status_code == 403
        assert not Appeal.objects.exists()


class TestTransitions:
    @pytest.fixture
    def assigned(self, department) -> Appeal:
        appeal = factories.appeal(consent_to_publish=False)
        appeal_accept(appeal=appeal)
        return appeal_assign(appeal=appeal, department=department)

    def url(self, appeal) -> str:
        return f"/api/v1/requests/{appeal.pk}/transitions/"

    def test_a_department_signs_and_resolves_its_request(self, department_client, assigned, department):
        response = department_client.post(self.url(assigned), {"action": "sign", "note": "已联系物业"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "in_progress"
        response = department_client.post(
            self.url(assigned), {"action": "resolve", "reply": "已更换楼道灯。"}, format="json"
        )
        assert response.json()["status"] == "resolved"
        assigned.refresh_from_db()
        assert assigned.status == Status.RESOLVED and assigned.public_reply == "已更换楼道灯。"
        event = assigned.events.get(action="sign")
        assert event.actor_label == department.name and event.note == "已联系物业"

    def test_a_request_reassigned_meanwhile_is_refused_on_the_locked_row(self, department_key, assigned):
        # The view's first read saw our department; by the time the step runs, the request was
        # returned and given to another one. The service re-checks the key's scope on the row.
        from django.core.exceptions import PermissionDenied

        appeal_transition(appeal=assigned, action="return", reason="wrong_function")
        appeal_transition(appeal=assigned, action="assign", department=factories.department(name="区民政局"))
        with pytest.raises(PermissionDenied):
            appeal_transition(appeal=assigned.pk, action="sign", scope=department_key[0].appeal_scope)
        assigned.refresh_from_db()
        assert assigned.status == Status.ASSIGNED

    def test_a_step_the_status_does_not_allow_is_a_409_with_a_message(self, department_client, assigned):
        response = department_client.post(self.url(assigned), {"action": "resolve", "reply": "x"}, format="json")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "conflict" and "不能执行“办结”" in error["message"]
        assigned.refresh_from_db()
        assert assigned.status == Status.ASSIGNED

    def test_a_step_repeated_is_a_409(self, department_client, assigned):
        assert department_client.post(self.url(assigned), {"action": "sign"}, format="json").status_code == 200
        assert department_client.post(self.url(assigned), {"action": "sign"}, format="json").status_code == 409

    def test_missing_step_details_are_a_400(self, department_client, assigned):
        response = department_client.post(self.url(assigned), {"action": "return"}, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()["error"]["fields"]
        response = department_client.post(self.url(assigned), {"action": "fly"}, format="json")
        assert "action" in response.json()["error"]["fields"]

    def test_returning_hands_the_request_back(self, department_client, assigned):
        response = department_client.post(
            self.url(assigned),
            {"action": "return", "reason": "wrong_function", "note": "不属本单位职能"},
            format="json",
        )
        assert response.status_code == 200
        assigned.refresh_from_db()
        assert assigned.status == Status.RETURNED and assigned.department is None

    def test_a_department_cannot_rate_or_dispatch(self, department_client, assigned):
        appeal_sign(appeal=assigned)
        appeal_resolve(appeal=assigned, reply="已处理")
        response = department_client.post(self.url(assigned), {"action": "rate", "rating": "satisfied"}, format="json")
        assert response.status_code == 403
        assigned.refresh_from_db()
        assert assigned.rating == ""

    def test_another_departments_request_is_403_if_published_else_404(self, department_client):
        other_dept = factories.department()
        hidden = factories.appeal(consent_to_publish=False)
        appeal_accept(appeal=hidden)
        appeal_assign(appeal=hidden, department=other_dept)
        assert department_client.post(self.url(hidden), {"action": "sign"}, format="json").status_code == 404
        shown = published()
        appeal_accept(appeal=shown)
        appeal_assign(appeal=shown, department=other_dept)
        assert department_client.post(self.url(shown), {"action": "sign"}, format="json").status_code == 403
        assert (
            department_client.post(
                "/api/v1/requests/999999/transitions/", {"action": "sign"}, format="json"
            ).status_code
            == 404
        )

    def test_other_scopes_cannot_move_requests(self, api, private_client, submit_client, assigned):
        for client, status in [(api, 401), (private_client, 403), (submit_client, 403)]:
            assert client.post(self.url(assigned), {"action": "sign"}, format="json").status_code == status
        assigned.refresh_from_db()
        assert assigned.status == Status.ASSIGNED
