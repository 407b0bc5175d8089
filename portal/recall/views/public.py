"""Public pages: a flag with its evidence, response and decision; the methodology."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.permissions import Permission, can, public
from portal.recall.basis import BASIS, ELECTIONS_LAW_113_16, at_default
from portal.recall.forms import DecisionForm
from portal.recall.models import UNDECIDED, Flag, FlagStatus, RuleCode
from portal.recall.ruleset import current_rules, rules_of_version
from portal.recall.views import blueprint
from portal.recall.views.common import readable_flag
from portal.reports.timeliness import local_today
from portal.web.forms import ButtonForm


@blueprint.route("/flags/<int:flag_id>")
@public(load=readable_flag)
def flag(item: Flag) -> str:
    return render_flag(item)


def render_flag(item: Flag, decision_form: DecisionForm | None = None) -> str:
    rules = rules_of_version(item.rule_version)
    reviewer = can(current_user, Permission.FLAGS_REVIEW, item)
    return render_template(
        "recall/flag.html", flag=item, term=item.term, rules=rules,
        rule=rules.rule(item.rule) if rules else None,
        may_respond=(item.status in UNDECIDED
                     and can(current_user, Permission.FLAGS_RESPOND, item)),
        may_start_review=reviewer and item.status in (FlagStatus.OPEN,
                                                      FlagStatus.AKIM_RESPONDED),
        may_decide=reviewer and item.status in UNDECIDED and item.is_public(),
        decision_form=decision_form or DecisionForm(), review_form=ButtonForm(),
        today=local_today(),
    )


@blueprint.route("/recall/methodology")
@public
def methodology() -> str:
    current = current_rules()
    return render_template("recall/methodology.html", rules=current.rules,
                           version=current.number, RuleCode=RuleCode, BASIS=BASIS,
                           at_default=at_default, analogue=ELECTIONS_LAW_113_16)
