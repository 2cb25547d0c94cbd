"""Officials' notices: their unit's new assignments, 督办, extension decisions, deadlines within
24 h and overdue requests, and 不满意 answers for the request's dispatchers; under the admin's
bell and in a daily e-mail digest (at once for 紧急 requests), as each official chooses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.appeals.models import Appeal
from apps.appeals.services import appeal_transition
from apps.notifications import officials
from apps.notifications.models import NoticePreference, OfficialNotice
from tests import factories as f
from tests.admin.conftest import staff

pytestmark = pytest.mark.django_db

NAME, PHONE = "欧阳春梅", "13905170427"
BELL = reverse("admin:notifications_officialnotice_changelist")


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def unit():
    return f.department("区住房和城乡建设局")


@pytest.fixture
def unit_official(unit):
    user = staff(f.official("zhujian", scope=ScopeKind.DEPARTMENT, department=unit))
    user.email = "zhujian@example.gov.cn"
    user.save()
    return user


@pytest.fixture
def street():
    return f.subdistrict("奎山街道")


def appeal_for(street, **fields) -> Appeal:
    return f.appeal(
        area=f.community(parent=street),
        submitter_name=NAME,
        submitter_phone=PHONE,
        title=f"{NAME}家楼道灯坏了",
        content=f"我是{NAME}，电话{PHONE}。",
        **fields,
    )


def test_a_new_assignment_rings_the_units_bell_and_opening_it_marks_it_read(client, unit, unit_official, street):
    other_unit_official = staff(f.official(scope=ScopeKind.DEPARTMENT, department=f.department()))
    appeal = appeal_for(street)
    appeal_transition(appeal=appeal, action="accept")
    appeal_transition(appeal=appeal, action="assign", department=unit)

    (notice,) = OfficialNotice.objects.all()
    assert notice.user == unit_official and notice.kind == "assigned" and appeal.tracking_no in notice.text
    assert not OfficialNotice.objects.filter(user=other_unit_official).exists()

    client.force_login(unit_official)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'class="notice-bell__count">1<' in page
    listing = client.get(BELL + "?read=no")
    assert listing.status_code == 200 and appeal.tracking_no in listing.content.decode()
    opened = client.get(reverse("admin:notifications_officialnotice_open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("admin:appeals_appeal_change", args=[appeal.pk])
    assert OfficialNotice.objects.get().read_at is not None
    assert "notice-bell__count" not in client.get(reverse("admin:index")).content.decode()


def test_an_official_cannot_open_anothers_notice(client, unit, unit_official, street):
    appeal_in_unit = f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    notice = OfficialNotice.objects.get(appeal=appeal_in_unit)
    client.force_login(staff(f.official()))
    assert client.get(reverse("admin:notifications_officialnotice_open", args=[notice.pk])).status_code == 404
    assert notice.pk not in {n.pk for n in client.get(BELL).context["cl"].result_list}


def test_supervision_and_extension_decisions_are_told_to_the_unit(unit, unit_official, street):
    appeal = f.appeal_in("in_progress", handler=unit, area=f.community(parent=street))
    now = timezone.now()
    appeal_transition(appeal=appeal, action="supervise", level="general", until=now + timedelta(days=2))
    appeal_transition(
        appeal=appeal,
        action="request_extension",
        by=unit_official,
        reason="材料未到",
        until=Appeal.objects.get(pk=appeal.pk).resolve_due + timedelta(days=2),
    )
    appeal_transition(appeal=appeal, action="approve_extension")
    kinds = sorted(OfficialNotice.objects.filter(user=unit_official).values_list("kind", flat=True))
    assert kinds == ["assigned", "extension", "supervised"]


def test_an_unsatisfied_answer_goes_to_the_requests_dispatchers_only(unit, street):
    street_official = staff(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=street))
    district_official = staff(f.official())
    elsewhere = staff(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=f.subdistrict("泰山街道")))
    satisfied = f.appeal_in("closed", handler=unit, area=f.community(parent=street))
    assert not OfficialNotice.objects.filter(appeal=satisfied, kind="unsatisfied").exists()

    unhappy = f.appeal_in("review", handler=unit, area=f.community(parent=street))
    told = set(OfficialNotice.objects.filter(appeal=unhappy, kind="unsatisfied").values_list("user_id", flat=True))
    assert told == {street_official.pk, district_official.pk} and elsewhere.pk not in told


def test_the_deadline_scan_tells_due_soon_and_overdue_once_per_deadline(unit, unit_official, street):
    now = timezone.now()
    soon = f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    late = f.appeal_in("in_progress", handler=unit, area=f.community(parent=street))
    later = f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    Appeal.objects.filter(pk=soon.pk).update(resolve_due=now + timedelta(hours=5))
    Appeal.objects.filter(pk=late.pk).update(resolve_due=now - timedelta(hours=1))
    Appeal.objects.filter(pk=later.pk).update(resolve_due=now + timedelta(days=3))

    assert officials.officials_scan_deadlines(now=now) == 2
    assert officials.officials_scan_deadlines(now=now) == 0  # beat runs hourly: told once
    kinds = dict(OfficialNotice.objects.exclude(kind="assigned").values_list("appeal_id", "kind"))
    assert kinds == {soon.pk: "due_soon", late.pk: "overdue"}

    # The deadline passes: overdue is news. An extension gives a new deadline: told again.
    assert officials.officials_scan_deadlines(now=now + timedelta(hours=6)) == 1
    Appeal.objects.filter(pk=late.pk).update(resolve_due=now + timedelta(hours=2))
    assert officials.officials_scan_deadlines(now=now) == 1


def test_the_daily_digest_emails_each_official_once_without_personal_data(
    unit, unit_official, street, django_capture_on_commit_callbacks
):
    appeals = [f.appeal_in("assigned", handler=unit, area=f.community(parent=street)) for _ in range(2)]
    for appeal in appeals:
        Appeal.objects.filter(pk=appeal.pk).update(title=f"{NAME}家楼道灯坏了", content=f"电话{PHONE}")
    assert mail.outbox == []  # not urgent: kept for the digest

    with django_capture_on_commit_callbacks(execute=True):
        assert officials.officials_send_digests() == 1
    assert officials.officials_send_digests() == 0
    (digest,) = mail.outbox
    assert digest.to == ["zhujian@example.gov.cn"] and "2 条" in digest.subject
    for appeal in appeals:
        assert appeal.tracking_no in digest.body
    for private in (NAME, PHONE, "楼道灯"):
        assert private not in digest.subject + digest.body


def test_an_urgent_request_is_emailed_at_once(unit, unit_official, street, django_capture_on_commit_callbacks):
    appeal = appeal_for(street)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_transition(appeal=appeal, action="accept", urgency="urgent")
        appeal_transition(appeal=appeal, action="assign", department=unit)
    (email,) = [m for m in mail.outbox if m.to == ["zhujian@example.gov.cn"]]
    assert appeal.tracking_no in email.subject and "紧急" in email.body
    assert NAME not in email.body and PHONE not in email.body and "楼道灯" not in email.body
    assert OfficialNotice.objects.get(user=unit_official).emailed_at is not None
    assert officials.officials_send_digests() == 0


def test_an_official_chooses_per_kind_where_notices_go(client, unit, unit_official, street):
    client.force_login(unit_official)
    url = reverse("admin:notifications_officialnotice_preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"admin_kinds": ["supervised"]})
    assert response.status_code == 302
    preference = NoticePreference.objects.get(user=unit_official)
    assert preference.admin_kinds == ["supervised"] and preference.email_kinds == []

    f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    assert not OfficialNotice.objects.exists()  # neither bell nor e-mail for assignments

    NoticePreference.objects.filter(user=unit_official).update(admin_kinds=[], email_kinds=["assigned"])
    f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    notice = OfficialNotice.objects.get()
    assert notice.email and not notice.in_admin
    assert client.get(BELL).context["cl"].result_count == 0


def test_bad_preferences_are_a_form_error_not_a_500(client, unit_official):
    client.force_login(unit_official)
    url = reverse("admin:notifications_officialnotice_preferences")
    response = client.post(url, {"admin_kinds": ["bogus"]})
    assert response.status_code == 200 and "errornote" in response.content.decode()


def test_mark_all_read(client, unit, unit_official, street):
    for _ in range(3):
        f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    client.force_login(unit_official)
    assert client.post(reverse("admin:notifications_officialnotice_read_all")).status_code == 302
    assert not OfficialNotice.objects.filter(read_at__isnull=True).exists()


def test_the_bell_costs_one_query_however_many_notices(client, unit, unit_official, street):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(unit_official)
    f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    url = reverse("admin:notifications_officialnotice_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        f.appeal_in("assigned", handler=unit, area=f.community(parent=street))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    bell = [q for q in many.captured_queries if "notifications_officialnotice" in q["sql"] and "LIMIT 100" in q["sql"]]
    assert len(bell) == 1  # the bell stops at 100 rows: "99+"


def test_co_units_asked_to_help_are_told(unit, unit_official, street):
    """The hook the 协办 (co-departments) step calls with the units it asks."""
    appeal = f.appeal_in("in_progress", handler=f.department(), area=f.community(parent=street))
    officials.officials_notify_coassigned(appeal=appeal, department_ids=[unit.pk], event_id=appeal.events.last().pk)
    assert list(OfficialNotice.objects.filter(user=unit_official).values_list("kind", flat=True)) == ["coassigned"]
