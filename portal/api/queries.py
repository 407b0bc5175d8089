"""The few reads the API needs that no page has: a filtered list of akims, evidence counts.

Everything else comes from the domains' own set-based readers.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.akims.models import Akim, Term, TermStatus
from portal.budgets.models import BudgetCategory
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict
from portal.promises.models import Promise, PromiseEvidence, PromiseUpdate
from portal.textsearch import like_pattern


def _shown_term_id() -> Select:
    """Per akim, the term pages show: the serving one, else the most recent."""
    return (
        select(Term.id)
        .where(Term.akim_id == Akim.id)
        .order_by(case((Term.status == TermStatus.SERVING, 0), else_=1), Term.starts_on.desc(),
                  Term.id.desc())
        .limit(1)
        .correlate(Akim)
    )


def akim_page(*, region: Region | None, district: District | None, query: str | None,
              status: str, offset: int, limit: int) -> tuple[list[tuple[Akim, Term]], int]:
    """One page of akims with the term shown for each (its place loaded), and the total:
    two queries whatever the page size. Ordered by rural district KATO, then akim id."""
    if status == "serving":
        # The serving term is the one shown; joined directly, the term's status index serves
        # (an akim serving two rural districts at once would be listed in both).
        statement = select(Akim, Term).join(Term, and_(Term.akim_id == Akim.id,
                                                       Term.status == TermStatus.SERVING))
    else:
        statement = select(Akim, Term).join(Term, Term.id == _shown_term_id().scalar_subquery())
        if status == "ended":  # former akims: no serving term anywhere
            statement = statement.where(~exists().where(Term.akim_id == Akim.id,
                                                        Term.status == TermStatus.SERVING)
                                        .correlate(Akim))
    statement = (
        statement
        .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
        .join(District, District.id == RuralDistrict.district_id)
        .join(Region, Region.id == District.region_id)
    )
    if region is not None:
        statement = statement.where(District.region_id == region.id)
    if district is not None:
        statement = statement.where(RuralDistrict.district_id == district.id)
    if query:
        statement = statement.where(Akim.search_key.like(like_pattern(query), escape="\\"))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db.session.execute(
        statement
        .options(contains_eager(Term.rural_district)
                 .contains_eager(RuralDistrict.district)
                 .contains_eager(District.region))
        .order_by(RuralDistrict.kato, Akim.id)
        .offset(offset).limit(limit)
    )
    return [(row[0], row[1]) for row in rows], int(total)


def evidence_counts_for_terms(term_ids: Iterable[int]) -> dict[int, int]:
    """Promise id → links and files backing its updates, for every promise of the terms: one
    grouped query (promises without evidence are left out)."""
    ids = sorted(set(term_ids))
    if not ids:
        return {}
    statement = (
        select(PromiseUpdate.promise_id, func.count(PromiseEvidence.id))
        .join(PromiseEvidence, PromiseEvidence.update_id == PromiseUpdate.id)
        .join(Promise, Promise.id == PromiseUpdate.promise_id)
        .where(Promise.term_id.in_(ids))
        .group_by(PromiseUpdate.promise_id)
    )
    return {promise_id: int(count) for promise_id, count in db.session.execute(statement)}


def rural_district_by_kato(kato: str) -> RuralDistrict | None:
    """A rural district with its district and region: one query (the page's loader also
    loads villages and terms, which the API does not show)."""
    return db.session.scalar(
        select(RuralDistrict)
        .options(joinedload(RuralDistrict.district).joinedload(District.region))
        .where(RuralDistrict.kato == kato)
    )


def category_names() -> dict[str, dict[str, str]]:
    """Budget category code → its name in the three languages: one query (a few dozen)."""
    return {
        category.code: {"kk": category.name_kk, "ru": category.name_ru, "en": category.name_en}
        for category in db.session.scalars(select(BudgetCategory))
    }
