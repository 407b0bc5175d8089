"""The few reads the API needs that no page has: a filtered list of akims, evidence counts.

Everything else comes from the domains' own set-based readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, String, and_, case, exists, func, select, type_coerce
from sqlalchemy.orm import joinedload

from portal.akims.models import Akim, Term, TermStatus
from portal.budgets.models import BudgetCategory, BudgetFunction
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


@dataclass(frozen=True, slots=True)
class AkimListRow:
    """An akim with the term shown, as plain values: a list page of 200 akims reads these
    rather than 1,000 ORM objects (a third of the time, and far less garbage)."""

    akim_id: int
    full_name: str
    full_name_latn: str
    party: str | None
    term_id: int
    starts_on: date
    ends_on: date
    ended_on: date | None
    status: str
    end_reason: str | None
    kato: str
    name_kk: str
    name_ru: str
    name_en: str
    district_kato: str
    region_kato: str
    akim_synthetic: bool
    term_synthetic: bool


_LIST_COLUMNS = (
    Akim.id, Akim.full_name, Akim.full_name_latn, Akim.party, Term.id, Term.starts_on,
    Term.ends_on, Term.ended_on, type_coerce(Term.status, String),
    type_coerce(Term.end_reason, String), RuralDistrict.kato, RuralDistrict.name_kk,
    RuralDistrict.name_ru, RuralDistrict.name_en, District.kato4, Region.kato2, Akim.synthetic,
    Term.synthetic,
)


def akim_page(*, region: Region | None, district: District | None, query: str | None,
              status: str, offset: int, limit: int) -> tuple[list[AkimListRow], int]:
    """One page of akims with the term shown for each and its place, and the total: two
    queries whatever the page size. Ordered by rural district KATO, then akim id."""
    if status == "serving":
        # The serving term is the one shown; joined directly, the term's status index serves
        # (an akim serving two rural districts at once would be listed in both).
        statement = select(*_LIST_COLUMNS).join(Term, and_(Term.akim_id == Akim.id,
                                                            Term.status == TermStatus.SERVING))
    else:
        statement = select(*_LIST_COLUMNS).join(
            Term, Term.id == _shown_term_id().scalar_subquery())
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
    rows = db.session.execute(statement.order_by(RuralDistrict.kato, Akim.id)
                              .offset(offset).limit(limit))
    return [_list_row(tuple(row)) for row in rows], int(total)


def _list_row(values: tuple[Any, ...]) -> AkimListRow:
    return AkimListRow(*values)


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


def function_names() -> dict[str, dict[str, str]]:
    """Spending functional group code → its name in the three languages: one query."""
    return {
        item.code: {"kk": item.name_kk, "ru": item.name_ru, "en": item.name_en}
        for item in db.session.scalars(select(BudgetFunction))
    }
