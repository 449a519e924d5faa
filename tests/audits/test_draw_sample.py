"""The spot-check draw of docs/interfaces.md §9: audits.rules.draw_sample."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.rules import draw_sample, sample_size

HALF = Decimal("0.5")


def test_half_of_an_odd_number_is_rounded_up():
    assert sample_size(ratio=HALF, population=3) == 2
    assert len(draw_sample(["a", "b", "c"], ratio=HALF, seed=1)) == 2


def test_always_candidates_are_in_the_sample():
    sample = draw_sample([str(i) for i in range(10)], ratio=Decimal("0.3"), seed=7, always={"9", "8"})
    assert {"8", "9"} <= set(sample)
    assert len(sample) == 3


def test_more_always_candidates_than_the_ratio_asks_are_all_taken():
    sample = draw_sample(["a", "b", "c", "d"], ratio=Decimal("0.25"), seed=3, always={"a", "b", "c"})
    assert sample == ["a", "b", "c"]


def test_ratio_outside_zero_and_one_is_refused():
    with pytest.raises(ValueError, match="ratio"):
        draw_sample(["a"], ratio=Decimal("1.5"), seed=1)


@given(
    candidates=st.lists(st.text(alphabet="0123456789", min_size=1, max_size=4), max_size=40, unique=True),
    ratio=st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2),
    seed=st.integers(min_value=0, max_value=2**31),
    data=st.data(),
)
def test_same_arguments_same_sample_whatever_the_order(candidates, ratio, seed, data):
    always = data.draw(st.sets(st.sampled_from(candidates))) if candidates else set()
    first = draw_sample(candidates, ratio=ratio, seed=seed, always=always)
    shuffled = data.draw(st.permutations(candidates))
    assert draw_sample(shuffled, ratio=ratio, seed=seed, always=always) == first
    assert set(always) <= set(first) <= set(candidates)
    assert len(first) >= sample_size(ratio=ratio, population=len(candidates))


def test_always_entries_that_are_not_candidates_do_not_take_places():
    candidates = [str(i) for i in range(10)]
    sample = draw_sample(candidates, ratio=Decimal("0.3"), seed=5, always={"x", "y", "z"})
    assert len(sample) == 3
    assert set(sample) <= set(candidates)


def test_always_entries_outside_the_pool_and_inside_together():
    candidates = ["a", "b", "c", "d"]
    sample = draw_sample(candidates, ratio=HALF, seed=2, always={"a", "ghost"})
    assert "a" in sample
    assert "ghost" not in sample
    assert len(sample) == 2


@pytest.mark.parametrize("ratio", [0.5, 0.3, "0.5", None])
def test_a_ratio_that_is_not_an_exact_decimal_is_refused(ratio):
    with pytest.raises(TypeError):
        draw_sample(["a", "b"], ratio=ratio, seed=1)
    with pytest.raises(TypeError):
        sample_size(ratio=ratio, population=2)


def test_a_nan_ratio_is_refused():
    with pytest.raises(ValueError, match="ratio"):
        draw_sample(["a"], ratio=Decimal("NaN"), seed=1)


def test_the_draw_follows_the_published_algorithm():
    """The sample is the first k candidates in the order of SHA-256("<seed>:<id>") (docs/rules.md)."""
    import hashlib

    candidates = [str(i) for i in range(1, 21)]
    seed = 20261201
    ranked = sorted(candidates, key=lambda c: (hashlib.sha256(f"{seed}:{c}".encode()).hexdigest(), c))
    assert draw_sample(candidates, ratio=Decimal("0.25"), seed=seed) == sorted(ranked[:5])
    # the always entries first, then the ranking fills up to k
    sample = draw_sample(candidates, ratio=Decimal("0.25"), seed=seed, always={"20", "19"})
    rest = [c for c in ranked if c not in {"19", "20"}]
    assert sample == sorted({"19", "20", *rest[:3]})
