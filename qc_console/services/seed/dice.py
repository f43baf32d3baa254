"""A deterministic random stream with the few draws the seed needs, made cheap.

`random.Random.choice` and `randint` cost ~1 µs each in pure Python (`_randbelow`); the seed
makes tens of millions of draws, so these derive every draw from one `random()` call instead.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Dice:
    __slots__ = ("gauss", "random")

    def __init__(self, seed: int | str) -> None:
        rng = random.Random(seed)
        self.random = rng.random
        self.gauss = rng.gauss

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        """An int in [low, high]."""
        return low + int(self.random() * (high - low + 1))

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()
