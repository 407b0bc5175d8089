"""Akims and terms. A term serves by default; the `ended` trait closes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from portal.akims.models import Akim, Gender, Term, TermEndReason, TermStatus
from portal.textsearch import fold
from tests.factories.base import BaseFactory
from tests.factories.geo import RuralDistrictFactory


class AkimFactory(BaseFactory):
    class Meta:
        model = Akim

    full_name = factory.Sequence(lambda n: f"Сынақов Ерлан {n}")
    full_name_latn = factory.Sequence(lambda n: f"Synakov Erlan {n}")
    birth_year = 1982
    gender = Gender.MALE
    party = "amanat"
    search_key = factory.LazyAttribute(lambda o: fold(o.full_name, o.full_name_latn))


class TermFactory(BaseFactory):
    class Meta:
        model = Term

    akim = factory.SubFactory(AkimFactory)
    rural_district = factory.SubFactory(RuralDistrictFactory)
    elected_on = date(2023, 6, 4)
    starts_on = date(2023, 6, 7)
    ends_on = date(2027, 6, 7)
    vote_share = Decimal("61.40")
    turnout = Decimal("58.20")
    status = TermStatus.SERVING
    end_reason = None
    ended_on = None

    class Params:
        ended = factory.Trait(
            elected_on=date(2019, 7, 25), starts_on=date(2019, 7, 28),
            ends_on=date(2023, 7, 28), ended_on=date(2023, 3, 1),
            status=TermStatus.ENDED, end_reason=TermEndReason.RESIGNED,
        )
