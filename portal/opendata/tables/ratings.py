"""Residents' ratings as aggregates only: never who rated."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from portal.akims.models import Term
from portal.feedback.models import ReportRatingTally, TermRatingTally
from portal.opendata.columns import SYNTHETIC, Column, I, Table, stream
from portal.reports.models import Report


def _distribution(prefix: str) -> list[Column]:
    return [I("rating_count", f"How many verified residents rated {prefix}."),
            I("rating_sum", "The sum of their scores (average = sum / count)."),
            *[I(f"rating_{score}", f"How many gave {score} of 5.") for score in range(1, 6)]]


def _tally_columns(model: Any) -> tuple[Any, ...]:
    return (model.rating_count, model.rating_sum, model.rating_1, model.rating_2,
            model.rating_3, model.rating_4, model.rating_5)


def _report_ratings() -> Iterator[tuple[Any, ...]]:
    return stream(select(ReportRatingTally.report_id, *_tally_columns(ReportRatingTally),
                         Report.synthetic)
                  .join(Report, Report.id == ReportRatingTally.report_id)
                  .where(Report.first_published_at.is_not(None))
                  .order_by(ReportRatingTally.report_id))


def _term_ratings() -> Iterator[tuple[Any, ...]]:
    return stream(select(TermRatingTally.term_id, *_tally_columns(TermRatingTally),
                         Term.synthetic)
                  .join(Term, Term.id == TermRatingTally.term_id)
                  .order_by(TermRatingTally.term_id))


RATINGS = [
    Table("report_ratings", "Report ratings", "Ratings of each published report by verified "
          "residents of its rural district: counts only, never who rated.",
          [I("report_id", "The report."), *_distribution("the report"),
           SYNTHETIC("report's ratings (the report is fictional)")],
          rows=_report_ratings, primary_key=["report_id"],
          foreign_keys=[("report_id", "reports", "id")]),
    Table("term_ratings", "Term ratings", "All ratings of all published reports of a term: "
          "what the akim's profile shows.",
          [I("term_id", "The term."), *_distribution("any report of the term"),
           SYNTHETIC("term's ratings (the term is fictional)")],
          rows=_term_ratings, primary_key=["term_id"],
          foreign_keys=[("term_id", "terms", "id")]),
]
