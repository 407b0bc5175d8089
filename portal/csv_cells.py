"""Text cells for CSV meant for spreadsheets: no cell runs as a formula (CSV injection)."""

from __future__ import annotations

# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(…) sends the
# reader to a site of the author's choosing); OWASP's advice is a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """The text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
