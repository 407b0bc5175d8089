"""A league table's rows and figure cells as HTML, built once per value and language.

A national page shows 50 rows of 8 figures; rendered through Jinja, each cell's numbers,
plurals and translations, and each row's names, links and labels, cost more than the rest of
the page (issue 22). A cell's text depends only on its column, its values and the reader's
language, and a table repeats many (every "—", every "0 of 3 due"), so each distinct one is
built once per process; a row's, on its values, its rank, the columns' order, the area's level
and whether it is ticked. Every key is the values themselves, so nothing kept can go stale.
"""

from __future__ import annotations

from functools import lru_cache

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from portal.comparisons.league import BY_KEY, Number, Row
from portal.modeling import localized
from portal.web.templating import number, percent

# Distinct cells kept: a national table has a few thousand; the oldest are dropped first.
KEPT_CELLS = 16384
# Rows kept: the pages readers open (a national table is 2,300 rows, 50 a page), about 1.5 KB
# each in every language and order asked for.
KEPT_ROWS = 8192

Plain = tuple[str, Number | None, int | None, int | None, bool]  # a cell's key and values


def league_row(row: Row, language: str, level: str, keys: tuple[str, ...],
               checked: bool) -> Markup:
    """The table row of one akim: the compare box, the rank, the akim and their places (the
    district unless the table is one district's, the region too in the nation's) and the
    figures in the order of `keys`. What `comparisons/league.html` shows for each row."""
    cells = {cell.column.key: cell for cell in row.cells}
    return _league_row(
        language, level, checked, row.rank, row.akim_id, row.name(language),
        row.rural_district_kato, localized(dict(row.rural_district), language),
        localized(dict(row.district), language), localized(dict(row.region), language),
        tuple((key, cells[key].value, cells[key].count, cells[key].base, cells[key].too_few)
              for key in keys))


@lru_cache(maxsize=KEPT_ROWS, typed=True)
def _league_row(language: str, level: str, checked: bool, rank: int | None, akim_id: int,
                name: str, kato: str, rural_district: str, district: str, region: str,
                figures: tuple[Plain, ...]) -> Markup:
    places = Markup('<a href="%s">%s</a>') % (
        url_for("geo.rural_district", kato=kato), rural_district)
    if level != "district":
        places += Markup(", %s") % district
        if level == "nation":
            places += Markup(", %s") % region
    html = [
        Markup('    <tr>\n      <td><input type="checkbox" name="akim" value="%s" id="pick-%s"'
               ' aria-label="%s"%s></td>\n') % (
            akim_id, akim_id, _("Compare %(name)s", name=name),
            Markup(" checked") if checked else ""),
        Markup('      <td class="num">%s</td>\n') % ("" if rank is None else rank),
        Markup('      <th scope="row"><a href="%s">%s</a>\n'
               '        <span class="figure-base">%s</span></th>\n') % (
            url_for("akims.profile", akim_id=akim_id), name, places),
    ]
    for key, value, count, base, too_few in figures:
        html.append(Markup('      <td class="num%s" data-column="%s">%s</td>\n') % (
            Markup(" too-few") if too_few else "", key,
            _figure_value(language, key, value, count, base, too_few)))
    html.append(Markup("    </tr>\n"))
    return Markup("").join(html)


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
