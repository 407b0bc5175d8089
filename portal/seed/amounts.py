"""Whole-tenge arithmetic the budget seed steps share (revenue and spending): money never
passes through float."""

from __future__ import annotations

from datetime import date


def closed_quarters(year: int, as_of: date) -> int:
    """The quarters of `year` with actuals by `as_of`: a quarter counts once the month after
    it has begun, as a quarterly report is filed."""
    if year < as_of.year:
        return 4
    if year > as_of.year:
        return 0
    return (as_of.month - 1) // 3


def split(amount: int, weights: tuple[int, ...]) -> list[int]:
    """Whole tenge split by weights, the remainder on the last part: the parts sum exactly."""
    total = sum(weights)
    parts = [amount * weight // total for weight in weights[:-1]]
    return [*parts, amount - sum(parts)]


def thousands(amount: int) -> int:
    """Rounded to whole thousands of tenge: plans are approved in thousands."""
    return (amount + 500) // 1000 * 1000
