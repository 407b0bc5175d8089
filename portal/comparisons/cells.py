"""A figure cell of the league table as HTML, formatted once per value and language.

A national page shows 50 rows of 8 figures; rendered through a Jinja macro, each cell's
numbers, plurals and translations cost more than the rest of the page (issue 22). A cell's text
depends only on its column, its values and the reader's language, and a table repeats many
(every "—", every "0 of 3 due"), so each distinct one is built once per process.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from portal.comparisons.league import BY_KEY, Cell, Number
from portal.web.templating import number, percent

# Distinct cells kept: a national table has a few thousand; the oldest are dropped first.
KEPT_CELLS = 16384


def figure_value(cell: Cell, language: str) -> Markup:
    """The value with what it is counted of, greyed and labelled when it rests on too few
    cases: what the page's <td> holds. `language`: the request's (`current_language`, the
    locale the catalogue and number formats follow), read once per page, not per cell."""
    return _figure_value(language, cell.column.key, cell.value, cell.count, cell.base,
                         cell.too_few)


@lru_cache(maxsize=KEPT_CELLS, typed=True)
def _figure_value(language: str, key: str, value: Number | None, count: int | None,
                  base: int | None, too_few: bool) -> Markup:
    """`language` is part of the key only: the texts and number formats are its own."""
    column = BY_KEY[key]
    if value is None:
        return Markup('<span class="muted">%s</span>') % (
            _("no figures") if key == "own_revenue" else "—")
    if column.share:
        shown = percent(value, column.digits)
    elif key == "rating":
        shown = number(value, 2)
    else:
        shown = number(value)
    html = Markup('<span class="figure-value">%s</span>') % shown
    if base is not None:
        html += Markup('<span class="figure-base">%s</span>') % _base_text(key, count, base)
    if too_few:
        html += Markup('<span class="too-few-note">%s</span>') % _("too few to compare")
    return html


def _base_text(key: str, count: int | None, base: int) -> str:
    """What the value is counted of: the ratings behind an average, "6 of 10", "of 4 due".
    Plain text, escaped where it is placed (the catalogues' texts hold no markup)."""
    if key == "rating":
        return ngettext("%(num)s rating", "%(num)s ratings", base)
    if BY_KEY[key].share:
        return _("%(count)s of %(base)s", count=number(count), base=number(base))
    return _("of %(base)s due", base=number(base))
