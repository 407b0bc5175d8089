"""Display names of the promise vocabularies: categories, funding, statuses, reasons, votes."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.promises.models import (
    AmendmentKind,
    BrokenReason,
    FundingSource,
    PromiseCategory,
    PromiseStatus,
    UpdateKind,
    VoteChoice,
)

# One dict per vocabulary: StrEnum members are equal to their string values, so in one dict
# literal PromiseCategory.OTHER, FundingSource.OTHER and BrokenReason.OTHER were one key (the
# last label won and the first member kept it). `portal.labels` merges them by enum class.
CATEGORY_LABELS: dict[Enum, Any] = {
    PromiseCategory.EDUCATION: _l("Education"),
    PromiseCategory.HEALTHCARE: _l("Healthcare"),
    PromiseCategory.SOCIAL_SECURITY: _l("Social security"),
    PromiseCategory.CULTURE_SPORTS: _l("Culture and sports"),
    PromiseCategory.RECREATION: _l("Recreation"),
    PromiseCategory.TRANSPORT: _l("Transport"),
    PromiseCategory.ROADS: _l("Roads"),
    PromiseCategory.ENGINEERING: _l("Engineering infrastructure (water, gas, power)"),
    PromiseCategory.SAFETY: _l("Safety"),
    PromiseCategory.ENVIRONMENT: _l("Environment"),
    PromiseCategory.INFOCOMMUNICATIONS: _l("Internet and communications"),
    PromiseCategory.HOUSEHOLD_SERVICES: _l("Household services"),
    PromiseCategory.ECONOMY_JOBS: _l("Economy and jobs"),
    PromiseCategory.LOCAL_GOVERNANCE: _l("Local governance"),
    PromiseCategory.OTHER: _l("Other"),
}
FUNDING_LABELS: dict[Enum, Any] = {
    FundingSource.RURAL_DISTRICT_BUDGET: _l("Rural district budget"),
    FundingSource.DISTRICT_BUDGET: _l("District budget"),
    FundingSource.AUYL_EL_BESIGI: _l("“Auyl – El Besigi” programme"),
    FundingSource.AUYL_AMANATY: _l("“Auyl Amanaty” programme"),
    FundingSource.SPONSOR: _l("Sponsor"),
    FundingSource.OTHER: _l("Other source"),
}
STATUS_LABELS: dict[Enum, Any] = {
    PromiseStatus.NOT_YET_RATED: _l("Not yet rated"),
    PromiseStatus.IN_PROGRESS: _l("In progress"),
    PromiseStatus.STALLED: _l("Stalled"),
    PromiseStatus.PARTIALLY_KEPT: _l("Partially kept"),
    PromiseStatus.KEPT: _l("Kept"),
    PromiseStatus.BROKEN: _l("Broken"),
    PromiseStatus.NOT_VERIFIABLE: _l("Not verifiable"),
    PromiseStatus.OUTSIDE_COMPETENCE: _l("Outside the akim's competence"),
    PromiseStatus.WITHDRAWN: _l("Withdrawn"),
}
REASON_LABELS: dict[Enum, Any] = {
    BrokenReason.NO_FUNDING: _l("No funding"),
    BrokenReason.OUTSIDE_COMPETENCE: _l("Outside the akim's competence"),
    BrokenReason.BLOCKED_BY_HIGHER_AUTHORITY: _l("Blocked by a higher authority"),
    BrokenReason.CHANGED_POSITION: _l("The akim changed position"),
    BrokenReason.FORCE_MAJEURE: _l("Force majeure"),
    BrokenReason.OTHER: _l("Other reason"),
}
LABELS: dict[Enum, Any] = {
    UpdateKind.CLAIM: _l("Akim's update"),
    UpdateKind.VERDICT: _l("Verified verdict"),
    UpdateKind.REOPEN: _l("Reopened by the verification team"),
    AmendmentKind.ADDED: _l("Added after the baseline"),
    AmendmentKind.EDITED: _l("Changed after the baseline"),
    VoteChoice.CONFIRM: _l("Yes, it is true"),
    VoteChoice.DISPUTE: _l("No, that is not true"),
}

VOCABULARIES = (CATEGORY_LABELS, FUNDING_LABELS, STATUS_LABELS, REASON_LABELS, LABELS)

# Field names as shown in the public list of amendments.
FIELD_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "description": _l("Description"),
    "category": _l("Category"),
    "settlements": _l("Villages concerned"),
    "deadline": _l("Deadline"),
    "cost_estimate": _l("Cost estimate"),
    "funding_source": _l("Funding source"),
    "budget_function": _l("Paid from (functional group of the budget)"),
    "inherited": _l("Taken over from the predecessor"),
    "language": _l("Language of the text"),
}
