"""Reporting obligations as effective-dated rules with their sources; scheduling a term.

Two kinds of obligation are kept apart, because only one of them is law:

- **Meetings with residents** (`MEETING_POLICY`): Decree of the President of the Republic of
  Kazakhstan No. 826 of 3 March 2022 "On holding meetings of akims with the population"
  (https://adilet.zan.kz/rus/docs/U2200000826) has akims report to residents at meetings. For
  the akim of a rural district it asked at least one meeting a quarter; the amendment of
  20 November 2023, in force from January 2024, asks at least one per half-year. See
  `SOURCES` for what of this is confirmed and what only partly.
- **The written report published on the portal** (`DEFAULT_POLICY`, `REPORTING_POLICY` in an
  install's config): two reports a year, January–June due 31 July and July–December due
  31 January. This is the portal's own configuration: the decree sets no written-report due
  dates, and no page may say otherwise.

Both are `ReportingPolicy` objects: a list of versions, each in force from a day (until the
next version starts), each with its periods and its source (None: portal configuration). A
period is judged by the version in force on its first day (`DuePeriod.version`).

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
   (resignation, appointment elsewhere, death, ...), the reports not yet due on that day lapse;
   nobody is counted "missing" for a period they could no longer report on. The readers apply
   this rule to stored rows with `ended_on`, so it holds whenever a term ends.
5. Interim: a report published before its period ends does not discharge the period (see
   `portal.reports.timeliness.classify`); it stays owed until a version published after the
   period's last day covers the whole period.

Period boundaries are given by their first day only; each period ends the day before the next
one starts, so leap days fall inside a period by construction (January–June ends 30 June in
every year, and a term starting 29 February simply reports from 29 February). A version that
starts mid-period cuts the period at its first day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

DEFAULT_POLICY: dict[str, Any] = {
    # Versions in force one after another; each runs until the next one's "from" day. The
    # written-report schedule is the portal's own choice (no "source"), so one version covers
    # every date.
    "versions": [{
        "from": "0001-01-01",  # every date
        # Each period: the month-day it starts and the month-day its report is due (the first
        # such day after the period ends). Periods follow each other through the year.
        "periods": [
            {"starts": "01-01", "due": "07-31"},
            {"starts": "07-01", "due": "01-31"},
        ],
    }],
    # A clipped first or last part shorter than this many days joins its neighbour.
    "min_days": 31,
}


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: an act with its number, date and official text."""

    act: Any  # the act's title (a lazy translated string, or text from an install's config)
    number: str
    adopted_on: date
    url: str
    # What of the rule the sources confirm: "confirmed", or "partly" with a note saying which
    # part rests on secondary reporting only.
    confirmed: str = "confirmed"
    note: Any = ""

    @property
    def partly_confirmed(self) -> bool:
        return self.confirmed == "partly"


DECREE_826 = Source(
    act=_l("Decree of the President of the Republic of Kazakhstan \u201cOn holding meetings of "
           "akims with the population\u201d"),
    number="826", adopted_on=date(2022, 3, 3),
    url="https://adilet.zan.kz/rus/docs/U2200000826",
    confirmed="partly",
    note=_l("The decree's text confirms that akims of every level hold meetings with the "
            "population during the year and that region akims approve the calendar of "
            "meetings by 15 January each year. The quarterly frequency for rural district "
            "akims is confirmed only by press reports of the decree (mgorod.kz, 7 March "
            "2022)."),
)
DECREE_826_AMENDED = Source(
    act=_l("Amendment of Decree No. 826 \u201cOn holding meetings of akims with the "
           "population\u201d"),
    number="826", adopted_on=date(2023, 11, 20),
    url="https://adilet.zan.kz/rus/docs/U2200000826",
    confirmed="partly",
    note=_l("The amendment of 20 November 2023, in force from January 2024, moved rural "
            "district akims from quarterly to half-yearly meetings; this is confirmed by press "
            "reports citing the decree (Zakon.kz, reprinted by yka.kz on 13 March 2024). That "
            "the meeting is held in each village is only partly confirmed."),
)
SOURCES = (DECREE_826, DECREE_826_AMENDED)


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
    due: MonthDay | None  # None: due on the period's last day (a meeting held within it)


@dataclass(frozen=True)
class PolicyVersion:
    """One rule in force from `effective_from` until the next version starts."""

    effective_from: date
    periods: tuple[PeriodRule, ...]
    source: Source | None = None  # None: the portal's own configuration

    @property
    def periods_a_year(self) -> int:
        return len(self.periods)


@dataclass(frozen=True)
class DuePeriod:
    """One report a term owes: the days it covers and the day it is due."""

    period_start: date
    period_end: date
    due_on: date
    # The rule in force on the period's first day; not part of equality (a period is its dates).
    version: PolicyVersion | None = field(default=None, compare=False, repr=False)

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


def _parse_date(text: Any, what: str) -> date:
    try:
        return text if isinstance(text, date) else date.fromisoformat(str(text))
    except ValueError as error:
        raise PolicyError(f"{what} must be a YYYY-MM-DD date, not {text!r}") from error


def _parse_periods(raw_periods: Any) -> tuple[PeriodRule, ...]:
    if not raw_periods:
        raise PolicyError("REPORTING_POLICY needs at least one period")
    rules = tuple(
        PeriodRule(MonthDay.parse(str(item["starts"]), "a period start"),
                   None if item.get("due") in (None, "end")
                   else MonthDay.parse(str(item["due"]), "a due date"))
        for item in raw_periods
    )
    starts = [(rule.starts.month, rule.starts.day) for rule in rules]
    if starts != sorted(set(starts)):
        raise PolicyError("REPORTING_POLICY periods must start on distinct days, in order")
    if starts[0] != (1, 1):
        raise PolicyError("the first REPORTING_POLICY period must start on 01-01")
    return rules


