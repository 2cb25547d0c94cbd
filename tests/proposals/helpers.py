"""Builders for the 民生实事 tests: proposals at each step, a vote session and its ballots."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from apps.accounts.models import OfficialProfile, ScopeKind
from apps.proposals.models import Proposal, Source, VoteSession
from apps.proposals.services import (
    Decision,
    ballot_cast,
    proposal_screen,
    proposal_set_publication,
    proposal_submit,
    vote_session_open,
    vote_session_save,
)
from tests import factories as f

YEAR = 2027
SCORES = {"score_inclusive": 5, "score_public_good": 4, "score_feasible": 4, "score_urgent": 3}


# The migrations that make the 工作人员 group and grant it permissions, in order.
GROUP_MIGRATIONS = (
    ("apps.accounts.migrations.0002_officials_group", "create_group"),
    ("apps.categories.migrations.0003_officials_permissions", "grant"),
    ("apps.proposals.migrations.0002_officials_permissions", "grant"),
)


def officials_group() -> Group:
    """The 工作人员 group, made again by its migrations when a transactional test (the browser
    tests) has flushed it."""
    group = Group.objects.filter(name="工作人员").first()
    if group is None:
        for module, function in GROUP_MIGRATIONS:
            getattr(importlib.import_module(module), function)(django_apps, None)
        group = Group.objects.get(name="工作人员")
    return group


def staff(user):
    user.groups.add(officials_group())
    return user


def district_official(username: str = "district"):
    return staff(f.official(username))


def deputy(name: str, username: str | None = None):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username or f"deputy-{name}", password="pw-quanshan-123", is_staff=True
    )
    OfficialProfile.objects.create(user=user, scope=ScopeKind.DEPUTY, public_name=name)
    return user


def resident_proposal(area=None, **fields) -> Proposal:
    defaults = dict(
        title="给康居社区老旧小区加装电梯",
        content="康居社区12号楼、13号楼都是六层，老人多，上下楼难。",
        reason="联系电话13912345678，住12号楼3单元502室。",
        area=area or f.community(),
        proposer_name="王秀英",
        proposer_phone="13912345678",
        consent_to_publish=True,
        year=YEAR,
    )
    defaults.update(fields)
    return proposal_submit(**defaults)


def candidate(by, title: str | None = None, **fields) -> Proposal:
    """A deputy's proposal screened into the candidates and published."""
    proposal = proposal_submit(
        title=title or f"候选实事{f._seq.__next__()}",
        content="在泰山街道建设口袋公园一处。",
        reason="周边居民多，缺少休闲场地。",
        area=fields.pop("area", None) or f.community(),
        programme=f.programme("lvse"),
        year=YEAR,
        source=Source.DEPUTY,
        source_label="李建国代表",
        by=by,
    )
    proposal = proposal_screen(
        proposal=proposal,
        decision=Decision.CANDIDATE,
        by=by,
        scores=SCORES,
        estimated_cost=Decimal("120"),
        lead_department=fields.pop("lead_department", None) or f.department(),
    )
    return proposal_set_publication(proposal=proposal, approved=True, by=by)


def open_session(by, *, places: int = 2, candidates: int = 3) -> VoteSession:
    proposals = [candidate(by) for _ in range(candidates)]
    session = vote_session_save(
        session=VoteSession(year=YEAR, body="区人大常委会", held_on=date(2026, 12, 20), places=places),
        candidates=proposals,
        by=by,
    )
    return vote_session_open(session=session, by=by)


def cast(session, by, name: str, choices: list[str]):
    """A paper ballot entered by an official: `choices` in the candidates' id order."""
    ids = sorted(session.candidates.values_list("pk", flat=True))
    return ballot_cast(session=session, marks=dict(zip(ids, choices, strict=True)), by=by, deputy_name=name)
