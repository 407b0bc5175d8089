"""One definition per figure the portal shows, shared by pages, API, CSV, open data, PDF, mail.

- `portal.figures.definitions`: each figure's slug, name, one-sentence definition and
  denominator (the "How we count" page, `/how-we-count#<slug>`).
- `portal.figures.readers`: `figures_for_terms(term_ids, as_of)`, the values of every figure
  for any number of terms in a fixed number of queries, as the domains' own value types
  (`PromiseSummary`, `ReportSummary`, `RatingSummary`, `YearIndicators`), and their sums
  over an area. Surfaces format these values; they never count again.
- Here: the small rules several readers share, so that they are written once.

Every figure is counted as of an Almaty calendar day (`portal.clock`).
"""

from __future__ import annotations

from datetime import date

from portal.clock import days_between


def days_overdue(due_on: date, as_of: date) -> int:
    """Figure "days-overdue": Almaty calendar days from a missing report's due date to the
    as-of day (0 on the due day itself and before it)."""
    return max(0, days_between(due_on, as_of))
