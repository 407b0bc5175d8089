"""`flask feedback reconcile`: the tallies against the rating rows, and repairs on request."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, update

from portal.extensions import db
from portal.feedback.models import Rating, ReportRatingTally, TermRatingTally
from portal.feedback.readers import rating_distribution_for_report
from tests.feedback.helpers import published_report, rate, resident


def _run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["feedback", "reconcile", *args])


def test_consistent_tallies_show_no_mismatch(app: Flask) -> None:
    report = published_report()
    for score in (1, 4, 4):
        rate(report, resident(report.term), score)
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "0 mismatches" in result.output


def test_wrong_tallies_are_reported_and_fixed(app: Flask) -> None:
    report = published_report()
    voters = [resident(report.term) for _ in range(3)]
    for voter, score in zip(voters, (5, 2, 3), strict=True):
        rate(report, voter, score)
    report_id, term_id = report.id, report.term_id
    # A tally knocked out of line, and a rating row removed behind the service's back.
    db.session.execute(update(ReportRatingTally).where(ReportRatingTally.report_id == report_id)
                       .values(rating_count=4, rating_sum=15, rating_5=2))
    db.session.execute(delete(Rating).where(Rating.user_id == voters[1].id))
    db.session.commit()
    result = _run(app)
    assert result.exit_code == 1
    assert "2 mismatches" in result.output
    assert f"report {report_id}: stored 4 ratings, sum 15" in result.output
    assert f"term {term_id}: stored 3 ratings, sum 10" in result.output
    result = _run(app, "--fix")
    assert result.exit_code == 0, result.output
    assert "Fixed 2 tallies." in result.output
    summary = rating_distribution_for_report(report_id)
    assert (summary.count, summary.total, summary.distribution) == (2, 8, (0, 0, 1, 0, 1))
    term = db.session.get(TermRatingTally, term_id)
    assert term is not None and (term.rating_count, term.rating_sum) == (2, 8)
    assert "0 mismatches" in _run(app).output


def test_a_missing_tally_row_is_created(app: Flask) -> None:
    report = published_report()
    rate(report, resident(report.term), 4)
    report_id = report.id
    db.session.execute(delete(ReportRatingTally).where(ReportRatingTally.report_id == report_id))
    db.session.commit()
    assert "1 mismatches" in _run(app).output
    _run(app, "--fix")
    assert rating_distribution_for_report(report_id).count == 1
