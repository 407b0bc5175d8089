"""Budget lines on the real category list (synced from the data file on first use)."""

from __future__ import annotations

import factory
from sqlalchemy import select

from portal.budgets.categories import sync_categories
from portal.budgets.models import BudgetCategory, BudgetLine, PeriodKind
from portal.extensions import db
from tests.factories.base import BaseFactory
from tests.factories.geo import RuralDistrictFactory


def category(code: str) -> BudgetCategory:
    """The category with this code, loading the category file if the table is empty."""
    found = db.session.scalar(select(BudgetCategory).where(BudgetCategory.code == code))
    if found is None:
        sync_categories("tests")
        found = db.session.scalar(select(BudgetCategory).where(BudgetCategory.code == code))
    assert found is not None, f"no budget category {code!r} in categories.csv"
    return found


class BudgetLineFactory(BaseFactory):
    """An annual line by default; `quarter=n` / `month=n` traits make period lines.

    Summaries are not maintained by factories: call
    `portal.budgets.summaries.refresh_year_summaries()` after making lines.
    """

    class Meta:
        model = BudgetLine
        exclude = ("code",)

    rural_district = factory.SubFactory(RuralDistrictFactory)
    year = 2025
    period_kind = PeriodKind.YEAR
    period_number = 0
    code = "land_tax"
    category = factory.LazyAttribute(lambda o: category(o.code))
    approved = None
    adjusted = None
    actual = None

    class Params:
        q1 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=1)
        q2 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=2)
        q3 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=3)
        q4 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=4)
