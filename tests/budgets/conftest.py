"""Budget test helpers: files built from rows, and two rural districts with known codes."""

from __future__ import annotations

import io
from typing import Any

import pytest

from portal.budgets.categories import sync_categories
from portal.geo.models import RuralDistrict
from tests.factories import RuralDistrictFactory

HEADER = ("kato", "year", "period", "category", "approved", "adjusted", "actual")
AGYBET = "613633000"
OTHER = "613635000"


def csv_bytes(*rows: tuple[Any, ...] | str, header: tuple[str, ...] | str = HEADER,
              encoding: str = "utf-8", bom: bool = False, delimiter: str = ",") -> bytes:
    """A CSV file: rows are tuples (joined with the delimiter) or ready lines."""
    lines = [header if isinstance(header, str) else delimiter.join(header)]
    for row in rows:
        lines.append(row if isinstance(row, str) else
                     delimiter.join("" if value is None else str(value) for value in row))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(*rows: tuple[Any, ...], header: tuple[str, ...] = HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _categories() -> None:
    sync_categories("tests")


@pytest.fixture
def agybet() -> RuralDistrict:
    return RuralDistrictFactory(kato=AGYBET, population=1_000)


@pytest.fixture
def other() -> RuralDistrict:
    return RuralDistrictFactory(kato=OTHER, population=3_000)
