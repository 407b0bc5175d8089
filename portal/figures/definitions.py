"""What each figure the portal shows means: a name, one sentence, its denominator.

These sentences are the "How we count" page (`/how-we-count`, one anchor per slug), the
footnotes of the dossier and the `title` of every stat card and table head that shows a
figure. Change a definition here and in the reader that computes it (`portal.figures.readers`
and the domain readers it calls), never on a surface.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Figure:
    slug: str  # the anchor on /how-we-count and the key in `TermFigures.values()`
    group: str  # promises, reports, ratings, budget, flags
    title: LazyString
    definition: LazyString
    denominator: LazyString | None = None  # None: a count or a number of days, not a share
    source: LazyString | None = None  # where the rule comes from, when not ours


OURS = _l("A rule of this portal, published here; no act defines it.")

FIGURES: tuple[Figure, ...] = (
    # ----------------------------------------------------------------- promises
    Figure("promises-due", "promises", _l("Promises due"),
           _l("Promises of the term's programme whose deadline (as last amended) is on or "
              "before the day the data is as of; withdrawn promises are counted too."),
           source=OURS),
    Figure("promises-kept", "promises", _l("Kept"),
           _l("Promises due whose status is kept: the independent verdict where there is "
              "one, otherwise the akim's own claim."),
           source=OURS),
    Figure("promises-kept-share", "promises", _l("Kept share"),
           _l("Kept promises as a share of the promises due."),
           denominator=_l("the promises due"), source=OURS),
    Figure("promises-broken", "promises", _l("Broken"),
           _l("Promises due whose status is broken: the independent verdict where there is "
              "one, otherwise the akim's own claim."),
           source=OURS),
    Figure("promises-broken-share", "promises", _l("Broken share"),
           _l("Broken promises as a share of the promises due."),
           denominator=_l("the promises due"), source=OURS),
    Figure("promises-kept-early", "promises", _l("Kept ahead of the deadline"),
           _l("Promises already kept whose deadline is still ahead. They are shown apart "
              "and are in no share until their deadline comes."),
           source=OURS),
    Figure("promises-overdue", "promises", _l("Overdue"),
           _l("Promises whose deadline passed before the day the data is as of and that are "
              "still open: not yet rated, in progress, stalled or partially kept."),
           source=OURS),
    # ----------------------------------------------------------------- reports
    Figure("reports-due", "reports", _l("Reports due"),
           _l("Reports to residents with a published version covering the whole period, "
              "or whose due date has passed, as of the day the data is as of. An interim "
              "report alone counts only once its due date has passed."),
           source=_l("The written report and its periods and due dates are this portal's "
                     "configuration (/reports/rules). Decree of the President of the Republic "
                     "of Kazakhstan No. 826 of 3 March 2022 has akims report to residents at "
                     "meetings; it sets no written report and no due dates.")),
    Figure("reports-on-time", "reports", _l("Published on time"),
           _l("Reports due whose version covering the whole period (published after the "
              "period ended) came on or before their due date, counted on Almaty calendar "
              "days. A report published before its period ended is interim and does not "
              "count until such a version follows."),
           denominator=_l("the reports due"), source=OURS),
    Figure("reports-late", "reports", _l("Published late"),
           _l("Reports due whose version covering the whole period came after their due "
              "date."),
           denominator=_l("the reports due"), source=OURS),
    Figure("reports-missing", "reports", _l("Missing"),
           _l("Reports whose due date has passed with no version covering the whole period "
              "published: an interim report alone counts here."),
           denominator=_l("the reports due"), source=OURS),
    Figure("days-overdue", "reports", _l("Days overdue"),
           _l("For a missing report: Almaty calendar days from its due date to the day the "
              "data is as of."),
           source=OURS),
    # ----------------------------------------------------------------- ratings
    Figure("rating-average", "ratings", _l("Average rating"),
           _l("The mean of the scores (1 to 5) verified residents gave the term's published "
              "reports, rounded half up to two decimal places."),
           denominator=_l("the ratings"), source=OURS),
    Figure("rating-count", "ratings", _l("Ratings"),
           _l("How many ratings verified residents gave the term's published reports (one "
              "per resident and report; a changed rating counts once)."),
           source=OURS),
    # ----------------------------------------------------------------- budget
    Figure("budget-own-plan-execution", "budget", _l("Own-revenue plan execution"),
           _l("Own revenues collected in the year (taxes, non-tax income and sales of "
              "capital: everything but transfers) as a share of the own-revenue plan."),
           denominator=_l("the own-revenue plan (adjusted where stated, else approved)"),
           source=_l("The revenue sections (tax, non-tax, sales of fixed capital, transfers) "
                     "are those of the rural district budget decisions under the Budget Code "
                     "of 15 March 2025 No. 171-VIII; counting transfers out of own revenues "
                     "is a rule of this portal.")),
    Figure("budget-plan-execution", "budget", _l("Total plan execution"),
           _l("All revenues collected in the year, transfers included, as a share of the "
              "total revenue plan."),
           denominator=_l("the total revenue plan (adjusted where stated, else approved)"),
           source=OURS),
    Figure("own-revenue-share", "budget", _l("Own revenue share"),
           _l("Own revenues as a share of all revenues collected in the year."),
           denominator=_l("all revenues collected"), source=OURS),
    # Spending: portal.budgets.indicators (YearIndicators.spending_*, own_revenue_coverage).
    Figure("spending-per-resident", "budget", _l("Spending per resident"),
           _l("Money actually spent in the year, all functional groups together (or one "
              "group, where a group is shown), divided by the residents recorded on the "
              "portal, rounded half up to whole tenge; for a year not yet closed, the "
              "months the actuals cover."),
           denominator=_l("the residents recorded on the portal today, the same figure as "
                          "for own revenue per resident (for an area: of the rural districts "
                          "with spending on record)"),
           source=OURS),
    Figure("spending-plan-execution", "budget", _l("Spending plan executed"),
           _l("Money actually spent in the year as a share of the year's spending plan; for "
              "a year not yet closed, the spending of the months the actuals cover, against "
              "the plan of the whole year."),
           denominator=_l("the spending plan of the year, summed over functional groups "
                          "(adjusted where stated, else approved)"),
           source=OURS),
    Figure("own-revenue-coverage", "budget", _l("Spending covered by own revenue"),
           _l("Own revenues collected as a share of the money spent over the same months, "
              "counted only where the revenue and spending actuals reach the same month. It "
              "is not capped: above 100 % the own revenues exceeded what was spent."),
           denominator=_l("the money actually spent by the same rural districts over the "
                          "same months"),
           source=OURS),
    # ----------------------------------------------------------------- meetings
    # Counted by portal.meetings.readers.open_questions_for_terms (one query for any terms).
    Figure("meeting-questions-open", "meetings", _l("Open questions from meetings"),
           _l("Questions residents raised at the term's meetings that the akim has not yet "
              "closed with evidence of what was done."),
           source=OURS),
    Figure("meeting-questions-overdue", "meetings", _l("Open past their due date"),
           _l("Open questions from meetings whose due date is before the day the data is "
              "as of."),
           denominator=_l("the open questions from meetings"), source=OURS),
    # ----------------------------------------------------------------- flags
    Figure("open-flags", "flags", _l("Open flags"),
           _l("Published recall-trigger flags whose condition still holds and that were not "
              "dismissed: open, answered by the akim, under review or upheld. A flag is a "
              "civic accountability signal, never a legal decision."),
           source=OURS),
)



@dataclass(frozen=True)
class Unshown:
    """A figure readers may look for that the portal deliberately does not show, and why."""

    slug: str
    group: str
    title: LazyString
    reason: LazyString


NOT_SHOWN: tuple[Unshown, ...] = (
    Unshown("capital-and-current-spending", "budget", _l("Capital and current spending"),
            _l("Not shown. Spending is recorded by functional group (what the money was for: "
               "roads, lighting, the akim's office), and a functional group does not say "
               "whether money was spent on capital (building, buying fixed assets) or on "
               "current needs (salaries, utilities, upkeep). That split needs the economic "
               "classification or the budget programmes, which the portal does not record, "
               "so it is not estimated.")),
)

BY_SLUG: dict[str, Figure] = {figure.slug: figure for figure in FIGURES}
GROUPS: tuple[tuple[str, LazyString], ...] = (
    ("promises", _l("Promises")), ("reports", _l("Reports")),
    ("ratings", _l("Residents' ratings")), ("budget", _l("Budget")),
    ("meetings", _l("Meetings with residents")), ("flags", _l("Recall-trigger flags")),
)


# ----------------------------------------------------------------- comparing akims
@dataclass(frozen=True)
class Minimum:
    """The small-sample rule of league tables and comparisons: a figure in `figures` rests on
    the count `base`; below `least` cases it is shown greyed, "too few to compare", and sorts
    last. Counts (missing reports, open flags, open questions) have no minimum: a count is a
    fact, not a rate, and one missing report is one too many."""

    figures: tuple[str, ...]
    base: str  # the slug of the count it rests on
    least: int
    reason: LazyString


COMPARISON_RULE = _l("A rule of this portal for comparing akims, not a statistical law and "
                     "not in any act: below these numbers a share or an average says more "
                     "about chance than about the akim, so one kept promise of one due never "
                     "tops a table.")

COMPARISON_MINIMUMS: tuple[Minimum, ...] = (
    Minimum(("promises-kept-share", "promises-broken-share"), "promises-due", 5,
            _l("Kept and broken shares need at least 5 promises due.")),
    Minimum(("reports-on-time",), "reports-due", 2,
            _l("The share of reports published on time needs at least 2 reports due (a year "
               "of the portal's half-yearly schedule).")),
    Minimum(("rating-average",), "rating-count", 20,
            _l("An average rating needs at least 20 ratings.")),
)


def too_few(slug: str, values: dict[str, int | object]) -> bool:
    """Whether the figure `slug` rests on fewer cases than its minimum, given a term's
    `TermFigures.values()`."""
    for minimum in COMPARISON_MINIMUMS:
        if slug in minimum.figures:
            base = values.get(minimum.base)
            return not isinstance(base, int) or base < minimum.least
    return False
