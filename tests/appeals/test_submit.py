from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from apps.appeals.models import Appeal, Channel
from apps.appeals.selectors import appeal_for_tracking
from apps.appeals.services import appeal_purge_contacts, appeal_submit, appeal_submit_idempotent, deadlines_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_tracking_numbers_are_sequential_per_year_and_human_readable():
    first, second = f.appeal(), f.appeal()
    year = timezone.localdate().year
    assert first.tracking_no == f"QS-{year}-000001"
    assert second.tracking_no == f"QS-{year}-000002"


def test_a_request_knows_its_subdistrict_and_deadlines():
    street = f.subdistrict("奎山")
    appeal = f.appeal(area=f.community("奎园", parent=street), kind="complaint")
    assert appeal.subdistrict == street
    response_due, resolve_due = deadlines_for(kind="complaint", submitted_at=appeal.submitted_at)
    assert (appeal.response_due, appeal.resolve_due) == (response_due, resolve_due)


def test_deadlines_count_working_days_and_skip_weekends(settings):
    tz = timezone.get_current_timezone()
    friday = timezone.make_aware(datetime(2026, 11, 20, 10, 0), tz)
    response_due, resolve_due = deadlines_for(kind="inquiry", submitted_at=friday)
    assert response_due == timezone.make_aware(datetime(2026, 11, 21, 10, 0), tz)
    # 咨询: 2 working days after Friday is Tuesday.
    assert timezone.localtime(resolve_due).date().isoformat() == "2026-11-24"
    settings.HOLIDAYS = ["2026-11-23"]
    _, resolve_due = deadlines_for(kind="inquiry", submitted_at=friday)
    assert timezone.localtime(resolve_due).date().isoformat() == "2026-11-25"


def test_a_community_outside_the_chosen_subdistrict_is_refused():
    kuishan, taishan = f.subdistrict("奎山"), f.subdistrict("泰山")
    with pytest.raises(ValidationError) as error:
        f.appeal(area=f.community("康居", parent=taishan), subdistrict=kuishan)
    assert "不属于" in error.value.message_dict["area"][0]
    assert not Appeal.objects.exists()


def test_a_request_without_any_way_to_reach_the_resident_is_refused():
    with pytest.raises(ValidationError) as error:
        f.appeal(submitter_phone="", submitter_contact="")
    assert "联系方式" in error.value.message_dict["submitter_phone"][0]


def test_a_hotline_request_may_come_without_contact_details():
    appeal = f.appeal(submitter_phone="", channel=Channel.HOTLINE)
    assert appeal.pk


def test_a_bad_phone_number_is_refused_with_a_message():
    with pytest.raises(ValidationError) as error:
        f.appeal(submitter_phone="call me")
    assert "电话" in error.value.message_dict["submitter_phone"][0]


def test_more_than_three_photos_are_refused():
    with pytest.raises(ValidationError):
        f.appeal(photos=[f.jpeg_with_gps(f"{i}.jpg") for i in range(4)])


def test_uploaded_photos_lose_their_exif_and_gps_data():
    upload = f.jpeg_with_gps()
    assert Image.open(upload).getexif().get_ifd(0x8825), "the fixture must carry GPS data"
    upload.seek(0)

    appeal = f.appeal(photos=[upload])

    stored = Image.open(appeal.photos.get().image.path)
    assert dict(stored.getexif()) == {}
    assert not stored.getexif().get_ifd(0x8825)
    assert stored.size == (64, 48)


