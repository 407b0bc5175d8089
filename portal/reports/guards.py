"""An ORM-level guard: published report text changes only through the amendment path.

The services enforce the rules for people; this guard catches code that forgets them. Before
every flush it refuses an update or delete of a `ReportVersion`, a change to the sections of a
report whose stored state is `published`, a published report going back to an earlier state,
the removal of a published attachment, and any change to a published promise entry but its
replacement by a correction. The migration adds a database trigger on
`report_version` as a last line, for writes that bypass the ORM.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.reports.models import (
    CONTENT_FIELDS,
    Report,
    ReportAttachment,
    ReportPromiseEntry,
    ReportState,
    ReportVersion,
)

_FROZEN_ONCE_PUBLISHED = (*CONTENT_FIELDS, "term_id", "period_start", "period_end", "due_on",
                          "first_published_at", "first_published_on")


# Everything but the author link, which the database nulls when an account is deleted.
_VERSION_FIELDS = (*CONTENT_FIELDS, "report_id", "number", "reason", "published_at")


# A published entry may only be marked replaced (`until_version`), once.
_ENTRY_FIELDS = ("report_id", "promise_id", "claim", "text", "evidence_url", "since_version")


class ImmutableReportError(RuntimeError):
    """Someone tried to change published report text outside the amendment path."""


def _committed(obj: Any, attribute: str) -> Any:
    history = inspect(obj).attrs[attribute].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return getattr(obj, attribute)


def _changed(obj: Any, attributes: tuple[str, ...]) -> list[str]:
    state = inspect(obj)
    return [name for name in attributes if state.attrs[name].history.has_changes()]


def check_session(session: Session) -> None:
    for obj in session.dirty:
        if isinstance(obj, ReportVersion) and _changed(obj, _VERSION_FIELDS):
            raise ImmutableReportError(
                f"report version {obj.report_id}/v{obj.number} is published and cannot change; "
                "publish a correction instead"
            )
        if isinstance(obj, Report) and _committed(obj, "state") == ReportState.PUBLISHED:
            changed = _changed(obj, _FROZEN_ONCE_PUBLISHED)
            if obj.state != ReportState.PUBLISHED:
                changed.append("state")
            # The day the period was covered (and how late) is set once, by the correction
            # that follows an interim report; after that it is as frozen as the rest.
            for name in ("covered_on", "days_late"):
                if _changed(obj, (name,)) and _committed(obj, "covered_on") is not None:
                    changed.append(name)
            if changed:
                raise ImmutableReportError(
                    f"report {obj.id} is published; {', '.join(changed)} cannot change "
                    "(corrections are new versions)"
                )
        if (isinstance(obj, ReportAttachment) and session.is_modified(obj)
                and _committed(obj, "added_in_version") is not None):
            raise ImmutableReportError(f"attachment {obj.id} is published and cannot change")
        if (isinstance(obj, ReportPromiseEntry)
                and _committed(obj, "since_version") is not None
                and (_changed(obj, _ENTRY_FIELDS)
                     or (_changed(obj, ("until_version",))
                         and _committed(obj, "until_version") is not None))):
            raise ImmutableReportError(
                f"promise entry {obj.id} is published; a correction replaces it")
    for obj in session.deleted:
        if isinstance(obj, ReportVersion):
            raise ImmutableReportError("a published report version cannot be deleted")
        if isinstance(obj, ReportAttachment) and _committed(obj, "added_in_version") is not None:
            raise ImmutableReportError("a published attachment cannot be removed")
        if isinstance(obj, Report) and _committed(obj, "state") == ReportState.PUBLISHED:
            raise ImmutableReportError("a published report cannot be deleted")
        if (isinstance(obj, ReportPromiseEntry)
                and _committed(obj, "since_version") is not None):
            raise ImmutableReportError("a published promise entry cannot be removed")


def install() -> None:
    """Listen on every Session (idempotent): the app's, the tests' and the seed's.

    Called when this module is imported, which `portal.models` does for every app.
    """
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    check_session(session)


install()
