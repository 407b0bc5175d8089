"""Leases (`portal.locks`): one holder at a time, released by it, expiring by themselves; the
same in the instance folder and in Redis."""

from __future__ import annotations

import time

import pytest

from portal import locks


def test_a_held_lease_is_refused_until_released(lease_store: str) -> None:
    first = locks.acquire("tests-one", 30)
    assert first is not None
    assert locks.acquire("tests-one", 30) is None
    assert locks.acquire("tests-other", 30) is not None  # leases are per name
    locks.release(first)
    assert locks.acquire("tests-one", 30) is not None


def test_a_lease_its_holder_never_released_expires(lease_store: str) -> None:
    abandoned = locks.acquire("tests-abandoned", 0.3)  # its holder "died"
    assert abandoned is not None
    assert locks.acquire("tests-abandoned", 30) is None
    time.sleep(0.4)
    taken_over = locks.acquire("tests-abandoned", 30)
    assert taken_over is not None
    # The late first holder's release must not end the lease someone else holds now.
    locks.release(abandoned)
    assert locks.acquire("tests-abandoned", 30) is None
    locks.release(taken_over)
    assert locks.acquire("tests-abandoned", 30) is not None


@pytest.mark.parametrize("name", ["", "Upper", "../etc", "a b", "x" * 201])
def test_names_are_safe_as_keys_and_file_names(name: str) -> None:
    with pytest.raises(ValueError, match="not a lease name"):
        locks.acquire(name, 1)