def test_a_file_that_is_not_an_image_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as error:
        f.appeal(photos=[SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")])
    assert "图片" in error.value.messages[0]


def test_pushing_the_same_external_id_twice_creates_one_request():
    area = f.community()
    fields = dict(kind="help", area=area, title="路灯不亮", content="小区门口路灯不亮", submitter_phone="13800000000")
    first, created = appeal_submit_idempotent(channel=Channel.HOTLINE, external_id="12345-0001", **fields)
    again, created_again = appeal_submit_idempotent(channel=Channel.HOTLINE, external_id="12345-0001", **fields)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Appeal.objects.count() == 1


def test_tracking_needs_the_number_and_the_last_four_phone_digits():
    appeal = f.appeal(submitter_phone="13912345678")
    assert appeal_for_tracking(tracking_no=appeal.tracking_no, phone_last4="5678") == appeal
    assert appeal_for_tracking(tracking_no=appeal.tracking_no.lower(), phone_last4="5678") == appeal
    assert appeal_for_tracking(tracking_no=appeal.tracking_no, phone_last4="0000") is None
    assert appeal_for_tracking(tracking_no="QS-2000-000001", phone_last4="5678") is None
    assert appeal_for_tracking(tracking_no=appeal.tracking_no, phone_last4="") is None


def test_contact_details_of_long_closed_requests_are_purged():
    old = f.appeal_in("closed")
    recent = f.appeal_in("closed")
    Appeal.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timezone.timedelta(days=800))

    assert appeal_purge_contacts(older_than_days=730) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.submitter_name, old.submitter_phone, old.submitter_contact) == ("", "", "")
    assert old.contact_purged_at is not None
    assert recent.submitter_phone == "13912345678"


def test_history_never_keeps_personal_data():
    appeal = f.appeal(submitter_name="独一无二", submitter_phone="13700001111")
    appeal.title = "改了标题"
    appeal.save()
    fields = {field.name for field in Appeal.history.model._meta.get_fields()}
    assert not {"submitter_name", "submitter_phone", "submitter_contact"} & fields


def test_masked_names_show_only_the_family_name():
    assert f.appeal(submitter_name="张三").masked_name == "张*"
    assert f.appeal(submitter_name="欧阳娜娜").masked_name == "欧***"
    assert f.appeal(submitter_name="").masked_name == "匿名"


def test_publication_needs_the_residents_consent():
    from apps.appeals.services import appeal_set_publication

    no_consent = f.appeal(consent_to_publish=False)
    with pytest.raises(ValidationError):
        appeal_set_publication(appeal=no_consent, approved=True)
    consented = f.appeal(consent_to_publish=True)
    appeal_set_publication(appeal=consented, approved=True)
    assert list(Appeal.objects.published()) == [consented]


def test_submission_through_the_service_starts_the_event_log():
    appeal = appeal_submit(
        kind="suggestion",
        area=f.community(),
        title="建议增设休息座椅",
        content="公园里座椅太少",
        submitter_phone="13600000000",
    )
    event = appeal.events.get()
    assert (event.action, event.from_status, event.to_status) == ("submit", "", "submitted")


def test_a_resolved_request_never_rated_is_purged_too_with_the_place_the_resident_gave():
    old = f.appeal_in("resolved", location_text="纺织厂新村9号楼3单元", latitude=34.25, longitude=117.18)
    old.title = "楼道灯坏了（已核实）"
    old.save()  # a history row that also holds the place
    Appeal.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timezone.timedelta(days=800))
    open_one = f.appeal(location_text="和平路12号")

    assert appeal_purge_contacts(older_than_days=730) == 1

    old.refresh_from_db()
    assert (old.submitter_phone, old.location_text, old.latitude, old.longitude) == ("", "", None, None)
    assert not old.history.exclude(location_text="").exists()
    assert not old.history.filter(latitude__isnull=False).exists()
    open_one.refresh_from_db()
    assert open_one.location_text == "和平路12号"


@pytest.mark.parametrize(
    "submitted_at",
    [timezone.now() + timedelta(days=1), timezone.make_aware(datetime(1999, 12, 31, 23, 0))],
    ids=["tomorrow", "1999"],
)
def test_a_time_received_in_the_future_or_before_2000_is_refused_whatever_the_channel(submitted_at):
    with pytest.raises(ValidationError) as refused:
        f.appeal(channel=Channel.HOTLINE, submitted_at=submitted_at)
    assert list(refused.value.message_dict) == ["submitted_at"]
    assert not Appeal.objects.exists()


def test_a_time_received_a_few_minutes_ahead_of_our_clock_is_taken_as_given():
    ahead = timezone.now() + timedelta(minutes=3)
    assert f.appeal(channel=Channel.HOTLINE, submitted_at=ahead).submitted_at == ahead
