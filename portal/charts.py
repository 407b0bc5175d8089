"""Charts drawn on the server as plain SVG: the same markup in pages and in WeasyPrint PDFs.

Why not a charting library: pygal (the usual server-side choice) embeds a <script> and a
<style> element in each chart, which the site's Content Security Policy blocks and WeasyPrint
ignores, and its accessibility markup is thin. These charts use only SVG presentation
attributes (fill=, stroke=, font-family=), so they pass the CSP, print identically, and carry
role="img" with <title> and <desc>. Each chart also keeps its numbers, so every page shows
them as a table beside it (`templates/charts/_figure.html`).

Coordinates are computed in integer tenths of a pixel: money never becomes a float here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import format_decimal
from markupsafe import Markup

FONT = "DejaVu Sans"
INK = "#1b2430"
MUTED = "#4f5b69"
GRID = "#d5dce3"
# Fills with at least 3:1 contrast against white (WCAG 1.4.11) and apart from each other.
BRAND = "#005a70"
ORANGE = "#b35900"
PLUM = "#6b3fa0"
GREEN = "#2f6f3e"

WIDTH = 480
HEIGHT = 290
MARGIN_LEFT = 56
MARGIN_RIGHT = 12
MARGIN_TOP = 50  # room for the unit and the legend
MARGIN_BOTTOM = 32
# Large enough to stay legible when a phone scales the chart down to ~360 px.
FONT_SIZE = 15


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | None]  # one per category; None: no data
    fill: str
    stroke: str | None = None  # an outlined bar (a plan) instead of a filled one


@dataclass(frozen=True)
class Chart:
    """A drawn chart and the numbers behind it, for the table beside it."""

    chart_id: str
    title: str
    description: str
    category_label: str  # heading of the table's first column ("Year")
    categories: Sequence[str]
    series: Sequence[Series]
    svg: Markup
    # More columns for the table only, already formatted: (heading, one text per category).
    extra_columns: Sequence[tuple[str, Sequence[str]]] = field(default_factory=tuple)
    note: str = ""  # a footnote shown under the chart and its table

    @property
    def rows(self) -> list[tuple[str, list[int | None], list[str]]]:
        return [
            (category, [series.values[index] for series in self.series],
             [column[index] for _heading, column in self.extra_columns])
            for index, category in enumerate(self.categories)
        ]


def millions(value: int) -> str:
    """A tick label: tenge shown in millions in the reader's number format."""
    return str(format_decimal(Decimal(value) / Decimal(1_000_000), format="#,##0.#"))


