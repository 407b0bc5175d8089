"""Finding an akim by name, a village or rural district by name, or any place by KATO code."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.akims.models import Akim, Term
from portal.extensions import db
from portal.geo.models import District, RuralDistrict, Settlement
from portal.textsearch import fold, like_pattern
from portal.web.pagination import Page, paginate

MIN_QUERY_LENGTH = 2
PLACES_LIMIT = 20


@dataclass
class SearchResults:
    query: str
    akims: Page[Akim] | None = None
    rural_districts: list[RuralDistrict] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    districts: list[District] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            (self.akims and self.akims.total)
            or self.rural_districts or self.settlements or self.districts
        )


def search(query: str, per_page: int = 20) -> SearchResults:
    query = " ".join(query.split())[:100]
    results = SearchResults(query=query)
    if len(fold(query)) < MIN_QUERY_LENGTH:
        return results
    if query.isdigit():
        _search_kato(query, results)
        return results
    pattern = like_pattern(query)
    akims = (
        select(Akim)
        .options(
            selectinload(Akim.terms).joinedload(Term.rural_district).joinedload(
                RuralDistrict.district
            )
        )
        .where(Akim.search_key.like(pattern, escape="\\"))
        .order_by(Akim.full_name, Akim.id)
    )
    results.akims = paginate(akims, per_page)
    results.rural_districts = list(db.session.scalars(
        select(RuralDistrict)
        .options(joinedload(RuralDistrict.district).joinedload(District.region))
        .where(RuralDistrict.search_key.like(pattern, escape="\\"))
        .order_by(RuralDistrict.kato)
        .limit(PLACES_LIMIT)
    ))
    results.settlements = list(db.session.scalars(
        select(Settlement)
        .options(joinedload(Settlement.rural_district).joinedload(RuralDistrict.district))
        .where(Settlement.search_key.like(pattern, escape="\\"))
        .order_by(Settlement.kato)
        .limit(PLACES_LIMIT)
    ))
    return results


def _search_kato(code: str, results: SearchResults) -> None:
    """A KATO code or its prefix: 4 digits name a district, 9 a rural district or village."""
    if len(code) <= 4:
        results.districts = list(db.session.scalars(
            select(District).options(joinedload(District.region))
            .where(District.kato4.startswith(code)).order_by(District.kato4).limit(PLACES_LIMIT)
        ))
    prefix = code.rstrip("0") if len(code) == 9 else code
    prefix = prefix or code
    results.rural_districts = list(db.session.scalars(
        select(RuralDistrict)
        .options(joinedload(RuralDistrict.district).joinedload(District.region))
        .where(or_(RuralDistrict.kato == code, RuralDistrict.kato.startswith(prefix)))
        .order_by(RuralDistrict.kato)
        .limit(PLACES_LIMIT)
    ))
    results.settlements = list(db.session.scalars(
        select(Settlement)
        .options(joinedload(Settlement.rural_district).joinedload(RuralDistrict.district))
        .where(Settlement.kato == code)
        .limit(PLACES_LIMIT)
    ))
