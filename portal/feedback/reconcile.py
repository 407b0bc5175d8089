"""Checking the maintained tallies against the rating rows, and repairing them on request.

Both sides are computed set-based (one GROUP BY over the ratings per level, one read of the
tallies); only the differences are written back by `--fix`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, insert, select, update

from portal import audit
from portal.extensions import db
from portal.feedback.models import SCORES, Rating, ReportRatingTally, TermRatingTally
from portal.feedback.tallies import NO_RATINGS, TALLY_COLUMNS, RatingSummary, summary_from
from portal.reports.models import Report


@dataclass(frozen=True)
class Mismatch:
    level: str  # "report" or "term"
    key: int
    stored: RatingSummary
    actual: RatingSummary


@dataclass
class ReconcileResult:
    reports_checked: int = 0
    terms_checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    fixed: int = 0


def _counted(key: Any) -> Any:
    return select(key, func.count(), func.sum(Rating.score),
                  *(func.sum(case((Rating.score == score, 1), else_=0)) for score in SCORES))


def _actual_by_report() -> dict[int, RatingSummary]:
    rows = db.session.execute(_counted(Rating.report_id).group_by(Rating.report_id))
    return {key: summary_from(values) for key, *values in rows}


def _actual_by_term() -> dict[int, RatingSummary]:
    rows = db.session.execute(_counted(Report.term_id).join(Report, Report.id == Rating.report_id)
                              .group_by(Report.term_id))
    return {key: summary_from(values) for key, *values in rows}


def _stored(model: Any, key_column: Any) -> dict[int, RatingSummary]:
    rows = db.session.execute(select(key_column, *(getattr(model, name)
                                                   for name in TALLY_COLUMNS)))
    return {key: summary_from(values) for key, *values in rows}


def _compare(level: str, stored: dict[int, RatingSummary],
             actual: dict[int, RatingSummary]) -> list[Mismatch]:
    found = []
    for key in sorted(set(stored) | set(actual)):
        have, want = stored.get(key, NO_RATINGS), actual.get(key, NO_RATINGS)
        if have != want:
            found.append(Mismatch(level, key, have, want))
    return found


def reconcile(fix: bool = False, actor: str = "cli") -> ReconcileResult:
    """Compare every tally with its ratings; with `fix`, set the mismatched ones right."""
    report_stored = _stored(ReportRatingTally, ReportRatingTally.report_id)
    term_stored = _stored(TermRatingTally, TermRatingTally.term_id)
    result = ReconcileResult(reports_checked=len(report_stored), terms_checked=len(term_stored))
    result.mismatches = (_compare("report", report_stored, _actual_by_report())
                         + _compare("term", term_stored, _actual_by_term()))
    if fix and result.mismatches:
        for mismatch in result.mismatches:
            _write(mismatch, mismatch.key in (report_stored if mismatch.level == "report"
                                              else term_stored))
        result.fixed = len(result.mismatches)
        audit.record(actor, "rating.reconcile_fix", None, None,
                     {"fixed": result.fixed,
                      "reports": sum(m.level == "report" for m in result.mismatches),
                      "terms": sum(m.level == "term" for m in result.mismatches)})
    return result


def _write(mismatch: Mismatch, exists: bool) -> None:
    model: Any = ReportRatingTally if mismatch.level == "report" else TermRatingTally
    key_column = model.report_id if mismatch.level == "report" else model.term_id
    actual = mismatch.actual
    values = {"rating_count": actual.count, "rating_sum": actual.total,
              **{f"rating_{score}": actual.count_of(score) for score in SCORES}}
    if exists:
        db.session.execute(update(model).where(key_column == mismatch.key).values(values)
                           .execution_options(synchronize_session=False))
    else:
        db.session.execute(insert(model).values({key_column.key: mismatch.key, **values}))
