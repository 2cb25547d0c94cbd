from __future__ import annotations

import pytest
from django.urls import reverse
from PIL import Image

from apps.appeals.models import Appeal, AppealKind, Channel, Status
from tests import factories as f
from tests.public.helpers import areas, form_data, png

pytestmark = pytest.mark.django_db

URL = "/requests/new/"


def test_the_form_offers_subdistricts_and_communities_grouped_by_subdistrict(client):
    _taishan, taishan_c, _kuishan, _kuishan_c = areas()
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="泰山街道" lang="zh-CN">' in html
    assert '<optgroup label="奎山街道" lang="zh-CN">' in html
    assert html.index('<optgroup label="泰山街道" lang="zh-CN">') < html.index(f'value="{taishan_c.pk}"')
    assert 'name="subdistrict"' in html
    assert 'enctype="multipart/form-data"' in html


def test_consent_to_publish_is_unchecked_by_default(client):
    areas()
    html = client.get(URL).content.decode()
    checkbox = html[html.index('name="consent_to_publish"') - 80 : html.index('name="consent_to_publish"') + 80]
    assert "checked" not in checkbox


def test_the_form_explains_that_name_and_phone_stay_private(client):
    areas()
    html = client.get(URL).content.decode()
    assert "不会在网站上公开" in html


def test_a_programme_in_the_query_string_is_preselected(client):
    areas()
    html = client.get(URL, {"programme": "lvse"}).content.decode()
    assert '<option value="lvse" selected>' in html


def test_a_valid_request_is_submitted_and_its_tracking_number_shown(client):
    taishan, taishan_c, *_ = areas()
    response = client.post(URL, form_data(taishan, taishan_c, consent_to_publish="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:request_submitted")
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WEB
    assert appeal.kind == AppealKind.HELP
    assert appeal.area == taishan_c
    assert appeal.subdistrict == taishan
    assert appeal.programme_id == "bianmin"
    assert appeal.submitter_phone == "13912345678"
    assert appeal.consent_to_publish is True
    assert appeal.publish_approved is False
    assert appeal.status == Status.SUBMITTED
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert appeal.tracking_no in done.content.decode()
    assert "data-tracking-no" in done.content.decode()


def test_without_consent_the_request_is_not_publishable(client):
    taishan, *_ = areas()
    client.post(URL, form_data(taishan))
    assert Appeal.objects.get().consent_to_publish is False


def test_a_request_without_community_belongs_to_the_subdistrict(client):
    taishan, *_ = areas()
    client.post(URL, form_data(taishan))
    appeal = Appeal.objects.get()
    assert appeal.area == taishan
    assert appeal.subdistrict == taishan


def test_photos_are_stored_without_their_gps_data(client):
    taishan, taishan_c, *_ = areas()
    data = form_data(taishan, taishan_c, photos=[f.jpeg_with_gps("a.jpg"), png("b.png")])
    response = client.post(URL, data)
    assert response.status_code == 302
    photos = list(Appeal.objects.get().photos.all())
    assert len(photos) == 2
    with Image.open(photos[0].image.path) as image:
        exif = image.getexif()
        assert 0x8825 not in exif  # GPS IFD
        assert not exif


def test_more_than_three_photos_are_refused_and_the_text_kept(client):
    taishan, *_ = areas()
    data = form_data(taishan, photos=[png(f"{i}.png") for i in range(4)])
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "最多上传 3 张照片" in html
    assert "楼道灯坏了" in html
    assert "请重新选择" in html
    assert not Appeal.objects.exists()


def test_a_file_that_is_not_an_image_gets_a_chinese_message(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    taishan, *_ = areas()
    bad = SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(URL, form_data(taishan, photos=[bad]))
    assert response.status_code == 200
    assert "无法识别的图片文件" in response.content.decode()
    assert not Appeal.objects.exists()


def test_missing_fields_get_chinese_messages_and_typed_text_is_kept(client):
    taishan, *_ = areas()
    data = form_data(taishan, title="", submitter_phone="", content="路灯不亮，请尽快修理")
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写标题。" in html
    assert "请填写手机号码" in html
    assert "路灯不亮，请尽快修理" in html
    assert 'aria-invalid="true"' in html
    assert not Appeal.objects.exists()


def test_a_wrong_phone_number_is_refused(client):
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan, submitter_phone="12ab"))
    assert "请填写正确的电话号码" in response.content.decode()
    assert not Appeal.objects.exists()


def test_full_width_digits_in_the_phone_are_understood(client):
    taishan, *_ = areas()
    client.post(URL, form_data(taishan, submitter_phone="１３９１２３４５６７８"))
    assert Appeal.objects.get().submitter_phone == "13912345678"


def test_a_community_of_another_subdistrict_is_refused_on_the_community_field(client):
    taishan, _taishan_c, _kuishan, kuishan_c = areas()
    response = client.post(URL, form_data(taishan, kuishan_c))
    assert response.status_code == 200
    html = response.content.decode()
    assert "不属于泰山街道" in html
    assert 'id="id_community_error"' in html
    assert not Appeal.objects.exists()


def test_an_unknown_area_is_refused(client):
    taishan, *_ = areas()
    data = form_data(taishan)
    data["subdistrict"] = "999999"
    response = client.post(URL, data)
    assert "请从列表中选择街道" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_filled_honeypot_is_refused(client):
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan, website="http://spam.example"))
    assert response.status_code == 200
    assert "提交未成功" in response.content.decode()
    assert not Appeal.objects.exists()


def test_one_address_may_submit_only_a_few_requests_in_a_short_time(client, settings):
    settings.PUBLIC_SUBMIT_LIMIT = 2
    taishan, *_ = areas()
    for _ in range(2):
        assert client.post(URL, form_data(taishan)).status_code == 302
    response = client.post(URL, form_data(taishan, title="第三条诉求"))
    assert response.status_code == 429
    assert response["Retry-After"]
    html = response.content.decode()
    assert "提交太频繁了" in html
    assert "第三条诉求" in html
    assert Appeal.objects.count() == 2
    other = client.post(URL, form_data(taishan), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302


def test_honeypot_hits_count_towards_the_rate_limit(client, settings):
    settings.PUBLIC_SUBMIT_LIMIT = 2
    taishan, *_ = areas()
    for _ in range(2):
        client.post(URL, form_data(taishan, website="x"))
    assert client.post(URL, form_data(taishan)).status_code == 429
    assert not Appeal.objects.exists()


def test_the_done_page_without_a_submission_sends_back_to_the_form(client):
    response = client.get(reverse("public:request_submitted"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:request_new")


def test_the_form_page_needs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    _taishan, *_ = areas()
    with django_assert_max_num_queries(3):
        client.get(URL)
    for i in range(10):
        sd = f.subdistrict(f"街道{i}x")
        for j in range(5):
            f.community(f"社区{i}-{j}", parent=sd)
    with django_assert_max_num_queries(3):
        client.get(URL)


def test_in_english_the_form_names_programmes_in_english(client, settings):
    areas()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert '<option value="bianmin">Convenience</option>' in html


def test_area_names_are_escaped_and_the_chosen_community_stays_selected_after_an_error(client):
    taishan, *_ = areas()
    odd = f.community('泰山<b>"&社区', parent=taishan)
    response = client.post(URL, form_data(taishan, odd, title=""))
    html = response.content.decode()
    assert "请填写标题。" in html
    assert f'<option value="{odd.pk}" selected lang="zh-CN">泰山&lt;b&gt;&quot;&amp;社区</option>' in html
    assert f'<option value="{taishan.pk}" selected lang="zh-CN">' in html
    assert "<b>" not in html
