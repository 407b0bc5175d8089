"""The retry loop around a vote's transaction: transient conflicts are retried, others not."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.feedback.errors import FeedbackError
from portal.transactions import commit_with_retry


def test_a_locked_database_is_tried_again() -> None:
    attempts: list[int] = []

    def work() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
        return "done"

    assert commit_with_retry(work) == "done"
    assert len(attempts) == 3


def test_other_errors_are_not_retried() -> None:
    attempts: list[int] = []

    def work() -> None:
        attempts.append(1)
        raise IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    with pytest.raises(IntegrityError):
        commit_with_retry(work)
    assert len(attempts) == 1

    def refused() -> None:
        raise FeedbackError("Ratings of this report closed on 1 March 2026.")

    with pytest.raises(FeedbackError):
        commit_with_retry(refused)


def test_it_gives_up_after_a_few_attempts() -> None:
    attempts: list[int] = []

    def work() -> None:
        attempts.append(1)
        raise OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked"))

    with pytest.raises(OperationalError):
        commit_with_retry(work)
    assert len(attempts) == 6
