"""One entry point for the CLI and the daily job: evaluate, commit, then notify."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.extensions import db
from portal.recall import evaluation, petitions


def run_evaluation(as_of: date, actor: Any) -> dict[str, int]:
    """Close expired petitions, evaluate every serving term, commit once, then queue the
    notices of new flags (after the commit, so they describe saved flags)."""
    closed = petitions.close_expired(as_of)
    outcome = evaluation.evaluate(as_of, actor)
    db.session.commit()
    from portal.recall.tasks import notify_flags_raised

    if outcome.raised_ids:
        notify_flags_raised(outcome.raised_ids)
    return {"terms": outcome.evaluation.terms, "raised": len(outcome.raised_ids),
            "confirmed": outcome.confirmed, "cleared": len(outcome.cleared_ids),
            "rule_version": outcome.evaluation.rule_version, "petitions_closed": closed}