def _parse_source(raw: Any) -> Source | None:
    if not raw:
        return None
    try:
        return Source(act=str(raw["act"]), number=str(raw["number"]),
                      adopted_on=_parse_date(raw["date"], "a source's date"), url=str(raw["url"]),
                      confirmed=str(raw.get("confirmed", "confirmed")),
                      note=str(raw.get("note", "")))
    except KeyError as error:
        raise PolicyError(f"a rule's source needs act, number, date and url ({error})") \
            from error


@dataclass(frozen=True)
class ReportingPolicy:
    versions: tuple[PolicyVersion, ...]
    min_days: int = 31

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> ReportingPolicy:
        config = config or DEFAULT_POLICY
        if "versions" in config:
            raw_versions = list(config["versions"] or [])
        else:  # the older shape: one list of periods, in force on every date
            raw_versions = [{"from": date.min, "periods": config.get("periods")}]
        if not raw_versions:
            raise PolicyError("REPORTING_POLICY needs at least one version")
        versions = tuple(
            PolicyVersion(_parse_date(item.get("from", date.min), "a version's \"from\""),
                          _parse_periods(item.get("periods")), _parse_source(item.get("source")))
            for item in raw_versions
        )
        froms = [version.effective_from for version in versions]
        if froms != sorted(set(froms)):
            raise PolicyError("REPORTING_POLICY versions must start on distinct days, in order")
        min_days = int(config.get("min_days", 31))
        if min_days < 0:
            raise PolicyError("REPORTING_POLICY min_days cannot be negative")
        return cls(versions=versions, min_days=min_days)

    def version_on(self, day: date) -> PolicyVersion | None:
        """The version in force on `day`; None before the first one."""
        current = None
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current

    def history(self) -> list[tuple[PolicyVersion, date | None]]:
        """Every version with the last day it was in force (None: still in force)."""
        return [(version, self.versions[index + 1].effective_from - timedelta(days=1)
                 if index + 1 < len(self.versions) else None)
                for index, version in enumerate(self.versions)]

    def history_in_year(self, year: int) -> list[tuple[PolicyVersion, date | None,
                                                       list[DuePeriod]]]:
        """`history()` with each version's calendar periods that fall in `year` (none for a
        version not in force that year), for a page that shows the schedule."""
        periods = self.calendar_periods(date(year, 1, 1), date(year, 12, 31))
        return [(version, until, [period for period in periods if period.version == version])
                for version, until in self.history()]

    def calendar_periods(self, first: date, last: date) -> list[DuePeriod]:
        """The calendar periods that overlap [first, last], oldest first, each cut at the
        first and last day of the version in force for it."""
        periods: list[DuePeriod] = []
        for version, until in self.history():
            low = max(first, version.effective_from)
            high = min(last, until or date.max)
            if low > high:
                continue
            for year in range(low.year, high.year + 1):
                for index, rule in enumerate(version.periods):
                    start = rule.starts.in_year(year)
                    if index + 1 < len(version.periods):
                        end = version.periods[index + 1].starts.in_year(year) - timedelta(days=1)
                    else:
                        end = date(year, 12, 31)
                    if end < low or start > high:
                        continue
                    start = max(start, version.effective_from)
                    end = min(end, until or date.max)
                    due = end if rule.due is None else rule.due.first_after(end)
                    periods.append(DuePeriod(start, end, due, version))
        return periods


MEETING_POLICY = ReportingPolicy(
    versions=(
        PolicyVersion(date(2022, 3, 3), tuple(
            PeriodRule(MonthDay(month, 1), None) for month in (1, 4, 7, 10)), DECREE_826),
        PolicyVersion(date(2024, 1, 1), tuple(
            PeriodRule(MonthDay(month, 1), None) for month in (1, 7)), DECREE_826_AMENDED),
    ),
    # A first quarter shorter than a month (3–31 March 2022) joins the next one.
    min_days=31,
)


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
                  period.due_on, period.version)
        for period in policy.calendar_periods(starts_on, last_day)
    ]
    if not clipped:  # the term lies wholly before the policy's first version
        return []
    if len(clipped) > 1 and clipped[0].days < policy.min_days:
        first, second = clipped[0], clipped[1]
        clipped[:2] = [DuePeriod(first.period_start, second.period_end, second.due_on,
                                  first.version)]
    if len(clipped) > 1 and clipped[-1].days < policy.min_days:
        before, final = clipped[-2], clipped[-1]
        clipped[-2:] = [DuePeriod(before.period_start, final.period_end, before.due_on,
                                   before.version)]
    final = clipped[-1]
    if final.due_on > last_day:
        clipped[-1] = DuePeriod(final.period_start, final.period_end, last_day, final.version)
    return clipped


def owed_by_term(policy: ReportingPolicy, starts_on: date, ends_on: date,
                 ended_on: date | None) -> list[DuePeriod]:
    """The reports a term owes, with rule 4: after an early end, reports not yet due lapse."""
    if ended_on is not None and ended_on < ends_on:
        return [period for period in schedule_for_term(policy, starts_on, ends_on)
                if period.due_on <= ended_on]
    return schedule_for_term(policy, starts_on, ended_on or ends_on)


def meetings_owed_by_term(starts_on: date, ends_on: date,
                          ended_on: date | None) -> list[DuePeriod]:
    """The periods in each of which a term's akim owes at least one meeting with residents,
    by the rule of the decree in force for each period (`MEETING_POLICY`), with rule 4."""
    return owed_by_term(MEETING_POLICY, starts_on, ends_on, ended_on)
