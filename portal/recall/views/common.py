"""What the recall views share: loading with visibility, errors beside fields, retries."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from portal.permissions import Permission, can
from portal.recall import readers
from portal.recall.models import Flag
from portal.recall.services import RecallError

T = TypeVar("T")
RETRIES = 5


def may_see_pending(flag: Flag) -> bool:
    """Staff see a flag before it is public; so does the akim it concerns."""
    return (can(current_user, Permission.FLAGS_VIEW_PENDING)
            or can(current_user, Permission.FLAGS_RESPOND, flag))


def load_flag(flag_id: int) -> Flag:
    """A flag the current visitor may see; 404 otherwise (a pending flag does not exist for
    the public)."""
    flag = readers.flag_for_page(flag_id)
    if flag is None or not (flag.is_public() or may_see_pending(flag)):
        abort(404)
    return flag


def put_error(form: Any, error: RecallError) -> None:
    """A service's message beside its field, or at the top of the page."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def commit_with_retry(work: Callable[[], T]) -> T:
    """Run `work` in a fresh transaction and commit; on a transient conflict (SQLite busy,
    PostgreSQL serialisation failure or deadlock) roll back and run it again."""
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
            if not _transient(error) or attempt == RETRIES - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _transient(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    code = getattr(error.orig, "sqlstate", None)
    return "database is locked" in text or code in ("40001", "40P01")
