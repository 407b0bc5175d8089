"""Promises and their programme. A promise's programme is registered (frozen at the term's
start) unless `baseline="draft"` or another date is passed."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from sqlalchemy import select

from portal.extensions import db
from portal.promises.models import Programme, Promise, PromiseCategory, PromiseStatus
from tests.factories.akims import TermFactory
from tests.factories.base import BaseFactory


class ProgrammeFactory(BaseFactory):
    class Meta:
        model = Programme

    term = factory.SubFactory(TermFactory)
    baseline_date = factory.LazyAttribute(lambda o: o.term.starts_on)

    class Params:
        draft = factory.Trait(baseline_date=None)


class PromiseFactory(BaseFactory):
    class Meta:
        model = Promise

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lay a water pipe to village {n}")
    description = "Two kilometres of pipe and a pumping station."
    language = "en"
    category = PromiseCategory.ENGINEERING
    deadline = date(2025, 12, 1)
    original_deadline = factory.LazyAttribute(lambda o: o.deadline)
    cost_estimate = 45_000_000
    funding_source = None
    inherited = False
    in_baseline = True
    claimed_status = PromiseStatus.NOT_YET_RATED
    claimed_progress = 0
    status = factory.LazyAttribute(lambda o: o.verified_status or o.claimed_status)
    verified_status = None
    confirm_count = 0
    dispute_count = 0
    amendment_count = 0

    @factory.post_generation
    def baseline(obj: Promise, create: bool, extracted: Any, **_kwargs: Any) -> None:  # noqa: N805
        """Make sure the term has a programme: frozen at the term's start by default."""
        if not create:
            return
        programme = db.session.scalar(select(Programme).where(Programme.term_id == obj.term_id))
        if programme is not None:
            return
        baseline_date = obj.term.starts_on if extracted is None else (
            None if extracted == "draft" else extracted)
        db.session.add(Programme(term_id=obj.term_id, baseline_date=baseline_date))
        db.session.commit()
