"""Finding an akim by name, a place at any level by name, or any place by KATO code.

Regions and districts are few (about 20 and 220) and change only with the classifier, so
they are matched in Python against their names in every spelling, with one typo tolerated
(`portal.textsearch.Matcher`); rural districts, villages and akims by their stored `search_key`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.akims.models import Akim, Term
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.textsearch import Matcher, fold, like_pattern
from portal.translit import to_latin
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
    regions: list[Region] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            (self.akims and self.akims.total)
            or self.rural_districts or self.settlements or self.districts or self.regions
        )


def search(query: str, per_page: int = 20) -> SearchResults:
    query = " ".join(query.split())[:100]
    results = SearchResults(query=query)
    if len(fold(query)) < MIN_QUERY_LENGTH:
        return results
    if query.isdigit():
        _search_kato(query, results)
        return results
    results.regions, results.districts = _regions_and_districts(query)
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


@lru_cache(maxsize=4096)
def _place_key(name_kk: str, name_ru: str, name_en: str, name_kk_latn: str = "") -> str:
    """A region's or district's names folded, with the Latin reading of the Russian name.
    Cached on the names themselves, so a renamed place gets a new key at once."""
    return fold(name_kk, name_ru, name_en, name_kk_latn, to_latin(name_ru))


def _regions_and_districts(query: str) -> tuple[list[Region], list[District]]:
    """Regions and districts whose name in any language or spelling matches, best first."""
    matcher = Matcher(query)
    regions = db.session.execute(select(
        Region.id, Region.kato2, Region.name_kk, Region.name_ru, Region.name_en,
        Region.name_kk_latn)).all()
    region_ranks = {row.id: (score, row.kato2) for row in regions if (score := matcher.rank(
        _place_key(row.name_kk, row.name_ru, row.name_en, row.name_kk_latn))) is not None}
    districts = db.session.execute(select(
        District.id, District.kato4, District.name_kk, District.name_ru, District.name_en)).all()
    district_ranks = {row.id: (score, row.kato4) for row in districts if (score := matcher.rank(
        _place_key(row.name_kk, row.name_ru, row.name_en))) is not None}
    best_regions = sorted(region_ranks, key=region_ranks.__getitem__)[:PLACES_LIMIT]
    best_districts = sorted(district_ranks, key=district_ranks.__getitem__)[:PLACES_LIMIT]
    found_regions = {region.id: region for region in db.session.scalars(
        select(Region).where(Region.id.in_(best_regions)))} if best_regions else {}
    found_districts = {district.id: district for district in db.session.scalars(
        select(District).options(joinedload(District.region))
        .where(District.id.in_(best_districts)))} if best_districts else {}
    return ([found_regions[i] for i in best_regions],
            [found_districts[i] for i in best_districts])


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
