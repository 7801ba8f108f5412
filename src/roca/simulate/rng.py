"""Seeded random streams and the heavy-tailed draws the simulation is made of.

Every stream is keyed by the run's seed plus names (``stream(seed, "background", account, day)``), so a
day, an account's background or a campaign can be regenerated on its own and always comes out the
same, whatever was generated before it.  ``random.Random`` rather than numpy: the simulation draws
millions of scalars, where the standard library is several times faster per call.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def stream(seed: int, *keys: object) -> random.Random:
    """An independent generator for ``(seed, *keys)``; keys are ints and strings."""
    digest = hashlib.blake2b(repr((seed, *keys)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A positive draw around ``median``; ``sigma`` (log scale) sets how heavy the right tail is."""
    return median * math.exp(sigma * rng.gauss(0.0, 1.0))


def between(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()


def clip(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the small daily means of account activity."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """A key drawn in proportion to its weight (dict order fixes the outcome for a given draw)."""
    total = sum(weights.values())
    target = rng.random() * total
    running = 0.0
    last = ""
    for key, weight in weights.items():
        if weight <= 0:
            continue
        running += weight
        last = key
        if target < running:
            return key
    return last


def seconds(minutes: float) -> int:
    return max(1, round(minutes * 60))


def money(value: float) -> float:
    """Amounts as upstream reports them: cents."""
    return round(max(value, 0.0), 2)
