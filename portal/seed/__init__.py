"""Deterministic synthetic data on the real map: `flask seed --scale demo|national`.

Each domain adds a step module; STEPS runs them in order over one shared SeedContext.
Synthetic people and villages are fictional; the site shows a "demo data" ribbon.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from portal import audit, clock
from portal.akims.models import Akim
from portal.extensions import db
from portal.search import index as search_index
from portal.seed import (
    accounts,
    budgets,
    feedback,
    geo,
    meetings,
    people,
    promises,
    recall,
    reports,
)
from portal.seed.context import Scale, SeedContext, reset_sequences
from portal.web.models import DATA_ORIGIN, SYNTHETIC, set_meta

STEPS: tuple[Callable[[SeedContext], None], ...] = (
    geo.seed,
    people.seed,
    accounts.seed,
    budgets.seed,  # before promises: what a rural district pays itself fits its budget
    promises.seed,
    reports.seed,
    meetings.seed,
    feedback.seed,
    recall.seed,
)


class SeedError(RuntimeError):
    """The seed cannot run here; the message says why."""


def database_is_empty() -> bool:
    """No akim yet: the map alone (`flask geo import-kato`) may already be loaded."""
    return db.session.scalar(select(Akim.id).limit(1)) is None


def run(scale: Scale, seed: int = 2026, as_of: date | None = None,
        progress: Callable[[str], None] = lambda _message: None) -> SeedContext:
    """Fill an empty database. Flushes; the caller commits once at the end."""
    if not database_is_empty():
        raise SeedError("The database already has akims; seed only an empty one.")
    ctx = SeedContext(scale=scale, seed=seed, as_of=as_of or clock.today(), progress=progress)
    for step in STEPS:
        step(ctx)
        db.session.flush()
    reset_sequences()
    search_index.rebuild(db.session())  # the steps insert in bulk, past the flush hook
    set_meta(DATA_ORIGIN, SYNTHETIC)
    audit.record("seed", "seed.run", None, None,
                 {"scale": scale.value, "seed": seed, "as_of": ctx.as_of.isoformat()})
    return ctx
