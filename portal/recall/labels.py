"""Display names of the recall vocabularies: rules, severities, flag and petition statuses."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.recall.models import (
    ClearReason,
    FlagStatus,
    PetitionStatus,
    RuleCode,
    RuleSource,
    Severity,
)

LABELS: dict[Enum, Any] = {
    RuleCode.REPORTING: _l("Reporting to residents"),
    RuleCode.PROMISES: _l("Election promises"),
    RuleCode.SATISFACTION: _l("Residents' satisfaction"),
    RuleCode.PETITION: _l("Recall petition"),
    RuleCode.BUDGET: _l("Own-revenue budget"),
    Severity.WARNING: _l("Warning"),
    Severity.TRIGGER: _l("Recall-trigger condition"),
    FlagStatus.OPEN: _l("Open"),
    FlagStatus.AKIM_RESPONDED: _l("The akim responded"),
    FlagStatus.UNDER_REVIEW: _l("Under review"),
    FlagStatus.UPHELD: _l("Upheld on review"),
    FlagStatus.DISMISSED: _l("Dismissed on review"),
    FlagStatus.CLEARED: _l("Cleared"),
    ClearReason.CONDITION_ENDED: _l("the condition no longer holds"),
    ClearReason.TERM_ENDED: _l("the term ended"),
    ClearReason.RULE_DISABLED: _l("the rule was switched off"),
    PetitionStatus.OPEN: _l("Collecting signatures"),
    PetitionStatus.SUCCEEDED: _l("Reached the threshold"),
    PetitionStatus.CLOSED: _l("Closed below the threshold"),
    RuleSource.CONFIGURATION: _l("Defaults and instance configuration"),
    RuleSource.ADMIN: _l("Administrators' page"),
}

