"""Running a write transaction again when the database asks for it (a writer's conflict)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from portal.extensions import db

T = TypeVar("T")
RETRIES = 6


def commit_with_retry(work: Callable[[], T]) -> T:
    """Run `work` in a fresh transaction and commit. On a transient conflict — SQLite's
    "database is locked" when writers pile up past busy_timeout, PostgreSQL's serialisation
    failure or deadlock — roll back and run it again; any other error propagates."""
    for attempt in range(RETRIES):
        # End the request's read transaction first: on SQLite a transaction that has read
        # cannot start writing once another writer has committed since.
        db.session.rollback()
        try:
            result = work()
            db.session.commit()
            return result
        except DBAPIError as error:
            db.session.rollback()
            if not is_transient(error) or attempt == RETRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def is_transient(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    code = getattr(error.orig, "sqlstate", None)
    return "database is locked" in text or code in ("40001", "40P01")
