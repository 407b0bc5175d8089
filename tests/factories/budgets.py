"""Budget lines on the real category and functional group lists (synced from the data files on
first use)."""

from __future__ import annotations

import factory
from sqlalchemy import select

from portal.budgets.categories import sync_categories, sync_functions
from portal.budgets.models import (
    BudgetCategory,
    BudgetFunction,
    BudgetLine,
    BudgetSpendingLine,
    PeriodKind,
)
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


def function(code: str) -> BudgetFunction:
    """The functional group with this code, loading the group file if the table is empty."""
    found = db.session.scalar(select(BudgetFunction).where(BudgetFunction.code == code))
    if found is None:
        sync_functions("tests")
        found = db.session.scalar(select(BudgetFunction).where(BudgetFunction.code == code))
    assert found is not None, f"no functional group {code!r} in functions.csv"
    return found


class BudgetSpendingLineFactory(BaseFactory):
    """Spending of one functional group (`code`, e.g. "07"): an annual line by default, the
    quarter traits as for revenue. Call `refresh_year_summaries()` after making lines."""

    class Meta:
        model = BudgetSpendingLine
        exclude = ("code",)

    rural_district_id = factory.SelfAttribute("rural_district.id")  # no relationship mapped
    year = 2025
    period_kind = PeriodKind.YEAR
    period_number = 0
    code = "01"
    function = factory.LazyAttribute(lambda o: function(o.code))
    approved = None
    adjusted = None
    actual = None

    class Params:
        rural_district = factory.SubFactory(RuralDistrictFactory)
        q1 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=1)
        q2 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=2)
        q3 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=3)
        q4 = factory.Trait(period_kind=PeriodKind.QUARTER, period_number=4)
