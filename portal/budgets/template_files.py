"""The downloadable templates that document the import formats (CSV and XLSX): revenue
lines, spending lines and the maslikhat decisions behind each year."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from portal.budgets.models import BudgetCategory, BudgetFunction
from portal.budgets.validation import COLUMNS, DECISION_COLUMNS, SPENDING_COLUMNS

# Example rows on DOMAIN.md's example rural district (Agybet, Baidibek district): an annual
# plan, quarterly actuals, a monthly actual.
EXAMPLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("613633000", "2025", "YEAR", "individual_income_tax", "14585000", "15100000", ""),
    ("613633000", "2025", "Q1", "individual_income_tax", "", "", "2838101"),
    ("613633000", "2025", "Q2", "individual_income_tax", "", "", "2977029"),
    ("613633000", "2025", "YEAR", "subventions", "128501000", "", ""),
    ("613633000", "2025", "M01", "subventions", "", "", "10708400"),
)
SPENDING_EXAMPLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("613633000", "2025", "YEAR", "01", "61250000", "63400000", ""),
    ("613633000", "2025", "Q1", "01", "", "", "14870500"),
    ("613633000", "2025", "YEAR", "07", "38900000", "", ""),
    ("613633000", "2025", "Q1", "07", "", "", "6120000"),
    ("613633000", "2025", "YEAR", "12", "21000000", "", ""),
)
# Illustrations only: the numbers say "example", so a template imported by mistake is seen.
DECISION_EXAMPLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("613633000", "2025", "adopted", "example 1/1", "2024-12-27",
     "https://adilet.zan.kz/rus/docs/example-1"),
    ("613633000", "2025", "amending", "example 2/1", "2025-04-15",
     "https://adilet.zan.kz/rus/docs/example-2"),
)


@dataclass(frozen=True)
class Template:
    sheet: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    numeric: tuple[str, ...]  # columns written as numbers in the workbook


REVENUE = Template("budget", COLUMNS, EXAMPLE_ROWS, (12, 8, 8, 32, 14, 14, 14),
                   ("year", "approved", "adjusted", "actual"))
SPENDING = Template("spending", SPENDING_COLUMNS, SPENDING_EXAMPLE_ROWS,
                    (12, 8, 8, 10, 14, 14, 14), ("year", "approved", "adjusted", "actual"))
DECISIONS = Template("decisions", DECISION_COLUMNS, DECISION_EXAMPLE_ROWS,
                     (12, 8, 12, 18, 12, 48), ("year",))


def template_csv(template: Template = REVENUE) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Cyrillic of the category list correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(template.columns)
    writer.writerows(template.rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def template_xlsx(template: Template = REVENUE, categories: Sequence[BudgetCategory] = (),
                  functions: Sequence[BudgetFunction] = ()) -> bytes:
    """The data sheet first (the importer reads only the first sheet), then the codes."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    data = workbook.active
    data.title = template.sheet
    data.append(list(template.columns))
    for row in template.rows:
        data.append([int(value) if value.isdigit() and name in template.numeric else value
                     for name, value in zip(template.columns, row, strict=True)])
    for index, width in enumerate(template.widths, start=1):
        data.column_dimensions[get_column_letter(index)].width = width
    if categories:
        codes = workbook.create_sheet("categories")
        codes.append(["code", "section", "own_revenue", "valid_from_year", "name_kk",
                      "name_ru", "name_en"])
        for category in categories:
            codes.append([category.code, category.section.value,
                          "yes" if category.is_own_revenue else "no",
                          category.valid_from_year or "", category.name_kk, category.name_ru,
                          category.name_en])
        codes.column_dimensions["A"].width = 32
    if functions:
        codes = workbook.create_sheet("functions")
        codes.append(["code", "name_kk", "name_ru", "name_en"])
        for item in functions:
            codes.append([item.code, item.name_kk, item.name_ru, item.name_en])
        codes.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
