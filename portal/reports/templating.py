"""Jinja filters of the reports pages: a period in words, Markdown through the sanitiser."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from flask import Flask
from flask_babel import format_date

from portal.richtext import markdown_to_html


def is_whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


def period_label(report: Any) -> str:
    """"January – June 2026" for whole months of one year, else the exact days."""
    start, end = report.period_start, report.period_end
    if is_whole_months(start, end) and start.year == end.year:
        if start.month == end.month:
            label = str(format_date(start, "LLLL yyyy"))
        else:
            label = f"{format_date(start, 'LLLL')} – {format_date(end, 'LLLL yyyy')}"
    else:
        label = f"{format_date(start, 'medium')} – {format_date(end, 'medium')}"
    # Russian month names are lower case; the label often starts a heading or a line.
    return label[:1].upper() + label[1:]


def register(app: Flask) -> None:
    app.jinja_env.filters["report_period"] = period_label
    # Other domains may register the same sanitising filter; it is the same function.
    app.jinja_env.filters.setdefault("markdown", markdown_to_html)