def nice_step(maximum: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` intervals."""
    raw = max(1, -(-maximum // ticks))
    magnitude = 10 ** (len(str(raw)) - 1)
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _px(tenths: int) -> str:
    sign = "-" if tenths < 0 else ""
    tenths = abs(tenths)
    return f"{sign}{tenths // 10}.{tenths % 10}"


class _Canvas:
    """Maps values to tenths of a pixel inside the plot area."""

    def __init__(self, top_value: int, categories: int) -> None:
        self.top_value = max(top_value, 1)
        self.plot_left = MARGIN_LEFT * 10
        self.plot_width = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) * 10
        self.plot_top = MARGIN_TOP * 10
        self.plot_height = (HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) * 10
        self.slot = self.plot_width // max(categories, 1)

    def y(self, value: int) -> int:
        return self.plot_top + self.plot_height - value * self.plot_height // self.top_value

    def height(self, value: int) -> int:
        return value * self.plot_height // self.top_value

    @property
    def baseline(self) -> int:
        return self.plot_top + self.plot_height


# Every element is built with Markup.format, which escapes each value put into it.

def _text(x: int, y: int, content: str, anchor: str = "middle", size: int = FONT_SIZE,
          fill: str = INK) -> Markup:
    return Markup('<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}">{}</text>'
                  ).format(_px(x), _px(y), anchor, size, fill, content)


def _frame(chart_id: str, title: str, description: str, body: list[Markup],
           height: int = HEIGHT) -> Markup:
    opening = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        'width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'font-family="{font}"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{description}</desc>'
    ).format(width=WIDTH, height=height, id=chart_id, font=FONT, title=title,
             description=description)
    return opening + Markup("").join(body) + Markup("</svg>")


def _stroke(item: Series, separator: bool = False) -> Markup:
    """An outline for plan bars; a thin white line between stacked segments otherwise."""
    if item.stroke:
        return Markup(' stroke="{}" stroke-width="2"').format(item.stroke)
    return Markup(' stroke="#ffffff" stroke-width="1"') if separator else Markup("")


def _axes(canvas: _Canvas, step: int, unit: str,
          tick_label: Callable[[int], str]) -> list[Markup]:
    parts = [Markup('<g stroke="{}" stroke-width="1">').format(GRID)]
    labels = []
    value = 0
    while value <= canvas.top_value:
        y = canvas.y(value)
        parts.append(Markup('<line x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            _px(canvas.plot_left), _px(y), _px(canvas.plot_left + canvas.plot_width), _px(y)))
        labels.append(_text(canvas.plot_left - 60, y + 50, tick_label(value), "end",
                            FONT_SIZE - 2, MUTED))
        value += step
    parts.append(Markup("</g>"))
    parts.extend(labels)
    parts.append(_text(4 * 10, 18 * 10, unit, "start", FONT_SIZE - 2, MUTED))
    return parts


def _legend(series: Sequence[Series]) -> list[Markup]:
    parts = []
    x = MARGIN_LEFT * 10
    for item in series:
        parts.append(Markup('<rect x="{}" y="{}" width="15" height="15" fill="{}"{}/>').format(
            _px(x), _px(300), item.fill, _stroke(item)))
        parts.append(_text(x + 200, 420, item.label, "start"))
        x += 200 + 90 * len(item.label) + 240
    return parts


def _category_labels(canvas: _Canvas, categories: Sequence[str]) -> list[Markup]:
    return [_text(canvas.plot_left + canvas.slot * index + canvas.slot // 2,
                  canvas.baseline + 210, category)
            for index, category in enumerate(categories)]


def _bar(x: int, width: int, y: int, height: int, item: Series, tooltip: str) -> Markup:
    return Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}><title>{}</title>'
                  '</rect>').format(_px(x), _px(y), _px(width), _px(height), item.fill,
                                    _stroke(item, separator=True),
                                    tooltip)


def stacked_bars(chart_id: str, title: str, description: str, category_label: str,
                 categories: Sequence[str], series: Sequence[Series], unit: str,
                 tooltip: Callable[[str, str, int], str],
                 tick_label: Callable[[int], str] = millions,
                 extra_columns: Sequence[tuple[str, Sequence[str]]] = (),
                 note: str = "") -> Chart:
    """One bar per category, its series stacked bottom-up (e.g. own revenue, transfers)."""
    totals = [sum(item.values[index] or 0 for item in series) for index in range(len(categories))]
    step = nice_step(max(totals, default=0))
    top = step * max(1, -(-max(totals, default=0) // step))
    canvas = _Canvas(top, len(categories))
    body = _axes(canvas, step, unit, tick_label) + _legend(series)
    bar_width = canvas.slot * 6 // 10
    for index, category in enumerate(categories):
        x = canvas.plot_left + canvas.slot * index + (canvas.slot - bar_width) // 2
        running = 0
        for item in series:
            value = item.values[index] or 0
            if value <= 0:
                continue
            top_y = canvas.y(running + value)
            height = canvas.y(running) - top_y
            body.append(_bar(x, bar_width, top_y, height, item,
                             tooltip(category, item.label, value)))
            running += value
    body += _category_labels(canvas, categories)
    return Chart(chart_id, title, description, category_label, categories, series,
                 _frame(chart_id, title, description, body), extra_columns, note)


def grouped_bars(chart_id: str, title: str, description: str, category_label: str,
                 categories: Sequence[str], series: Sequence[Series], unit: str,
                 tooltip: Callable[[str, str, int], str],
                 tick_label: Callable[[int], str] = millions,
                 extra_columns: Sequence[tuple[str, Sequence[str]]] = (),
                 note: str = "") -> Chart:
    """Side-by-side bars per category (e.g. plan next to actual)."""
    maximum = max((value or 0 for item in series for value in item.values), default=0)
    step = nice_step(maximum)
    top = step * max(1, -(-maximum // step))
    canvas = _Canvas(top, len(categories))
    body = _axes(canvas, step, unit, tick_label) + _legend(series)
    group_width = canvas.slot * 7 // 10
    bar_width = group_width // max(len(series), 1)
    for index, category in enumerate(categories):
        left = canvas.plot_left + canvas.slot * index + (canvas.slot - group_width) // 2
        for position, item in enumerate(series):
            value = item.values[index]
            if value is None or value <= 0:
                continue
            x = left + bar_width * position
            # Outlined bars are inset by the stroke so neighbours never overlap.
            inset = 10 if item.stroke else 0
            body.append(_bar(x + inset, bar_width - 2 * inset, canvas.y(value) + inset,
                             canvas.height(value) - inset, item,
                             tooltip(category, item.label, value)))
    body += _category_labels(canvas, categories)
    return Chart(chart_id, title, description, category_label, categories, series,
                 _frame(chart_id, title, description, body), extra_columns, note)


# Horizontal bars: one row per category, its name above its bars (names too long to stand
# under a column, such as the functional groups of a budget). Sizes in pixels.
ROW_LABEL = 24  # from a row's top to the bottom of its name
ROW_BAR = 16
ROW_GAP = 10
VALUE_ROOM = 70  # right of the longest bar, for its value


def horizontal_bars(chart_id: str, title: str, description: str, category_label: str,
                    categories: Sequence[str], series: Sequence[Series], unit: str,
                    tooltip: Callable[[str, str, int], str],
                    tick_label: Callable[[int], str] = millions,
                    extra_columns: Sequence[tuple[str, Sequence[str]]] = (),
                    note: str = "") -> Chart:
    """Per category a row: its name, then one bar per series (e.g. plan over actual), each
    with its value at the end. The chart grows downwards with the number of categories."""
    maximum = max((value or 0 for item in series for value in item.values), default=0)
    left = 8 * 10
    span = (WIDTH - 8 - VALUE_ROOM) * 10
    row_height = ROW_LABEL + len(series) * (ROW_BAR + 2) + ROW_GAP
    height = MARGIN_TOP + len(categories) * row_height
    body = _legend(series) + [_text(4 * 10, 18 * 10, unit, "start", FONT_SIZE - 2, MUTED)]
    for index, category in enumerate(categories):
        top = (MARGIN_TOP + index * row_height) * 10
        body.append(_text(left, top + (ROW_LABEL - 7) * 10, category, "start"))
        for position, item in enumerate(series):
            value = item.values[index]
            y = top + (ROW_LABEL + position * (ROW_BAR + 2)) * 10
            width = value * span // maximum if value and maximum else 0
            if width > 0:
                inset = 10 if item.stroke else 0  # outlines drawn inside, as grouped_bars
                body.append(_bar(left + inset, max(width - 2 * inset, 10), y + inset,
                                 ROW_BAR * 10 - 2 * inset, item,
                                 tooltip(category, item.label, value or 0)))
            shown = "—" if value is None else tick_label(value)
            body.append(_text(left + width + 50, y + (ROW_BAR - 3) * 10, shown, "start",
                              FONT_SIZE - 2, MUTED))
    return Chart(chart_id, title, description, category_label, categories, series,
                 _frame(chart_id, title, description, body, height), extra_columns, note)
