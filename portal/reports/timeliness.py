"""Timeliness of a report from its due date and the publication that covered its period, on
the Almaty calendar; whether each period's meeting with residents was held."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.clock import local_date, zone
from portal.clock import today as local_today
from portal.reports.models import MeetingObligation, Timeliness
from portal.reports.policy import DuePeriod

# The calendar lives in portal.clock; these names stay importable from here for the readers
# that count report days.
__all__ = ["ReportSummary", "classify", "covers_period", "days_late", "local_date",
           "local_today", "meeting_obligations", "zone"]


def classify(due_on: date, covered_on: date | None, today: date,
             interim: bool = False) -> Timeliness:
    """The status of one period's written report.

    `covered_on` is the day a version covering the whole period was published (`Report.
    covered_on`); `interim` says a version was published before the period ended. Interim is
    not on time: it does not discharge the period, which stays owed, and is missing once its
    due date has passed.
    """
    if covered_on is not None:
        return Timeliness.ON_TIME if covered_on <= due_on else Timeliness.LATE
    if due_on < today:
        return Timeliness.MISSING
    return Timeliness.INTERIM if interim else Timeliness.UPCOMING


def covers_period(period_end: date, published_on: date) -> bool:
    """A version published on `published_on` (Almaty) covers the whole period only once the
    period is over: a report published on or before its last day is interim."""
    return published_on > period_end


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


def meeting_obligations(periods: Iterable[DuePeriod], held_on: Iterable[date],
                        today: date) -> list[tuple[DuePeriod, MeetingObligation]]:
    """Each period's meeting obligation, judged by the rule in force for it: held when a
    meeting took place within the period (on its first or last day included), missed when
    the period has ended without one, open otherwise."""
    days = sorted(set(held_on))
    result: list[tuple[DuePeriod, MeetingObligation]] = []
    for period in periods:
        if any(period.period_start <= day <= period.period_end for day in days):
            status = MeetingObligation.HELD
        elif period.period_end < today:
            status = MeetingObligation.MISSED
        else:
            status = MeetingObligation.OPEN
        result.append((period, status))
    return result
