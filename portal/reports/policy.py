"""The reporting policy as configuration, and the pure function that schedules a term's reports.

The default follows the 2022 decree on meetings with residents: two reports a year, January–June
due 31 July and July–December due 31 January, each presented at the half-yearly meeting. An
install may replace it with `REPORTING_POLICY` in its config (see `DEFAULT_POLICY` for the shape).

How a term's reports are scheduled (`schedule_for_term`):

1. Every calendar period of the policy that overlaps the term gives one report, covering the
   part of the period the term served, due on that period's due date. So a term that starts
   mid-period reports on the part it served, due like any other report.
2. A first or final part shorter than `min_days` is merged into its neighbour: nobody writes a
   report about three weeks in office (a term starting 7 June first reports on 7 June–31
   December, due 31 January).
3. The final report of a term is due on the term's last day at the latest: only a serving akim
   can publish on the portal, so the report on the end of a mandate comes before it ends.
4. A report is owed only if it falls due while the term is in office. When a term ends early
   (resignation, dismissal, recall, death), the reports not yet due on that day lapse; nobody is
   counted "missing" for a period they could no longer report on. The readers apply this rule
   to stored rows with `ended_on`, so it holds whenever a term ends.

Period boundaries are given by their first day only; each period ends the day before the next
one starts, so leap days fall inside a period by construction (January–June ends 30 June in
every year, and a term starting 29 February simply reports from 29 February).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DEFAULT_POLICY: dict[str, Any] = {
    # Each period: the month-day it starts and the month-day its report is due (the first such
    # day after the period ends). Periods follow each other through the year in this order.
    "periods": [
        {"starts": "01-01", "due": "07-31"},
        {"starts": "07-01", "due": "01-31"},
    ],
    # A clipped first or last part shorter than this many days joins its neighbour.
    "min_days": 31,
}


class PolicyError(ValueError):
    """The configured reporting policy is not usable; the message says why."""


@dataclass(frozen=True)
class MonthDay:
    month: int
    day: int

    @classmethod
    def parse(cls, text: str, what: str) -> MonthDay:
        try:
            month_text, day_text = text.split("-")
            value = cls(int(month_text), int(day_text))
            date(2023, value.month, value.day)  # a common year: 29 February is refused
        except (ValueError, AttributeError) as error:
            raise PolicyError(f"{what} must be an MM-DD date of a common year, not {text!r}") \
                from error
        return value

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)

    def first_after(self, day: date) -> date:
        """The first date with this month and day strictly after `day`."""
        candidate = self.in_year(day.year)
        return candidate if candidate > day else self.in_year(day.year + 1)


@dataclass(frozen=True)
class PeriodRule:
    starts: MonthDay
    due: MonthDay


@dataclass(frozen=True)
class DuePeriod:
    """One report a term owes: the days it covers and the day it is due."""

    period_start: date
    period_end: date
    due_on: date

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


@dataclass(frozen=True)
class ReportingPolicy:
    periods: tuple[PeriodRule, ...]
    min_days: int = 31

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> ReportingPolicy:
        config = config or DEFAULT_POLICY
        raw_periods = config.get("periods") or []
        if not raw_periods:
            raise PolicyError("REPORTING_POLICY needs at least one period")
        rules = tuple(
            PeriodRule(MonthDay.parse(str(item["starts"]), "a period start"),
                       MonthDay.parse(str(item["due"]), "a due date"))
            for item in raw_periods
        )
        starts = [(rule.starts.month, rule.starts.day) for rule in rules]
        if starts != sorted(set(starts)):
            raise PolicyError("REPORTING_POLICY periods must start on distinct days, in order")
        if starts[0] != (1, 1):
            raise PolicyError("the first REPORTING_POLICY period must start on 01-01")
        min_days = int(config.get("min_days", 31))
        if min_days < 0:
            raise PolicyError("REPORTING_POLICY min_days cannot be negative")
        return cls(periods=rules, min_days=min_days)

    def calendar_periods(self, first: date, last: date) -> list[DuePeriod]:
        """The whole calendar periods that overlap [first, last], oldest first."""
        periods: list[DuePeriod] = []
        for year in range(first.year, last.year + 1):
            for index, rule in enumerate(self.periods):
                start = rule.starts.in_year(year)
                if index + 1 < len(self.periods):
                    end = self.periods[index + 1].starts.in_year(year) - timedelta(days=1)
                else:
                    end = date(year, 12, 31)
                if end < first or start > last:
                    continue
                periods.append(DuePeriod(start, end, rule.due.first_after(end)))
        return periods


def policy_from_app() -> ReportingPolicy:
    from flask import current_app

    return ReportingPolicy.from_config(current_app.config.get("REPORTING_POLICY"))


def schedule_for_term(policy: ReportingPolicy, starts_on: date, last_day: date) -> list[DuePeriod]:
    """Every report a term from `starts_on` to `last_day` (inclusive) owes, oldest first.

    `last_day` is the day the term ends: the scheduled end for a serving term, the actual end
    for one that ended. Rule 4 of the module docstring (reports due after an early end lapse)
    is applied by the caller, which knows whether the end was early.
    """
    if last_day < starts_on:
        return []
    clipped = [
        DuePeriod(max(period.period_start, starts_on), min(period.period_end, last_day),
                  period.due_on)
        for period in policy.calendar_periods(starts_on, last_day)
    ]
    if len(clipped) > 1 and clipped[0].days < policy.min_days:
        first, second = clipped[0], clipped[1]
        clipped[:2] = [DuePeriod(first.period_start, second.period_end, second.due_on)]
    if len(clipped) > 1 and clipped[-1].days < policy.min_days:
        before, final = clipped[-2], clipped[-1]
        clipped[-2:] = [DuePeriod(before.period_start, final.period_end, before.due_on)]
    final = clipped[-1]
    if final.due_on > last_day:
        clipped[-1] = DuePeriod(final.period_start, final.period_end, last_day)
    return clipped


def owed_by_term(policy: ReportingPolicy, starts_on: date, ends_on: date,
                 ended_on: date | None) -> list[DuePeriod]:
    """The reports a term owes, with rule 4: after an early end, reports not yet due lapse."""
    if ended_on is not None and ended_on < ends_on:
        return [period for period in schedule_for_term(policy, starts_on, ends_on)
                if period.due_on <= ended_on]
    return schedule_for_term(policy, starts_on, ended_on or ends_on)
