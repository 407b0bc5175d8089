"""The downloadable templates that document the import format (CSV and XLSX)."""

from __future__ import annotations

import csv
import io

from portal.budgets.models import BudgetCategory
from portal.budgets.validation import COLUMNS

# Example rows on DOMAIN.md's example rural district (Agybet, Baidibek district): an annual
# plan, quarterly actuals, a monthly actual.
EXAMPLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("613633000", "2025", "YEAR", "individual_income_tax", "14585000", "15100000", ""),
    ("613633000", "2025", "Q1", "individual_income_tax", "", "", "2838101"),
    ("613633000", "2025", "Q2", "individual_income_tax", "", "", "2977029"),
    ("613633000", "2025", "YEAR", "subventions", "128501000", "", ""),
    ("613633000", "2025", "M01", "subventions", "", "", "10708400"),
)


def template_csv() -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Cyrillic of the category list correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def template_xlsx(categories: list[BudgetCategory]) -> bytes:
    """The data sheet first (the importer reads only the first sheet), then the codes."""
    from openpyxl import Workbook

    workbook = Workbook()
    data = workbook.active
    data.title = "budget"
    data.append(list(COLUMNS))
    for row in EXAMPLE_ROWS:
        data.append([int(value) if value.isdigit() and index != 0 else value
                     for index, value in enumerate(row)])
    for column, width in zip("ABCDEFG", (12, 8, 8, 32, 14, 14, 14), strict=True):
        data.column_dimensions[column].width = width
    codes = workbook.create_sheet("categories")
    codes.append(["code", "section", "own_revenue", "valid_from_year", "name_kk", "name_ru",
                  "name_en"])
    for category in categories:
        codes.append([category.code, category.section.value,
                      "yes" if category.is_own_revenue else "no",
                      category.valid_from_year or "", category.name_kk, category.name_ru,
                      category.name_en])
    codes.column_dimensions["A"].width = 32
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
