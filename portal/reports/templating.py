"""Jinja filters of the reports pages: a period in words, Markdown through the sanitiser."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from flask import Flask

from portal import formats
from portal.richtext import markdown_to_html


def is_whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


def period_label(report: Any) -> str:
    """"январь — июнь 2026 г.": the period as it reads mid-sentence (`portal.formats`).

    Lower case in Russian and Kazakh; a heading or a line that starts with it capitalises it
    with the `capitalised` filter."""
    return formats.period_text(report.period_start, report.period_end)


def register(app: Flask) -> None:
    app.jinja_env.filters["report_period"] = period_label
    # Other domains may register the same sanitising filter; it is the same function.
    app.jinja_env.filters.setdefault("markdown", markdown_to_html)
