"""A report's table typed as rows, stored as a Markdown table at the end of its section.

The akim types (or pastes from a spreadsheet) one line per row, the first line the headings,
cells separated by ";" or by tabs (what Excel and Google Sheets put on the clipboard). The
section's stored text stays Markdown, so the page, the PDF, the versions and their
differences read it as before; the editor splits the table off again to show it as rows.
"""

from __future__ import annotations

import re

MAX_ROWS = 200
MAX_COLUMNS = 12

_NUMBER = re.compile(r"^[−-]?[\d\s\u00a0\u202f]+([.,]\d+)?\s*%?$")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{3,}:?\s*$")


def rows_from_text(text: str | None) -> list[list[str]]:
    """Rows from what was typed or pasted: a line each, cells split by tabs when the line
    has one, else by ";"; blank lines skipped."""
    rows = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            continue
        cells = line.split("\t") if "\t" in line else line.split(";")
        rows.append([" ".join(cell.split()) for cell in cells])
    return rows


def text_from_rows(rows: list[list[str]]) -> str:
    """Rows as the editor shows them: "; " between cells (a tab in a row with a ";")."""
    return "\n".join(("\t" if any(";" in cell for cell in row) else "; ").join(row)
                     for row in rows)


def problem(rows: list[list[str]]) -> str | None:
    """Why these rows cannot make a table (English key for the form), or None."""
    if len(rows) > MAX_ROWS:
        return "rows"
    if any(len(row) > MAX_COLUMNS for row in rows):
        return "columns"
    return None


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def markdown_table(rows: list[list[str]]) -> str:
    """A Markdown table: the first row the headings, every row as wide as the widest, columns
    whose body cells are all numbers aligned right."""
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    head, body = padded[0], padded[1:]
    numeric = [bool(body) and all(_NUMBER.match(row[i]) or not row[i] for row in body)
               and any(row[i] for row in body) for i in range(width)]
    lines = ["| " + " | ".join(_cell(cell) or " " for cell in head) + " |",
             "| " + " | ".join("---:" if right else "---" for right in numeric) + " |"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in body]
    return "\n".join(lines)


def _split_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    cells, current, escaped = [], [], False
    for char in inner:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    cells.append("".join(current).strip())
    return cells


def split_table(text: str | None) -> tuple[str, list[list[str]]]:
    """The section's text and the rows of the Markdown table it ends with (if it does)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    start = len(lines)
    while start > 0 and lines[start - 1].strip().startswith("|"):
        start -= 1
    block = lines[start:]
    if len(block) < 2 or not all(_SEPARATOR_CELL.match(cell)
                                 for cell in _split_cells(block[1])):
        return text or "", []
    rows = [_split_cells(block[0])] + [_split_cells(line) for line in block[2:]]
    rows = [[cell.strip() for cell in row] for row in rows]
    return "\n".join(lines[:start]).rstrip("\n"), rows


def join_table(text: str | None, rows: list[list[str]]) -> str:
    """The section's text with the table at its end, as it is stored."""
    table = markdown_table(rows)
    prose = (text or "").rstrip()
    if not table:
        return prose
    return f"{prose}\n\n{table}" if prose.strip() else table
