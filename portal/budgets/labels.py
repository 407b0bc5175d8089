"""Display names of the budget vocabularies."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.budgets.models import (
    DecisionKind,
    ImportJobStatus,
    ImportKind,
    ImportStatus,
    PeriodKind,
    RevenueSection,
)

LABELS: dict[Enum, Any] = {
    RevenueSection.TAX: _l("Tax receipts"),
    RevenueSection.NON_TAX: _l("Non-tax receipts"),
    RevenueSection.CAPITAL: _l("Sales of fixed capital"),
    RevenueSection.TRANSFERS: _l("Transfers"),
    PeriodKind.YEAR: _l("Year"),
    PeriodKind.QUARTER: _l("Quarter"),
    PeriodKind.MONTH: _l("Month"),
    ImportStatus.SUCCEEDED: _l("Imported"),
    ImportStatus.FAILED: _l("Rejected"),
    ImportJobStatus.QUEUED: _l("Waiting for the worker"),
    ImportJobStatus.RUNNING: _l("Checking the rows"),
    ImportJobStatus.DONE: _l("Finished"),
    ImportJobStatus.FAILED: _l("Stopped"),
    ImportKind.REVENUE: _l("Revenue"),
    ImportKind.SPENDING: _l("Spending"),
    ImportKind.DECISIONS: _l("Maslikhat decisions"),
    DecisionKind.ADOPTED: _l("Adopted"),
    DecisionKind.AMENDING: _l("Amended"),
}
