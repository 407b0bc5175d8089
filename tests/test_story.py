"""The story holds (issue 20, point 5): the demo seed reads as one believable story to someone
who knows the country. Each test is one rule; the national seed follows the same code."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, or_, select

from portal import seed
from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.feedback.models import Comment, Rating
from portal.geo.models import Settlement
from portal.promises.models import Promise, PromiseAmendment, promise_settlement
from portal.recall.models import PetitionSignature
from portal.seed.context import Scale

AS_OF = date(2026, 11, 1)
RELIGIOUS = re.compile(r"\b(?:мечет|мешіт|церк|шіркеу|храм|ғибадат|mosque|church|temple)",
                       re.IGNORECASE)


@pytest.fixture(autouse=True)
def _demo() -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)


def test_every_election_is_on_a_sunday() -> None:
    days = set(db.session.scalars(select(Term.elected_on)))
    assert days and {day for day in days if day.weekday() != 6} == set()


def test_about_a_third_of_terms_come_from_the_first_elections_of_25_july_2021() -> None:
    dates = list(db.session.scalars(select(Term.elected_on)))
    share = sum(day == date(2021, 7, 25) for day in dates) / len(dates)
    assert 0.2 <= share <= 0.45, share
    assert any(day.year >= 2023 for day in dates)  # the rest as appointed akims' terms ended


def test_promises_name_only_villages_of_their_rural_district() -> None:
    stray = db.session.execute(
        select(Promise.id, Settlement.kato)
        .join(promise_settlement, promise_settlement.c.promise_id == Promise.id)
        .join(Settlement, Settlement.id == promise_settlement.c.settlement_id)
        .join(Term, Term.id == Promise.term_id)
        .where(Settlement.rural_district_id != Term.rural_district_id)).all()
    assert stray == []
    assert db.session.scalar(select(func.count()).select_from(promise_settlement)) > 0


def test_no_promise_is_about_a_religious_building() -> None:
    titles = list(db.session.scalars(select(Promise.title)))
    assert titles and [title for title in titles if RELIGIOUS.search(title)] == []


def test_time_runs_forward() -> None:
    """An account exists (and is verified) before it rates or signs; it exists before it
    comments; a promise exists before it is amended."""
    early_ratings = db.session.scalar(
        select(func.count()).select_from(Rating).join(User, User.id == Rating.user_id)
        .where(or_(Rating.created_at < User.created_at,
                   Rating.created_at < User.resident_verified_at)))
    early_signatures = db.session.scalar(
        select(func.count()).select_from(PetitionSignature)
        .join(User, User.id == PetitionSignature.user_id)
        .where(or_(User.resident_verified_at.is_(None),
                   PetitionSignature.signed_at < User.resident_verified_at)))
    early_comments = db.session.scalar(
        select(func.count()).select_from(Comment).join(User, User.id == Comment.author_id)
        .where(Comment.created_at < User.created_at))
    early_amendments = db.session.scalar(
        select(func.count()).select_from(PromiseAmendment)
        .join(Promise, Promise.id == PromiseAmendment.promise_id)
        .where(PromiseAmendment.created_at < Promise.created_at))
    assert (early_ratings, early_signatures, early_comments, early_amendments) == (0, 0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(Rating)) > 0
