"""One entry point for the CLI and the daily job: evaluate and commit (which notifies)."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.extensions import db
from portal.recall import evaluation, petitions


def run_evaluation(as_of: date, actor: Any) -> dict[str, int]:
    """Close expired petitions, evaluate every serving term and commit once; the new flags'
    event, recorded in the same transaction, is delivered by the worker after the commit."""
    closed = petitions.close_expired(as_of)
    outcome = evaluation.evaluate(as_of, actor)
    # The commit hands the flags_raised event to the notifications worker.
    db.session.commit()
    return {"terms": outcome.evaluation.terms, "raised": len(outcome.raised_ids),
            "confirmed": outcome.confirmed, "cleared": len(outcome.cleared_ids),
            "rule_version": outcome.evaluation.rule_version, "petitions_closed": closed}
