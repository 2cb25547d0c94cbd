"""Who did a step, as the resident's timeline names it: an office, never a person."""

from __future__ import annotations

import pytest

from apps.accounts.models import ScopeKind
from apps.appeals.models import AppealEvent
from apps.appeals.services import appeal_accept
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "label"), [("奎山街道", "奎山街道"), ("泰山", "泰山街道"), ("大吴镇", "大吴镇")])
def test_a_subdistrict_official_is_named_by_the_subdistrict_once(name, label):
    subdistrict = f.subdistrict(name)
    official = f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=subdistrict)
    appeal = f.appeal(area=f.community(parent=subdistrict))
    appeal_accept(appeal=appeal, by=official)
    assert AppealEvent.objects.get(appeal=appeal, action="accept").actor_label == label
