"""Leases (`portal.locks`): one holder at a time, released by it, expiring by themselves; the
same in the instance folder and in Redis, and seen by every process."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from flask import Flask

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


HOLDER = """
import sys
from flask import Flask
from portal import locks
app = Flask("lease-holder", instance_path=sys.argv[1])
app.config["REDIS_URL"] = sys.argv[2] or None
with app.app_context():
    print("taken" if locks.acquire(sys.argv[3], 30) else "refused")
"""


def _in_another_process(app: Flask, name: str) -> str:
    """Ask for the lease from a separate Python process (as another gunicorn worker or the
    job worker would), which exits without releasing it."""
    finished = subprocess.run(  # noqa: S603 - this interpreter, the test's own script
        [sys.executable, "-c", HOLDER, app.instance_path, app.config["REDIS_URL"] or "", name],
        capture_output=True, text=True, timeout=120, check=True)
    return finished.stdout.strip()


def test_a_lease_is_seen_by_other_processes(lease_store: str, app: Flask) -> None:
    assert _in_another_process(app, "tests-shared") == "taken"
    assert locks.acquire("tests-shared", 30) is None  # held by the process that left
    mine = locks.acquire("tests-mine", 30)
    assert mine is not None
    assert _in_another_process(app, "tests-mine") == "refused"
    locks.release(mine)
