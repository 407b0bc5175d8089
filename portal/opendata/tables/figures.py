"""Every term's figures as the pages show them, as of the build's Almaty day.

One row per term with the values of `portal.figures.readers.figures_for_terms` (the
definitions are on `/how-we-count`, one anchor per figure), so that a journalist joining the
open data gets the numbers the profile, the API and the dossier show, not a recount of them.
The other tables keep the rows those figures are counted from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from portal import clock
from portal.akims.models import Term
from portal.extensions import db
from portal.figures.readers import figures_for_terms
from portal.opendata.columns import SYNTHETIC, D, I, N, Table

HOW = "Definition: /how-we-count#"


def _rows() -> Iterator[tuple[Any, ...]]:
    as_of = clock.today()
    terms = dict(db.session.execute(select(Term.id, Term.synthetic).order_by(Term.id)).all())
    figures = figures_for_terms(terms, as_of)
    for term_id, synthetic in terms.items():
        item = figures[term_id]
        values = item.values()
        yield (term_id, as_of, *[values[slug] for slug in SLUGS],
               item.budget.year if item.budget else None, bool(synthetic))


SLUGS = ("promises-due", "promises-kept", "promises-kept-share", "promises-broken",
         "promises-broken-share", "promises-kept-early", "promises-overdue", "reports-due",
         "reports-on-time", "reports-late", "reports-missing", "rating-average",
         "rating-count", "budget-own-plan-execution", "budget-plan-execution",
         "own-revenue-share", "spending-per-resident", "spending-plan-execution",
         "own-revenue-coverage", "open-flags", "meeting-questions-open",
         "meeting-questions-overdue")
_SHARES = {"promises-kept-share", "promises-broken-share", "rating-average",
           "budget-own-plan-execution", "budget-plan-execution", "own-revenue-share",
           "spending-plan-execution", "own-revenue-coverage"}

FIGURES = [
    Table("term_figures", "Figures of each term", "The figures the portal shows for each term "
          "(profile, API, dossier), counted as of the build's day in Almaty. Shares are "
          "fractions (0.25 is 25 %) of the denominator the definition names.", [
        I("term_id", "The term."), D("as_of", "The Almaty day the figures are counted on."),
        *[(N if slug in _SHARES else I)(slug.replace("-", "_"), f"{HOW}{slug}")
          for slug in SLUGS],
        I("budget_year", "The year the budget figures are of (the term's headline year)."),
        SYNTHETIC("term's figures (the term is fictional)"),
    ], _rows, ["term_id"], [("term_id", "terms", "id")]),
]
