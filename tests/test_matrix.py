"""The variant lists themselves: the fast tier's covering array really covers every pair of flag
values, and the two tiers together run every combination."""

import itertools

import pytest

from tests.support.variants import FLAG_COVER, FLAG_MATRIX, FLAG_REST, FLAGS, pairwise_cover, value_pairs


@pytest.mark.parametrize("flag_count", range(2, 9))
def test_pairwise_cover_holds_every_pair_of_values(flag_count):
    rows = pairwise_cover(flag_count)
    covered = set().union(*map(value_pairs, rows))
    every_pair = {(i, a, j, b) for i, j in itertools.combinations(range(flag_count), 2) for a in "ny" for b in "ny"}
    assert covered == every_pair
    assert ("n",) * flag_count in rows and ("y",) * flag_count in rows
    assert len(rows) == len(set(rows)) <= 2 + flag_count  # far fewer than 2 ** flag_count


def test_the_tiers_together_run_every_flag_combination_once():
    assert sorted(v.name for v in FLAG_COVER + FLAG_REST) == sorted(v.name for v in FLAG_MATRIX)
    assert len(FLAG_MATRIX) == 2 ** len(FLAGS)
