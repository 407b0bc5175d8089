"""Every figure of any number of terms in six queries, and their sums over an area.

The values are the domains' own types, computed by their set-based readers; this module only
puts them side by side with the day they are counted on, so that a surface (or the parity
test) reads all the figures of a term from one place:

- promises: `PromiseSummary` (`kept_due`, `broken_due`, their shares of `due`, `kept_early`,
  `overdue`);
- reports: `ReportSummary` (`due`, `on_time`, `late`, `missing`);
- ratings: `RatingSummary` (`average_shown`, `count`);
- budget: the headline year's `YearIndicators` (`own_plan_execution`, `plan_execution`,
  `own_share`), None without figures on record;
- open flags: a count;
- questions raised at meetings with residents and still open: `OpenQuestions` (`open`,
  `overdue`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal import clock
from portal.budgets.indicators import YearIndicators
from portal.budgets.readers import budget_summaries_for_terms
from portal.feedback.readers import rating_summaries_for_terms
from portal.feedback.tallies import NO_RATINGS, RatingSummary
from portal.meetings.readers import OpenQuestions, open_questions_for_terms
from portal.promises.readers import PromiseSummary, combine, summaries_for_terms
from portal.recall.readers import open_flag_counts_for_terms
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
    meeting_questions: OpenQuestions = OpenQuestions()

    def values(self) -> dict[str, Value]:
        """Slug → value, for every figure of `portal.figures.definitions` (days overdue is
        per report, not per term, and is left out)."""
        p, r, b = self.promises, self.reports, self.budget
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
            "open-flags": self.open_flags,
            "meeting-questions-open": self.meeting_questions.open,
            "meeting-questions-overdue": self.meeting_questions.overdue,
        }


def figures_for_terms(term_ids: Iterable[int],
                      as_of: date | None = None) -> dict[int, TermFigures]:
    """Each term's figures: six queries for any number of terms."""
    ids = sorted(set(term_ids))
    if not ids:
        return {}
    as_of = as_of or clock.today()
    promises = summaries_for_terms(ids, as_of)
    reports = report_readers.summaries_for_terms(ids, as_of)
    ratings = rating_summaries_for_terms(ids)
    budgets = budget_summaries_for_terms(ids)
    flags = open_flag_counts_for_terms(ids)
    questions = open_questions_for_terms(ids, as_of)
    result = {}
    for term_id in ids:
        budget = budgets.get(term_id)
        result[term_id] = TermFigures(
            as_of=as_of, promises=promises.get(term_id, PromiseSummary()),
            reports=reports.get(term_id, ReportSummary()),
            ratings=ratings.get(term_id, NO_RATINGS),
            budget=budget.headline if budget else None,
            open_flags=flags.get(term_id, 0),
            meeting_questions=questions.get(term_id, OpenQuestions()))
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
        meeting_questions=OpenQuestions(
            sum(item.meeting_questions.open for item in items),
            sum(item.meeting_questions.overdue for item in items)))
