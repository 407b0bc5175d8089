"""Up to four akims side by side: the same figures, their promises by category, reporting
record, budget structure and rating distribution, for the page and its PDF.

Which term: the akim's serving term, else the latest (as on the profile and the dossier).
The figures are `figures_for_terms`' own; the promise categories are counted by the promises
domain with the same definitions. Five queries for any number of akims (terms and places,
the two of the figures, categories, report timelines).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import clock
from portal.akims.models import Term, TermStatus
from portal.comparisons.league import Cell, cells_of
from portal.extensions import db
from portal.figures.definitions import FIGURES, GROUPS, Figure, too_few
from portal.figures.readers import TermFigures, figures_for_terms
from portal.geo.models import District, RuralDistrict
from portal.modeling import current_language
from portal.promises.models import PromiseCategory
from portal.promises.readers import PromiseSummary, summaries_by_category_for_terms
from portal.reports.readers import ReportLine, timelines_for_terms
from portal.web.safety import whole_number
from portal.web.templating import money, number, percent

MAX_AKIMS = 4
# Shares the profile shows with one decimal (the budget's); the others are whole percents.
ONE_DECIMAL = frozenset({"budget-own-plan-execution", "budget-plan-execution",
                         "own-revenue-share", "spending-plan-execution",
                         "own-revenue-coverage"})
MONEY = frozenset({"spending-per-resident"})
SHARES = ONE_DECIMAL | {"promises-kept-share", "promises-broken-share"}
# Per report, not per term: not a row of the comparison.
NOT_COMPARED = frozenset({"days-overdue"})


@dataclass(frozen=True)
class Compared:
    akim_id: int
    term: Term  # with its akim, rural district, district and region loaded
    figures: TermFigures
    cells: tuple[Cell, ...]  # the league table's columns, with the small-sample marks
    categories: dict[PromiseCategory, PromiseSummary]
    reports: tuple[ReportLine, ...]

    @property
    def name(self) -> str:
        akim = self.term.akim
        return akim.full_name_latn if current_language() == "en" else akim.full_name

    def too_few(self, slug: str) -> bool:
        return too_few(slug, dict(self.figures.values()))


@dataclass(frozen=True)
class Comparison:
    as_of: date
    items: tuple[Compared, ...]
    ignored: int  # ids asked past the fourth, or naming no akim with a term

    @property
    def akim_ids(self) -> list[int]:
        return [item.akim_id for item in self.items]

    @property
    def categories(self) -> list[PromiseCategory]:
        """Categories any of the akims has promises in, in the programme's order."""
        used = {category for item in self.items for category in item.categories}
        return [category for category in PromiseCategory if category in used]

    @property
    def figure_groups(self) -> list[tuple[str, object, list[Figure]]]:
        return [(group, title, [figure for figure in FIGURES
                                if figure.group == group and figure.slug not in NOT_COMPARED])
                for group, title in GROUPS]


def akim_ids_asked(values: Iterable[str]) -> tuple[list[int], int]:
    """The distinct akim ids of `?akim=` in the order given, at most four, and how many
    values were left out (not an id, repeated or past the fourth)."""
    found: list[int] = []
    left_out = 0
    for value in values:
        akim_id = whole_number(value)
        if akim_id is not None and akim_id not in found and len(found) < MAX_AKIMS:
            found.append(akim_id)
        else:
            left_out += 1
    return found, left_out


def _chosen_terms(akim_ids: Sequence[int]) -> dict[int, Term]:
    """Each akim's serving term, else the latest: one query."""
    terms = db.session.scalars(
        select(Term)
        .options(joinedload(Term.akim),
                 joinedload(Term.rural_district).joinedload(RuralDistrict.district)
                 .joinedload(District.region))
        .where(Term.akim_id.in_(list(akim_ids)))
        .order_by(Term.akim_id, Term.starts_on.desc(), Term.id.desc())
    ).unique()
    chosen: dict[int, Term] = {}
    for term in terms:
        current = chosen.get(term.akim_id)
        if current is None or (term.status is TermStatus.SERVING
                               and current.status is not TermStatus.SERVING):
            chosen[term.akim_id] = term
    return chosen


def comparison(akim_ids: Sequence[int], left_out: int = 0,
               as_of: date | None = None) -> Comparison:
    as_of = as_of or clock.today()
    chosen = _chosen_terms(akim_ids) if akim_ids else {}
    terms = [chosen[akim_id] for akim_id in akim_ids if akim_id in chosen]
    term_ids = [term.id for term in terms]
    figures = figures_for_terms(term_ids, as_of)
    categories = summaries_by_category_for_terms(term_ids, as_of)
    timelines = timelines_for_terms(term_ids, as_of)
    items = tuple(Compared(akim_id=term.akim_id, term=term, figures=figures[term.id],
                           cells=cells_of(figures[term.id]), categories=categories[term.id],
                           reports=tuple(timelines[term.id]))
                  for term in terms)
    return Comparison(as_of=as_of, items=items,
                      ignored=left_out + len(akim_ids) - len(items))


def figure_text(slug: str, value: object) -> str:
    """A figure's value as the profile writes it: shares as percentages (the budget's to one
    decimal), the average rating to two decimals, spending per resident in tenge, counts as
    numbers; "—" for none."""
    if value is None:
        return "—"
    if slug in SHARES:
        return percent(value, 1 if slug in ONE_DECIMAL else 0)  # type: ignore[arg-type]
    if slug == "rating-average":
        return number(value, 2)  # type: ignore[arg-type]
    if slug in MONEY:
        return money(value)  # type: ignore[arg-type]
    return number(value)  # type: ignore[arg-type]
