"""Pure oversight rules: the reproducible spot-check draw (docs/rules.md, "Spot-check draw") and
how reconciliation compares names.

The draw is specified so that anyone can repeat it in any language from the published seed:
it uses SHA-256 and sorting only, never a library's random-number generator.
"""

import hashlib
import unicodedata
from collections.abc import Collection, Sequence
from decimal import ROUND_CEILING, Decimal


def _checked_ratio(ratio: Decimal) -> Decimal:
    """A ratio is an exact Decimal in [0, 1]; a float (0.1 is not one tenth) is refused."""
    if isinstance(ratio, bool) or not isinstance(ratio, Decimal | int):
        raise TypeError("ratio must be a Decimal (a float is not exact)")
    ratio = Decimal(ratio)
    if not ratio.is_finite() or not Decimal("0") <= ratio <= Decimal("1"):
        raise ValueError("ratio must lie between 0 and 1")
    return ratio


def sample_size(*, ratio: Decimal, population: int) -> int:
    """⌈ratio × n⌉: at least half of 3 cases is 2, not 1."""
    ratio = _checked_ratio(ratio)
    return int((ratio * population).to_integral_value(rounding=ROUND_CEILING))


def draw_key(seed: int, candidate: str) -> str:
    """The candidate's rank in the draw: hex SHA-256 of the UTF-8 text "<seed>:<candidate>"."""
    return hashlib.sha256(f"{int(seed)}:{candidate}".encode()).hexdigest()


def draw_sample(candidates: Sequence[str], *, ratio: Decimal, seed: int, always: Collection[str] = ()) -> list[str]:
    """At least ⌈ratio × n⌉ of the candidates, every `always` candidate among them; the same
    arguments give the same sample whatever the order of `candidates`.

    The algorithm, to repeat it elsewhere:

    1. the pool is the distinct candidates, n its size; k = ⌈ratio × n⌉ (ratio an exact decimal
       in [0, 1]);
    2. the forced entries are the `always` entries that are candidates (others are ignored, so
       they never take a place of the k);
    3. the other candidates are ordered by the lower-case hex SHA-256 of the UTF-8 text
       f"{seed}:{candidate}" (seed in decimal), ties by the candidate itself;
    4. the sample is the forced entries plus the first max(0, k − forced) of that order,
       returned sorted.
    """
    ratio = _checked_ratio(ratio)
    pool = sorted({str(c) for c in candidates})
    forced = {str(a) for a in always} & set(pool)
    size = sample_size(ratio=ratio, population=len(pool))
    rest = sorted((c for c in pool if c not in forced), key=lambda c: (draw_key(seed, c), c))
    wanted = max(0, size - len(forced))
    return sorted(forced | set(rest[:wanted]))


_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", ".": "·", "‧": "·"})


def same_name(a: str, b: str) -> bool:
    """Names compared as people write them: width, spaces and the kind of middle dot do not count."""
    return a == b or _normal_name(a) == _normal_name(b)


def _normal_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).translate(_DOTS).split())


def hash_programme(programme: str) -> int:
    """A stable small number per programme (Python's hash() of a str changes between runs)."""
    return sum(ord(ch) * (i + 1) for i, ch in enumerate(programme))
