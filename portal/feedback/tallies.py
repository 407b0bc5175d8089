"""The maintained rating tallies: a row appears with the first rating, then relative UPDATEs.

`UPDATE … SET rating_count = rating_count + 1` is applied by the database to the row as it
stands when the statement runs, so simultaneous votes serialise on the row and none is lost;
reading a count, adding in Python and writing it back would lose votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Table, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.feedback.models import SCORES, ReportRatingTally, TermRatingTally

TALLY_COLUMNS = ("rating_count", "rating_sum", *(f"rating_{score}" for score in SCORES))


@dataclass(frozen=True)
class RatingSummary:
    """Ratings in plain values: how many, their sum and how many of each score 1..5."""

    count: int
    total: int
    distribution: tuple[int, int, int, int, int]

    @property
    def average(self) -> Decimal | None:
        """The mean score (not rounded, so that thresholds compare exactly); None: no ratings."""
        return Decimal(self.total) / Decimal(self.count) if self.count else None

    @property
    def average_shown(self) -> Decimal | None:
        """The figure "average rating" (`portal.figures`): the mean rounded half up to two
        decimal places, as pages, the API, open data and documents all show it."""
        value = self.average
        return value.quantize(Decimal("0.01"), ROUND_HALF_UP) if value is not None else None

    def count_of(self, score: int) -> int:
        return self.distribution[score - 1]

    def share_of(self, score: int) -> Decimal:
        """The fraction of ratings with this score (0 when there are none)."""
        return Decimal(self.count_of(score)) / Decimal(self.count) if self.count else Decimal(0)

    @property
    def rows(self) -> list[tuple[int, int, Decimal]]:
        """(score, count, share), best score first, for tables and bars."""
        return [(score, self.count_of(score), self.share_of(score)) for score in reversed(SCORES)]

    def as_dict(self) -> dict[str, Any]:
        """For the JSON API: `avg` to two decimals, `distribution` keyed "1".."5"."""
        average = self.average_shown
        return {
            "avg": float(average) if average is not None else None,
            "count": self.count,
            "distribution": {str(score): self.count_of(score) for score in SCORES},
        }


NO_RATINGS = RatingSummary(0, 0, (0, 0, 0, 0, 0))


def summary_from(values: Any) -> RatingSummary:
    """From a row of the tally columns in TALLY_COLUMNS order (NULLs: no tally row yet)."""
    count, total, *scores = (int(value or 0) for value in values)
    return RatingSummary(count, total, (scores[0], scores[1], scores[2], scores[3], scores[4]))


def score_deltas(previous: int | None, score: int) -> dict[str, int]:
    """What a new rating (previous None) or a changed one does to the tally columns."""
    if previous is None:
        return {"rating_count": 1, "rating_sum": score, f"rating_{score}": 1}
    if previous == score:
        return {}
    return {"rating_sum": score - previous, f"rating_{previous}": -1, f"rating_{score}": 1}


def ensure_report_row(report_id: int) -> None:
    """Create the report's tally if it has none. On SQLite this write is also what takes the
    database's write lock, so make it the transaction's first statement (see ratings.py)."""
    _insert_ignore(ReportRatingTally.__table__, {"report_id": report_id})


def ensure_term_row(term_id: int) -> None:
    _insert_ignore(TermRatingTally.__table__, {"term_id": term_id})


def apply_change(report_id: int, term_id: int, previous: int | None, score: int) -> None:
    """Add one rating (or move one from `previous` to `score`) to the report and the term."""
    deltas = score_deltas(previous, score)
    if not deltas:
        return
    for model, key_column, key in ((ReportRatingTally, ReportRatingTally.report_id, report_id),
                                   (TermRatingTally, TermRatingTally.term_id, term_id)):
        values = {name: getattr(model, name) + delta for name, delta in deltas.items()}
        db.session.execute(update(model).where(key_column == key).values(values)
                           .execution_options(synchronize_session=False))


def _insert_ignore(table: Any, values: dict[str, Any]) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    zeros = dict.fromkeys(TALLY_COLUMNS, 0)
    target: Table = table
    db.session.execute(insert(target).values({**zeros, **values}).on_conflict_do_nothing())
