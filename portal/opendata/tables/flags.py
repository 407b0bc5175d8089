"""Recall-trigger flags: only those already public (after the akim's response window)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from portal.akims.models import Term
from portal.modeling import utcnow
from portal.opendata.columns import SYNTHETIC, D, I, S, T, Table, stream
from portal.recall.models import Flag
from portal.recall.readers import is_public


def _flags() -> Iterator[tuple[Any, ...]]:
    statement = (select(Flag.id, Flag.term_id, Flag.rule, Flag.severity, Flag.status,
                        Flag.first_raised_on, Flag.last_confirmed_on, Flag.cleared_on,
                        Flag.public_from, Flag.rule_version, Flag.evidence, Flag.response,
                        Flag.decision_reason, Flag.decided_by_role, Term.synthetic)
                 .join(Term, Term.id == Flag.term_id)
                 .where(is_public(utcnow())).order_by(Flag.id))
    for row in stream(statement):
        (flag_id, term_id, rule, severity, status, raised, confirmed, cleared, public_from,
         version, evidence, response, decision, decided_by_role, synthetic) = row
        yield (flag_id, term_id, getattr(rule, "value", rule), getattr(severity, "value", severity),
               getattr(status, "value", status), raised, confirmed, cleared, public_from,
               version, json.dumps(evidence or {}, ensure_ascii=False, sort_keys=True),
               response, decision, getattr(decided_by_role, "value", decided_by_role),
               synthetic)


FLAGS = [
    Table("flags", "Recall-trigger flags", "Civic accountability flags raised by the "
          "configurable recall-trigger rules (docs: /recall/methodology). Never a legal "
          "decision on recall. Only flags already made public are listed.", [
        I("id", "The flag's id (page: /flags/<id>)."),
        I("term_id", "The term concerned."),
        S("rule", "The rule's code."),
        S("severity", "warning or trigger."),
        S("status", "open, akim_responded, under_review, upheld, dismissed or cleared."),
        D("first_raised_on", "When the conditions were first met."),
        D("last_confirmed_on", "When an evaluation last found them still met."),
        D("cleared_on", "When the conditions stopped holding (empty while they hold)."),
        T("public_from", "When the flag became public (UTC)."),
        I("rule_version", "The version of the rules that raised it."),
        S("evidence", "The facts the rule found, as JSON."),
        S("response", "The akim's published response."),
        S("decision", "The reviewers' published reasons."),
        S("decided_by_role", "The role the decision was taken under: moderator, admin, or "
          "staff (parliamentary staff, before review passed to the portal's moderators)."),
        SYNTHETIC("flag (raised on a fictional term)"),
    ], rows=_flags, primary_key=["id"], foreign_keys=[("term_id", "terms", "id")]),
]
