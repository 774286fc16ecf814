"""How long to wait before trying again: exponential backoff with full jitter.

Attempt n (from 0) waits a uniform random time in [0, min(cap, base·2ⁿ)] (the "full jitter"
of AWS's architecture note on backoff), so many clients retrying at once spread out.
`random` is injectable: tests pass a constant to get exact waits."""

from __future__ import annotations

import random as _random
from collections.abc import Callable


def full_jitter(
    attempt: int, *, base: float, cap: float, random: Callable[[], float] = _random.random
) -> float:
    return random() * min(cap, base * 2**attempt)
