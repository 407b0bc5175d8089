"""Recall-trigger flags for the dossier, from their domain's reader.

They come as plain values through one set-based call (one query for any number of terms);
the ratings, like every other figure, come from `portal.figures`. The flag evidence is
turned into short sentences in the reader's language, the same facts the flag page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from portal import clock
from portal.formats import capitalised, formal_date, formal_period
from portal.labels import label
from portal.modeling import as_utc
from portal.recall import readers as recall_readers
from portal.recall.models import FlagStatus, RuleCode
from portal.web.templating import money, number, percent


@dataclass(frozen=True)
class FlagItem:
    """A recall-trigger flag: a civic accountability signal, never a legal decision."""

    rule: str
    rule_label: str
    status: str
    status_label: str
    live: bool  # the conditions still hold and staff have not dismissed it
    raised_on: date
    closed_on: date | None
    evidence: tuple[str, ...]
    response: str | None
    responded_on: date | None

    @property
    def is_open(self) -> bool:
        return self.live


# --------------------------------------------------------------------- flags

def flags(term_ids: Iterable[int]) -> dict[int, tuple[FlagItem, ...]]:
    """Each term's published flags, live first, then newest."""
    ids = list(term_ids)
    found = recall_readers.flags_for_terms(ids, public_only=True)
    return {term_id: tuple(sorted((_flag(row) for row in found.get(term_id, ())),
                                  key=lambda flag: (not flag.live, -flag.raised_on.toordinal())))
            for term_id in ids}


def _flag(row: recall_readers.FlagRow) -> FlagItem:
    responded = as_utc(row.responded_at)
    return FlagItem(
        rule=row.rule.value,
        rule_label=label(row.rule),
        status=row.status.value,
        status_label=label(row.status),
        live=row.cleared_on is None and row.status != FlagStatus.DISMISSED,
        raised_on=row.first_raised_on,
        closed_on=row.cleared_on,
        evidence=evidence_lines(row.rule, row.current_evidence or row.evidence),
        response=row.response,
        responded_on=clock.local_date(responded) if responded else None,
    )


def evidence_lines(rule: RuleCode, evidence: dict[str, Any]) -> tuple[str, ...]:
    """The facts that made a rule fire, as sentences (the flag page shows them as tables),
    with the document's formal dates."""
    as_of = _date(evidence.get("as_of"))
    if rule is RuleCode.REPORTING:
        lines = [ngettext("%(num)d report was unpublished past its due date on %(day)s.",
                          "%(num)d reports were unpublished past their due dates on %(day)s.",
                          int(evidence.get("missing_count", 0)), day=formal_date(as_of))]
        lines += [ngettext("%(period)s: due %(due)s, %(days)s day past due.",
                           "%(period)s: due %(due)s, %(days)s days past due.",
                           int(item["days_past_due"]),
                           period=capitalised(formal_period(_day(item["period_start"]),
                                                            _day(item["period_end"]))),
                           due=formal_date(_date(item["due_on"])),
                           days=number(item["days_past_due"]))
                  for item in evidence.get("missing", [])]
        return tuple(lines)
    if rule is RuleCode.PROMISES:
        return (_("Promises due on %(day)s: %(due)s; kept %(kept)s (%(kept_share)s), broken "
                  "%(broken)s (%(broken_share)s).", day=formal_date(as_of),
                  due=number(evidence.get("due")), kept=number(evidence.get("kept")),
                  kept_share=percent(_decimal(evidence.get("kept_share")), 1),
                  broken=number(evidence.get("broken")),
                  broken_share=percent(_decimal(evidence.get("broken_share")), 1)),)
    if rule is RuleCode.SATISFACTION:
        return (ngettext("Average rating %(average)s from %(count)s rating of verified residents "
                         "(%(minimum)s needed to count).",
                         "Average rating %(average)s from %(count)s ratings of verified residents "
                         "(%(minimum)s needed to count).", int(evidence.get("count") or 0),
                         average=number(_decimal(evidence.get("average")), 2),
                         count=number(evidence.get("count")),
                         minimum=number(evidence.get("min_count"))),)
    if rule is RuleCode.PETITION:
        return (ngettext("%(signatures)s signature of verified residents; %(threshold)s were "
                         "needed (%(share)s of %(voters)s registered voters).",
                         "%(signatures)s signatures of verified residents; %(threshold)s were "
                         "needed (%(share)s of %(voters)s registered voters).",
                         int(evidence.get("signatures") or 0),
                         signatures=number(evidence.get("signatures")),
                         threshold=number(evidence.get("threshold")),
                         share=percent(_decimal(evidence.get("voter_share"))),
                         voters=number(evidence.get("registered_voters"))),)
    if rule is RuleCode.BUDGET:
        return (_("Fiscal year %(year)s: own revenue planned %(plan)s, collected %(actual)s "
                  "(%(share)s of plan).", year=evidence.get("fiscal_year"),
                  plan=money(evidence.get("plan_own")), actual=money(evidence.get("actual_own")),
                  share=percent(_decimal(evidence.get("execution")), 1)),)
    return ()


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _day(value: Any) -> date:
    found = _date(value)
    assert found is not None  # noqa: S101 - a missing report's period has both ends
    return found


def _decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None
