"""The rules of a promise's status: who may move it where, what a claim needs, what counts.

Pure functions and constants, no database: the services enforce them, the forms offer only
what they allow, docs/promises.md shows them as a table, and tests walk every pair.
"""

from __future__ import annotations

from datetime import date

from portal.promises.models import PromiseStatus as S

# What an akim may claim (never "not yet rated", the default; never "not verifiable", which
# is a verifier's finding).
CLAIMABLE: tuple[S, ...] = (
    S.IN_PROGRESS, S.STALLED, S.PARTIALLY_KEPT, S.KEPT, S.BROKEN, S.OUTSIDE_COMPETENCE,
    S.WITHDRAWN,
)
# Closed for the akim: only a verifier's reopening sets the claim back to "in progress".
CLOSED: frozenset[S] = frozenset({S.KEPT, S.BROKEN, S.WITHDRAWN})

# From the current claimed status to the statuses the akim may claim next. Repeating an open
# status is a progress update.
CLAIM_TRANSITIONS: dict[S, tuple[S, ...]] = {
    S.NOT_YET_RATED: CLAIMABLE,
    S.IN_PROGRESS: CLAIMABLE,
    S.STALLED: CLAIMABLE,
    S.PARTIALLY_KEPT: (S.IN_PROGRESS, S.PARTIALLY_KEPT, S.KEPT),
    S.OUTSIDE_COMPETENCE: (S.IN_PROGRESS, S.OUTSIDE_COMPETENCE, S.BROKEN, S.WITHDRAWN),
    S.KEPT: (),
    S.BROKEN: (),
    S.WITHDRAWN: (),
    S.NOT_VERIFIABLE: (),  # never a claimed status; listed so every status has a row
}

# A verifier may record any finding except the default, whatever the claim says, and may
# revise it later: the verdict is independent of the claim.
VERDICTS: tuple[S, ...] = tuple(status for status in S if status is not S.NOT_YET_RATED)

# A claim that the work is done must show it.
CLAIMS_NEEDING_EVIDENCE: frozenset[S] = frozenset({S.KEPT, S.PARTIALLY_KEPT})

# Indicators: a promise is overdue when its deadline has passed and it is still open.
OPEN_STATUSES: frozenset[S] = frozenset({
    S.NOT_YET_RATED, S.IN_PROGRESS, S.STALLED, S.PARTIALLY_KEPT,
})


def allowed_claims(current: S) -> tuple[S, ...]:
    return CLAIM_TRANSITIONS[current]


def claim_allowed(current: S, new: S) -> bool:
    return new in CLAIM_TRANSITIONS[current]


def evidence_required(new: S, deadline: date, today: date, *, verdict: bool = False) -> bool:
    """Broken before the deadline needs evidence, always; a claim of done needs it too."""
    if new is S.BROKEN and today < deadline:
        return True
    return not verdict and new in CLAIMS_NEEDING_EVIDENCE


def effective_status(claimed: S, verified: S | None) -> S:
    """What indicators count: the independent verdict where there is one, else the claim."""
    return verified if verified is not None else claimed
