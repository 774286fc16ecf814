"""Exponential backoff with full jitter, with the randomness injected."""

from bot.backoff import full_jitter


def test_waits_grow_by_two_and_stop_at_the_cap() -> None:
    waits = [full_jitter(n, base=0.5, cap=5.0, random=lambda: 1.0) for n in range(6)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_full_jitter_spans_zero_to_the_ceiling() -> None:
    assert full_jitter(3, base=1.0, cap=60.0, random=lambda: 0.0) == 0.0
    assert full_jitter(3, base=1.0, cap=60.0, random=lambda: 0.25) == 2.0
    waits = {full_jitter(2, base=1.0, cap=60.0) for _ in range(200)}
    assert all(0.0 <= w <= 4.0 for w in waits) and len(waits) > 100
