"""The portal's one calendar: Asia/Almaty days and times for everything it shows or counts.

Times are stored in UTC (`portal.modeling.utcnow`, `UTCDateTime`); every day a person reads —
"today", a deadline passed, days overdue, the date of a response — is a calendar day in
Kazakhstan. The zone is the one setting `BABEL_DEFAULT_TIMEZONE` (Flask-Babel formats
timestamps in it too), so pages, PDFs, e-mails, CSV and the jobs that count days agree. A
report published at 23:30 on its due day in Almaty is on time, although in UTC it is
already the next day nowhere else; a response given at 01:53 on 7 December in Almaty is dated
7 December everywhere, not the 6th.

Nothing else in the portal names the zone or asks the machine for its date (`date.today()`
is the server's calendar, not Kazakhstan's).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from portal.modeling import as_utc

DEFAULT_ZONE = "Asia/Almaty"  # the configuration default; used outside an app (scripts)


def zone() -> ZoneInfo:
    """The portal's zone: `BABEL_DEFAULT_TIMEZONE`, Asia/Almaty unless configured."""
    name = DEFAULT_ZONE
    if has_app_context():
        name = str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_ZONE)
    return ZoneInfo(name)


def now() -> datetime:
    """This moment, in Almaty (an aware datetime). Tests replace this one function."""
    return datetime.now(UTC).astimezone(zone())


def to_local(moment: datetime) -> datetime:
    """A stored moment (UTC, or naive UTC as SQLite returns it) in Almaty."""
    value = as_utc(moment)
    assert value is not None  # noqa: S101 - a datetime in, a datetime out
    return value.astimezone(zone())


def local_date(moment: datetime) -> date:
    """The Almaty calendar day of a stored moment."""
    return to_local(moment).date()


def today(moment: datetime | None = None) -> date:
    """Today in Almaty (or the Almaty day of `moment`)."""
    return local_date(moment if moment is not None else now())


def days_between(start: date, end: date) -> int:
    """Whole Almaty calendar days from `start` to `end` (negative when `end` is earlier).
    Both are calendar days already; counting them never involves a time or a zone."""
    return (end - start).days
