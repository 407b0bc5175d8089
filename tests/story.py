"""The rules of the seed's story (issue 20, point 5), as queries over a seeded database.

Each function returns what breaks its rule (an empty list when the story holds) or the figure
the tests bound; `tests/test_story.py` asks them of the demo seed and `tests/parity/
test_story.py` of the national seed (built once for the parity tests).
"""

from __future__ import annotations

import re
import statistics
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.akims.models import Term
from portal.budgets.readers import budget_summaries_for_rural_districts
from portal.extensions import db
from portal.feedback.models import Comment, Rating
from portal.geo.models import Settlement
from portal.promises.models import Promise, PromiseAmendment, promise_settlement
from portal.recall.models import PetitionSignature

FIRST_ELECTIONS = date(2021, 7, 25)
RELIGIOUS = re.compile(r"\b(?:мечет|мешіт|церк|шіркеу|храм|ғибадат|mosque|church|temple)",
                       re.IGNORECASE)


def elections_not_on_a_sunday() -> list[date]:
    days = set(db.session.scalars(select(Term.elected_on)))
    assert days
    return sorted(day for day in days if day.weekday() != 6)


def first_elections_share() -> float:
    dates = list(db.session.scalars(select(Term.elected_on)))
    return sum(day == FIRST_ELECTIONS for day in dates) / len(dates)


def latest_election_year() -> int:
    return max(day.year for day in db.session.scalars(select(Term.elected_on)))


def promises_in_other_units() -> list[tuple[int, str]]:
    """Promises placed in a village of another rural district than their term's."""
    assert db.session.scalar(select(func.count()).select_from(promise_settlement))
    return [tuple(row) for row in db.session.execute(  # type: ignore[misc]
        select(Promise.id, Settlement.kato)
        .join(promise_settlement, promise_settlement.c.promise_id == Promise.id)
        .join(Settlement, Settlement.id == promise_settlement.c.settlement_id)
        .join(Term, Term.id == Promise.term_id)
        .where(Settlement.rural_district_id != Term.rural_district_id))]


def religious_promises() -> list[str]:
    titles = list(db.session.scalars(select(Promise.title)))
    assert titles
    return [title for title in titles if RELIGIOUS.search(title)]


def time_running_backwards() -> dict[str, int]:
    """Counts of records older than what they need: a rating before its author's account
    and verification, a signature before (or without) verification, a comment before the
    account, an amendment before its promise."""
    counts = {
        "ratings": db.session.scalar(
            select(func.count()).select_from(Rating).join(User, User.id == Rating.user_id)
            .where(or_(Rating.created_at < User.created_at,
                       Rating.created_at < User.resident_verified_at))),
        "signatures": db.session.scalar(
            select(func.count()).select_from(PetitionSignature)
            .join(User, User.id == PetitionSignature.user_id)
            .where(or_(User.resident_verified_at.is_(None),
                       PetitionSignature.signed_at < User.resident_verified_at))),
        "comments": db.session.scalar(
            select(func.count()).select_from(Comment).join(User, User.id == Comment.author_id)
            .where(Comment.created_at < User.created_at)),
        "amendments": db.session.scalar(
            select(func.count()).select_from(PromiseAmendment)
            .join(Promise, Promise.id == PromiseAmendment.promise_id)
            .where(PromiseAmendment.created_at < Promise.created_at)),
    }
    assert db.session.scalar(select(func.count()).select_from(Rating))
    return {name: count for name, count in counts.items() if count}


def own_revenue_shares(year: int) -> list[Decimal]:
    """Each rural district's own revenue share of the year, as its budget pages show it
    (`portal.budgets.readers`), smallest first."""
    unit_ids = list(db.session.scalars(select(Term.rural_district_id).distinct()))
    shares = [item.own_share
              for series in budget_summaries_for_rural_districts(unit_ids).values()
              for item in series if item.year == year and item.own_share is not None]
    assert shares
    return sorted(shares)


def median(values: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(values))
