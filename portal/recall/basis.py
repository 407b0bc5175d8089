"""Why each recall-signal rule draws its line where it does, and what of it (nothing) is law.

No adopted procedure for recalling a rural akim exists, so every threshold here is the portal's
own choice. The nearest legal analogue, shown beside the rules and never applied as one, is the
recall of a deputy elected in a single-mandate district: Constitutional Law of the Republic of
Kazakhstan "On elections in the Republic of Kazakhstan" No. 2464 of 28 September 1995, art.
113-16 (the vote is valid if at least a third of the district's voters take part; the deputy is
recalled if more than half of those voting vote for it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.recall.models import RuleCode
from portal.recall.ruleset import RuleConfig, RuleSet
from portal.reports.policy import Source

ELECTIONS_LAW_113_16 = Source(
    act=_l("Constitutional Law of the Republic of Kazakhstan \u201cOn elections in the Republic "
           "of Kazakhstan\u201d, article 113-16"),
    number="2464", adopted_on=date(1995, 9, 28),
    url="https://adilet.zan.kz/rus/docs/Z950002464_",
    confirmed="partly",
    note=_l("Article 113-16 (voting on the recall of a deputy elected in a single-mandate "
            "district) was read in a reproduction of the law's text (kodeksy-kz.com, checked "
            "12 May 2024), not on adilet.zan.kz itself."),
)


@dataclass(frozen=True)
class RuleBasis:
    """Why a rule's line is where it is, and whether it comes from law (never, for now)."""

    reason: Any  # a lazy translated string
    source: Source | None = None  # None: the portal's own choice


BASIS: dict[RuleCode, RuleBasis] = {
    RuleCode.REPORTING: RuleBasis(_l(
        "A month past the due date leaves room for a late publication while still telling "
        "residents that the report has not come; two missing reports show a pattern rather "
        "than one slip. The written report and its due dates are themselves the portal's "
        "configuration (the law asks for meetings with residents).")),
    RuleCode.PROMISES: RuleBasis(_l(
        "Promises need time: nothing is judged before mid-term. Half of the promises due "
        "broken, or fewer than a quarter kept, is a record residents may want to discuss; "
        "fewer broken or more kept is left to the promise pages.")),
    RuleCode.SATISFACTION: RuleBasis(_l(
        "The two latest reports reflect the akim's recent work. At least 20 ratings, and at "
        "least 1 per cent of the voters, so that a handful of residents cannot raise a flag alone; "
        "2.5 of 5 is below the middle of the scale.")),
    RuleCode.PETITION: RuleBasis(_l(
        "One voter in ten signing in 90 days shows a concern shared well beyond a group of "
        "neighbours. The share is the portal's choice; in law, the nearest analogue concerns "
        "the vote on a deputy's recall, not a petition (see below).")),
    RuleCode.BUDGET: RuleBasis(_l(
        "Own revenues below 70 per cent of plan over a whole year the akim served at least half of "
        "is a warning only: rural budgets depend on transfers and a small tax base, so the "
        "akim is not alone responsible.")),
}


def at_default(code: RuleCode, rule: RuleConfig) -> bool:
    """Whether `rule` draws its line where `BASIS[code].reason` explains it: the reasons speak
    of the default numbers, and a rules version may move them (switching a rule off or
    changing its severity leaves its line where it was)."""
    default = RuleSet().rule(code)
    return replace(rule, enabled=default.enabled, severity=default.severity) == default
