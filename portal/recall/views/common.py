"""What the recall views share: loading with visibility, errors beside fields, retries."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_login import current_user

from portal.permissions import Permission, can
from portal.recall import readers
from portal.recall.models import Flag
from portal.recall.services import RecallError


def may_see_pending(flag: Flag) -> bool:
    """Moderators and staff see a flag before it is public; so does the akim it concerns."""
    return (can(current_user, Permission.FLAGS_VIEW_PENDING)
            or can(current_user, Permission.FLAGS_RESPOND, flag))


def readable_flag(flag_id: int) -> Flag | None:
    """A flag the current visitor may see; None otherwise (a pending flag does not exist for
    the public)."""
    flag = readers.flag_for_page(flag_id)
    if flag is None or not (flag.is_public() or may_see_pending(flag)):
        return None
    return flag


def put_error(form: Any, error: RecallError) -> None:
    """A service's message beside its field, or at the top of the page."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


