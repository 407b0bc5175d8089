"""The area a bundle covers: the nation, a region (KATO2) or a district (KATO4)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict


class ScopeLevel(enum.StrEnum):
    NATION = "nation"
    REGION = "region"
    DISTRICT = "district"


@dataclass(frozen=True)
class Scope:
    level: ScopeLevel
    code: str | None = None  # KATO2 of a region, KATO4 of a district; None for the nation

    @property
    def key(self) -> str:
        """'nation', 'region:61', 'district:6136': the form value and the stored scope."""
        return self.level.value if self.code is None else f"{self.level.value}:{self.code}"

    @classmethod
    def parse(cls, text: str | None) -> Scope | None:
        """A scope from its key, or None when it is malformed (existence is checked apart)."""
        text = (text or "").strip()
        if text == ScopeLevel.NATION.value:
            return cls(ScopeLevel.NATION)
        match = re.fullmatch(r"(region|district):(\d{2}|\d{4})", text)
        if match is None:
            return None
        level = ScopeLevel(match.group(1))
        code = match.group(2)
        if len(code) != (2 if level is ScopeLevel.REGION else 4):
            return None
        return cls(level, code)

    def area(self) -> Region | District | None:
        """The region or district; None for the nation or an unknown code."""
        if self.level is ScopeLevel.REGION:
            return db.session.scalar(select(Region).where(Region.kato2 == self.code))
        if self.level is ScopeLevel.DISTRICT:
            return db.session.scalar(select(District).where(District.kato4 == self.code))
        return None

    def exists(self) -> bool:
        return self.level is ScopeLevel.NATION or self.area() is not None

    def serving_terms(self) -> list[int]:
        """Ids of the serving terms in the area, ordered by region, district and rural district
        KATO code: one query."""
        statement = (
            select(Term.id)
            .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .join(Region, Region.id == District.region_id)
            .where(Term.status == TermStatus.SERVING)
            .order_by(Region.kato, District.kato, RuralDistrict.kato)
        )
        if self.level is ScopeLevel.REGION:
            statement = statement.where(Region.kato2 == self.code)
        elif self.level is ScopeLevel.DISTRICT:
            statement = statement.where(District.kato4 == self.code)
        return list(db.session.scalars(statement))

    def name_in(self, language: str, nation: str) -> str:
        """The area's name in `language`; `nation` is the translated word for the country."""
        area = self.area()
        return area.name_in(language) if area is not None else nation


def area_choices(language: str, nation_label: str,
                 region_label: str) -> dict[str, list[tuple[str, str]]]:
    """The form's areas, grouped by region, with the number of serving akims in each: one
    query. Areas without a serving akim (the cities, city districts) are left out.
    `region_label` is a translated pattern with %(region)s and %(count)s."""
    counts = db.session.execute(
        select(District, func.count(Term.id))
        .join(RuralDistrict, RuralDistrict.district_id == District.id)
        .join(Term, Term.rural_district_id == RuralDistrict.id)
        .options(joinedload(District.region))
        .where(Term.status == TermStatus.SERVING)
        .group_by(District.id)
        .order_by(District.kato)
    ).all()
    by_region: dict[Region, list[tuple[District, int]]] = {}
    for district, count in counts:
        by_region.setdefault(district.region, []).append((district, int(count)))
    total = sum(int(count) for _district, count in counts)
    choices: dict[str, list[tuple[str, str]]] = {
        nation_label: [(ScopeLevel.NATION.value, f"{nation_label} ({total})")]}
    for region in sorted(by_region, key=lambda item: item.kato):
        districts = by_region[region]
        name = region.name_in(language)
        group = [(Scope(ScopeLevel.REGION, region.kato2).key,
                  region_label % {"region": name,
                                  "count": sum(count for _district, count in districts)})]
        group += [(Scope(ScopeLevel.DISTRICT, district.kato4).key,
                   f"{district.name_in(language)} ({count})") for district, count in districts]
        choices[name] = group
    return choices


def scope_names(keys: list[str], language: str, nation: str) -> dict[str, str]:
    """Display names of stored scope keys: at most two queries for any number of them."""
    scopes = {key: Scope.parse(key) for key in set(keys)}
    regions = {scope.code for scope in scopes.values()
               if scope is not None and scope.level is ScopeLevel.REGION}
    districts = {scope.code for scope in scopes.values()
                 if scope is not None and scope.level is ScopeLevel.DISTRICT}
    region_names = {region.kato2: region.name_in(language) for region in db.session.scalars(
        select(Region).where(Region.kato2.in_(regions)))} if regions else {}
    district_names = {district.kato4: district.name_in(language)
                      for district in db.session.scalars(
                          select(District).where(District.kato4.in_(districts)))
                      } if districts else {}
    names = {}
    for key, scope in scopes.items():
        if scope is None:
            names[key] = key
        elif scope.level is ScopeLevel.NATION:
            names[key] = nation
        elif scope.level is ScopeLevel.REGION:
            names[key] = region_names.get(scope.code or "", key)
        else:
            names[key] = district_names.get(scope.code or "", key)
    return names
