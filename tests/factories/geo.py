"""Rural districts and villages, placed under the real districts loaded for the test run."""

from __future__ import annotations

import factory
from sqlalchemy import select

from portal.extensions import db
from portal.geo.models import District, RuralDistrict, Settlement, SettlementKind
from portal.textsearch import fold
from tests.factories.base import BaseFactory


def a_district(kato4: str = "6136") -> District:
    district = db.session.scalar(select(District).where(District.kato4 == kato4))
    assert district is not None, f"reference district {kato4} is not loaded"
    return district


class RuralDistrictFactory(BaseFactory):
    class Meta:
        model = RuralDistrict

    district = factory.LazyFunction(a_district)
    kato = factory.Sequence(lambda n: f"6136{(n % 90) + 10:02d}{(n // 90) % 1000:03d}")
    name_kk = factory.Sequence(lambda n: f"Сынақ-{n} ауылдық округі")
    name_ru = factory.Sequence(lambda n: f"сельский округ Сынак-{n}")
    name_en = factory.Sequence(lambda n: f"Synak-{n} rural district")
    population = 4_000
    registered_voters = 2_600
    search_key = factory.LazyAttribute(lambda o: fold(o.name_kk, o.name_ru, o.name_en, o.kato))


class SettlementFactory(BaseFactory):
    class Meta:
        model = Settlement

    rural_district = factory.SubFactory(RuralDistrictFactory)
    kato = factory.Sequence(lambda n: f"61{n % 10_000_000:07d}")
    kind = SettlementKind.OTHER
    name_kk = factory.Sequence(lambda n: f"Ауыл-{n} ауылы")
    name_ru = factory.Sequence(lambda n: f"село Аул-{n}")
    name_en = factory.Sequence(lambda n: f"Auyl-{n} village")
    population = 800
    search_key = factory.LazyAttribute(lambda o: fold(o.name_kk, o.name_ru, o.name_en, o.kato))

    class Params:
        centre = factory.Trait(kind=SettlementKind.CENTRE, population=2_500)
