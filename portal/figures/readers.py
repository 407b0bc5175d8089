"""Every figure of any number of terms in two queries, and their sums over an area.

The values are the domains' own types, counted by their own grouped statements (each domain's
`*_statement`, which its `*_for_terms` reader runs alone); this module joins those statements
onto the terms in ONE query, reads the budget in a second, and puts the values side by side
with the day they are counted on. Every surface that shows a figure — the profile, the API
(JSON and CSV), the open data, the dossier and the bundle — reads it from here:

- promises: `PromiseSummary` (`kept_due`, `broken_due`, their shares of `due`, `kept_early`,
  `overdue`);
- reports: `ReportSummary` (`due`, `on_time`, `late`, `missing`);
- ratings: `RatingSummary` (`average_shown`, `count`);
- budget: the headline year's `YearIndicators` (`own_plan_execution`, `plan_execution`,
  `own_share`), None without figures on record; the whole `TermBudget` (the series the
  charts draw) beside it;
- open flags: a count;
- questions raised at meetings with residents and still open: `OpenQuestions` (`open`,
  `overdue`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Select, select

from portal import clock
from portal.akims.models import Term
from portal.budgets.indicators import YearIndicators
from portal.budgets.readers import TermBudget, budget_summaries_for_terms
from portal.extensions import db
from portal.feedback.readers import rating_statement
from portal.feedback.tallies import RatingSummary, summary_from
from portal.meetings.readers import OpenQuestions, open_questions_of, open_questions_statement
from portal.promises import readers as promise_readers
from portal.promises.readers import PromiseSummary, combine
from portal.recall.readers import open_flag_statement
from portal.reports import readers as report_readers
from portal.reports.timeliness import ReportSummary

Value = int | Decimal | None


@dataclass(frozen=True)
class TermFigures:
    """The figures of one term (or, summed, of several) as of an Almaty day."""

    as_of: date
    promises: PromiseSummary
    reports: ReportSummary
    ratings: RatingSummary
    budget: YearIndicators | None
    open_flags: int
    # None: not read (`figures_for_terms(..., meetings=False)`, the dossier, which shows none)
    meeting_questions: OpenQuestions | None = OpenQuestions()
    term_budget: TermBudget | None = None  # the series behind `budget` (one term only)

    def values(self) -> dict[str, Value]:
        """Slug → value, for every figure of `portal.figures.definitions` (days overdue is
        per report, not per term, and is left out)."""
        p, r, b, q = self.promises, self.reports, self.budget, self.meeting_questions
        return {
            "promises-due": p.due, "promises-kept": p.kept_due,
            "promises-kept-share": p.kept_share_of_due, "promises-broken": p.broken_due,
            "promises-broken-share": p.broken_share_of_due,
            "promises-kept-early": p.kept_early, "promises-overdue": p.overdue,
            "reports-due": r.due, "reports-on-time": r.on_time, "reports-late": r.late,
            "reports-missing": r.missing,
            "rating-average": self.ratings.average_shown, "rating-count": self.ratings.count,
            "budget-own-plan-execution": b.own_plan_execution if b else None,
            "budget-plan-execution": b.plan_execution if b else None,
            "own-revenue-share": b.own_share if b else None,
            "spending-per-resident": b.spending_per_resident if b else None,
            "spending-plan-execution": b.spending_plan_execution if b else None,
            "own-revenue-coverage": b.own_revenue_coverage if b else None,
            "open-flags": self.open_flags,
            "meeting-questions-open": q.open if q else None,
            "meeting-questions-overdue": q.overdue if q else None,
        }


def _counted(ids: Sequence[int], as_of: date,
             meetings: bool) -> list[tuple[Select[Any], Callable[[Any], Any]]]:
    """Each domain's grouped statement (term id first) and how its other columns become the
    domain's value; a term the statement has no row for reads NULLs, which each turns into
    its zero."""
    parts = [
        (promise_readers.summary_statement(ids, as_of), promise_readers.summary_of),
        (report_readers.summary_statement(ids, as_of), report_readers.summary_of),
        (rating_statement(ids), summary_from),
        (cast(Select[Any], open_flag_statement(ids)), lambda values: int(values[0] or 0)),
    ]
    if meetings:
        parts.append((open_questions_statement(ids, as_of), open_questions_of))
    return parts


def figures_for_terms(term_ids: Iterable[int], as_of: date | None = None,
                      meetings: bool = True) -> dict[int, TermFigures]:
    """Each term's figures: two queries for any number of terms (the counts, the budget).
    `meetings=False` leaves the meeting questions unread (None): a surface that shows none
    of them (the dossier) then reads no table it does not show, which is what its cache's
    freshness rules (`portal.exports.freshness.SOURCES`) count on."""
    ids = sorted(set(term_ids))
    if not ids:
        return {}
    as_of = as_of or clock.today()
    parts = _counted(ids, as_of, meetings)
    statement = select(Term.id).where(Term.id.in_(ids))
    widths = []
    for part, _convert in parts:
        grouped = part.subquery()
        key, *columns = grouped.columns
        statement = statement.outerjoin(grouped, key == Term.id).add_columns(*columns)
        widths.append(len(columns))
    values: dict[int, list[Any]] = {}
    for found in db.session.execute(statement):
        term_id, row = found[0], found[1:]
        converted: list[Any] = []
        start = 0
        for (_part, convert), width in zip(parts, widths, strict=True):
            converted.append(convert(row[start:start + width]))
            start += width
        values[term_id] = converted
    budgets = budget_summaries_for_terms(ids)
    result = {}
    for term_id, (promises, reports, ratings, open_flags, *questions) in values.items():
        budget = budgets.get(term_id)
        result[term_id] = TermFigures(
            as_of=as_of, promises=promises, reports=reports, ratings=ratings,
            budget=budget.headline if budget else None, open_flags=open_flags,
            meeting_questions=questions[0] if questions else None, term_budget=budget)
    return result


def total(figures: Iterable[TermFigures], as_of: date) -> TermFigures:
    """The sum over several terms (an area): counts add up, shares follow from the sums.
    Ratings add up as counts and sums of scores; budgets are an area's own reading
    (`portal.budgets.readers`), so the sum carries none."""
    items = list(figures)
    reports = ReportSummary()
    count = scores = 0
    distribution = [0, 0, 0, 0, 0]
    for item in items:
        reports = reports + item.reports
        count, scores = count + item.ratings.count, scores + item.ratings.total
        distribution = [a + b for a, b in zip(distribution, item.ratings.distribution,
                                               strict=True)]
    return TermFigures(
        as_of=as_of, promises=combine(item.promises for item in items), reports=reports,
        ratings=RatingSummary(count, scores, (distribution[0], distribution[1],
                                              distribution[2], distribution[3],
                                              distribution[4])),
        budget=None, open_flags=sum(item.open_flags for item in items),
        meeting_questions=None if any(item.meeting_questions is None for item in items)
        else OpenQuestions(sum(item.meeting_questions.open for item in items
                               if item.meeting_questions),
                           sum(item.meeting_questions.overdue for item in items
                               if item.meeting_questions)))
