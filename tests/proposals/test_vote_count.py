"""Vote results on hand-built counts: the threshold's edges, ranking and ties at the cut-off."""

from __future__ import annotations

import pytest

from apps.proposals.services import Count, count_results, pass_votes


def results(counts, *, places, present):
    return {r.proposal_id: r for r in count_results([Count(*c) for c in counts], places=places, present=present)}


def test_more_than_half_of_those_present_is_needed():
    # 30 present: half is 15, so 16 赞成 pass and 15 do not; 31 present: 15.5 → 16.
    assert pass_votes(30) == 16
    assert pass_votes(31) == 16
    assert pass_votes(1) == 1


def test_the_threshold_is_a_setting(settings):
    settings.PROPOSAL_VOTE_PASS_PERCENT = 66
    # More than 66 % of 30 is more than 19.8: 20.
    assert pass_votes(30) == 20


def test_the_top_n_with_enough_yes_pass():
    # places 2, 30 present (need 16): A 25, B 20, C 18 → A, B pass (C is third); D 15 never.
    r = results([(1, 25, 5, 0), (2, 20, 8, 2), (3, 18, 10, 2), (4, 15, 15, 0)], places=2, present=30)
    assert [pid for pid, x in r.items() if x.passed] == [1, 2]
    assert (r[1].rank, r[2].rank, r[3].rank, r[4].rank) == (1, 2, 3, 4)


def test_fewer_pass_than_places_when_too_few_have_enough_yes():
    # places 3, 30 present: only A (16) reaches 16; B with exactly half (15) fails.
    r = results([(1, 16, 14, 0), (2, 15, 15, 0), (3, 3, 27, 0), (4, 0, 30, 0)], places=3, present=30)
    assert [pid for pid, x in r.items() if x.passed] == [1]


def test_a_tie_across_the_last_place_leaves_the_tied_for_a_second_vote():
    # places 2: A 25; B and C both 20 for the one remaining place → neither passes, both tied.
    r = results([(1, 25, 5, 0), (2, 20, 10, 0), (3, 20, 10, 0), (4, 10, 20, 0)], places=2, present=30)
    assert r[1].passed and not r[2].passed and not r[3].passed
    assert r[2].tied and r[3].tied and not r[4].tied
    assert r[2].rank == r[3].rank == 2 and r[4].rank == 4


def test_a_tie_inside_the_places_passes_both():
    # places 3: B and C tie at 20 but both fit (ranks 2 and 2, D is 4th).
    r = results([(1, 25, 5, 0), (2, 20, 10, 0), (3, 20, 10, 0), (4, 19, 11, 0)], places=3, present=30)
    assert {pid for pid, x in r.items() if x.passed} == {1, 2, 3}
    assert not any(x.tied for x in r.values())


@pytest.mark.parametrize("present", [30, 31])
def test_the_threshold_counts_deputies_present_not_ballots(present):
    # 16 赞成 of 30 present passes; of 31 present as well (more than 15.5).
    r = results([(1, 16, 0, 0), (2, 1, 0, 0)], places=1, present=present)
    assert r[1].passed
