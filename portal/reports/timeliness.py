"""Timeliness of a report from its due date and first publication, on the Almaty calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.clock import local_date, zone
from portal.clock import today as local_today
from portal.reports.models import Timeliness

# The calendar lives in portal.clock; these names stay importable from here for the readers
# that count report days.
__all__ = ["ReportSummary", "classify", "days_late", "local_date", "local_today", "summarise",
           "zone"]


def classify(due_on: date, published_on: date | None, today: date) -> Timeliness:
    if published_on is not None:
        return Timeliness.ON_TIME if published_on <= due_on else Timeliness.LATE
    return Timeliness.MISSING if due_on < today else Timeliness.UPCOMING


def days_late(due_on: date, published_on: date) -> int:
    return max(0, (published_on - due_on).days)


@dataclass(frozen=True)
class ReportSummary:
    """Counts for a term or an area. `due` counts the reports whose outcome is known: those
    published (on time or late) and those whose due date has passed (missing)."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    upcoming: int = 0
    next_due_on: date | None = None

    @property
    def published(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def __add__(self, other: ReportSummary) -> ReportSummary:
        dates = [day for day in (self.next_due_on, other.next_due_on) if day is not None]
        return ReportSummary(
            due=self.due + other.due, on_time=self.on_time + other.on_time,
            late=self.late + other.late, missing=self.missing + other.missing,
            upcoming=self.upcoming + other.upcoming, next_due_on=min(dates) if dates else None,
        )


def summarise(items: list[tuple[date, date | None]], today: date) -> ReportSummary:
    """The summary of (due_on, first_published_on) pairs, as the SQL readers compute it."""
    counts = {status: 0 for status in Timeliness}
    upcoming_dates: list[date] = []
    for due_on, published_on in items:
        status = classify(due_on, published_on, today)
        counts[status] += 1
        if status is Timeliness.UPCOMING:
            upcoming_dates.append(due_on)
    return ReportSummary(
        due=counts[Timeliness.ON_TIME] + counts[Timeliness.LATE] + counts[Timeliness.MISSING],
        on_time=counts[Timeliness.ON_TIME], late=counts[Timeliness.LATE],
        missing=counts[Timeliness.MISSING], upcoming=counts[Timeliness.UPCOMING],
        next_due_on=min(upcoming_dates) if upcoming_dates else None,
    )
