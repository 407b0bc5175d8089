"""Reading `page` and `per_page` forgivingly, and paginating a select."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import request
from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.web.safety import whole_number

T = TypeVar("T")

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number() -> int:
    """`?page=`; anything that is not a positive whole number means the first page."""
    return whole_number(request.args.get("page")) or 1


def paginate(statement: Select[Any], per_page: int, page: int | None = None,
             scalars: bool = True) -> Page[Any]:
    """One COUNT and one page of rows. A page past the end shows the last page."""
    page = page or page_number()
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    total = int(total or 0)
    last = max(1, -(-total // per_page))
    page = min(page, last)
    paged = statement.limit(per_page).offset((page - 1) * per_page)
    result = db.session.execute(paged)
    items = list(result.scalars()) if scalars else list(result)
    return Page(items=items, page=page, per_page=per_page, total=total)
