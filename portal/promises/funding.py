"""A promise and the money behind it: the functional group of the rural district's budget
that pays for it (`Promise.budget_function`), that group's spending over the promise's
years, and, for the budget page, the promises each group pays for.

The link is to a functional group, not to a budget programme: the portal records spending by
group only (docs/budgets.md, "Spending: functional groups"), so a group's figures cover
everything the group pays for, not this promise alone. A promise's years run from its
term's first year to its deadline's year; the budget page of a year lists the promises whose
years include it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.akims.models import Term
from portal.budgets.models import BudgetFunction
from portal.budgets.readers import FunctionYear, function_years
from portal.extensions import db
from portal.promises.models import Promise, PromiseStatus


@dataclass(frozen=True)
class PaidFrom:
    """What a promise's page shows of its group: the group and its figures, year by year."""

    code: str
    name: str
    # (year, the group's figures that year) for the promise's years with figures, oldest first
    years: list[tuple[int, FunctionYear]]

    @property
    def latest_year(self) -> int | None:
        return self.years[-1][0] if self.years else None


@dataclass(frozen=True)
class GroupPromises:
    """A functional group and the promises it pays for, as the budget page lists them."""

    code: str
    name: str
    promises: list[PaidPromise]


@dataclass(frozen=True)
class PaidPromise:
    """A promise as the budget page lists it under its functional group."""

    id: int
    number: int
    title: str
    language: str
    status: PromiseStatus
    akim_id: int


def promise_years(promise: Promise) -> tuple[int, int]:
    """The budget years a promise spans: its term's first year to its deadline's year."""
    return promise.term.starts_on.year, promise.deadline.year


def paid_from(promise: Promise) -> PaidFrom | None:
    """The promise's functional group and its spending in each of the promise's years that
    has figures (`budgets.readers.function_years`, one query; none when no group is linked).
    Expects `term` and `budget_function` loaded."""
    function = promise.budget_function
    if function is None:
        return None
    by_year = function_years(promise.term.rural_district_id, function_id=function.id,
                             years=promise_years(promise))
    return PaidFrom(function.code, function.name,
                    [(year, lines[0]) for year, lines in sorted(by_year.items())])


def promises_by_function(rural_district_id: int, year: int) -> list[GroupPromises]:
    """The promises of the rural district's akims that are paid from each functional group
    and whose years include `year` (term begun by its end, deadline not before its start),
    group by group in the budget's order: ONE query for all groups."""
    statement = (
        select(BudgetFunction, Promise.id, Promise.number, Promise.title,
               Promise.language, Promise.status, Term.akim_id)
        .join(Promise, Promise.budget_function_id == BudgetFunction.id)
        .join(Term, Term.id == Promise.term_id)
        .where(Term.rural_district_id == rural_district_id,
               Term.starts_on <= date(year, 12, 31), Promise.deadline >= date(year, 1, 1))
        .order_by(BudgetFunction.sort_order, BudgetFunction.code, Term.starts_on.desc(),
                  Promise.number, Promise.id)
    )
    groups: dict[str, GroupPromises] = {}
    for function, promise_id, number, title, language, status, akim_id in db.session.execute(
            statement):
        group = groups.get(function.code)
        if group is None:
            group = groups[function.code] = GroupPromises(function.code, function.name, [])
        group.promises.append(PaidPromise(promise_id, number, title, language, status, akim_id))
    return list(groups.values())
