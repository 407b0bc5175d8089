"""Data for the promise sections other pages include: the akim profile and area roll-ups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from portal.akims.models import Term
from portal.promises.models import PromiseCategory, PromiseStatus
from portal.promises.readers import (
    PromiseRow,
    PromiseSummary,
    area_breakdown,
    area_summary,
    combine,
    promises_for_terms,
)
from portal.reports.timeliness import local_today


@dataclass(frozen=True)
class ListFilters:
    """`?status=&category=&overdue=1`; unknown values are ignored, never an error."""

    status: PromiseStatus | None = None
    category: PromiseCategory | None = None
    overdue: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListFilters:
        status = args.get("status", "")
        category = args.get("category", "")
        return cls(
            status=PromiseStatus(status) if status in PromiseStatus._value2member_map_ else None,
            category=(PromiseCategory(category)
                      if category in PromiseCategory._value2member_map_ else None),
            overdue=args.get("overdue") == "1",
        )

    @property
    def active(self) -> bool:
        return self.status is not None or self.category is not None or self.overdue

    def keep(self, row: PromiseRow) -> bool:
        return ((self.status is None or row.status is self.status)
                and (self.category is None or row.category is self.category)
                and (not self.overdue or row.overdue))


@dataclass(frozen=True)
class ProfileSection:
    term: Term
    rows: list[PromiseRow]
    summary: PromiseSummary
    filters: ListFilters
    as_of: date
    categories: list[PromiseCategory] = field(default_factory=list)

    @property
    def statuses(self) -> list[PromiseStatus]:
        return list(PromiseStatus)


def profile_section(term: Term, args: Mapping[str, str], summary: PromiseSummary,
                    as_of: date) -> ProfileSection:
    """The term's promises, filtered (ONE query), beside `summary`, the term's promise
    figures as `portal.figures` counts them on the same day."""
    rows = promises_for_terms([term.id], as_of)[term.id]
    filters = ListFilters.from_args(args)
    return ProfileSection(
        term=term, rows=[row for row in rows if filters.keep(row)], summary=summary,
        filters=filters, as_of=as_of,
        categories=sorted({row.category for row in rows}, key=list(PromiseCategory).index),
    )


@dataclass(frozen=True)
class AreaSection:
    level: str
    summary: PromiseSummary
    parent: PromiseSummary | None  # the level above, for the normalised comparison
    children: dict[int, PromiseSummary]


def area_section(level: str, area_id: int | None = None, parent_level: str | None = None,
                 parent_id: int | None = None) -> AreaSection:
    """A roll-up for the home, region or district page: at most two grouped queries (the
    area is the sum of its parts; the level above is one more)."""
    as_of = local_today()
    children = area_breakdown(level, area_id, as_of)
    return AreaSection(
        level=level, summary=combine(children.values()),
        parent=area_summary(parent_level, parent_id, as_of) if parent_level else None,
        children=children,
    )
