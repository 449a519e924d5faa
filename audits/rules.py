"""Pure oversight rules: the reproducible spot-check draw (CONTRACT.md §9, RULES.md §5)."""

import random
from collections.abc import Collection, Sequence
from decimal import ROUND_CEILING, Decimal


def sample_size(*, ratio: Decimal, population: int) -> int:
    """⌈ratio × n⌉: at least half of 3 cases is 2, not 1."""
    if not Decimal("0") <= Decimal(ratio) <= Decimal("1"):
        raise ValueError("ratio must lie between 0 and 1")
    return int((Decimal(ratio) * population).to_integral_value(rounding=ROUND_CEILING))


def draw_sample(candidates: Sequence[str], *, ratio: Decimal, seed: int, always: Collection[str] = ()) -> list[str]:
    """At least ⌈ratio × n⌉ of the candidates, every `always` one among them; the same arguments
    give the same sample whatever the order of `candidates` (anyone can repeat the draw)."""
    pool = sorted(set(candidates))
    forced = sorted(set(always))
    size = sample_size(ratio=ratio, population=len(pool))
    rest = [c for c in pool if c not in set(forced)]
    wanted = max(0, size - len(forced))
    drawn = random.Random(seed).sample(rest, min(wanted, len(rest)))
    return sorted(set(forced) | set(drawn))
