"""Imports every model module so that metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import (
    AccountToken,
    ResidentRegisterEntry,
    ResidentRegisterImport,
    User,
    UserRole,
    VerificationRequest,
)
from portal.akims.models import Akim, Term
from portal.audit import AuditEvent
from portal.budgets.models import (
    BudgetCategory,
    BudgetDistrictYear,
    BudgetImport,
    BudgetLine,
    BudgetYearSummary,
)
from portal.exports.models import ExportJob
from portal.feedback.models import (
    Comment,
    CommentComplaint,
    Rating,
    ReportRatingTally,
    TermRatingTally,
)
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.meetings.models import Meeting, MeetingQuestion
from portal.notifications.models import (
    Follow,
    Notification,
    NotificationEvent,
    NotificationPreference,
    NotificationSettings,
    UndeliverableAddress,
)
from portal.opendata.models import OpenDataFailure
from portal.promises.models import (
    Programme,
    Promise,
    PromiseAmendment,
    PromiseEvidence,
    PromiseUpdate,
    PromiseVote,
)
from portal.recall.models import (
    Flag,
    Petition,
    PetitionSignature,
    RecallEvaluation,
    RuleSetVersion,
)
from portal.reports import guards as _report_guards  # noqa: F401 - installs the ORM guard
from portal.reports.models import (
    Report,
    ReportAttachment,
    ReportPromiseEntry,
    ReportTextStash,
    ReportVersion,
)
from portal.search.models import SearchEntry
from portal.uploads import StoredFile
from portal.web.models import SiteMeta

__all__ = [
    "AccountToken",
    "Akim",
    "AuditEvent",
    "BudgetCategory",
    "BudgetDistrictYear",
    "BudgetImport",
    "BudgetLine",
    "BudgetYearSummary",
    "Comment",
    "CommentComplaint",
    "District",
    "ExportJob",
    "Flag",
    "Follow",
    "Meeting",
    "MeetingQuestion",
    "Notification",
    "NotificationEvent",
    "NotificationPreference",
    "NotificationSettings",
    "Petition",
    "PetitionSignature",
    "Programme",
    "Promise",
    "PromiseAmendment",
    "PromiseEvidence",
    "PromiseUpdate",
    "PromiseVote",
    "Rating",
    "RecallEvaluation",
    "Region",
    "Report",
    "ReportAttachment",
    "ReportPromiseEntry",
    "ReportRatingTally",
    "ReportTextStash",
    "ReportVersion",
    "ResidentRegisterEntry",
    "ResidentRegisterImport",
    "RuleSetVersion",
    "RuralDistrict",
    "SearchEntry",
    "Settlement",
    "SiteMeta",
    "StoredFile",
    "Term",
    "TermRatingTally",
    "UndeliverableAddress",
    "OpenDataFailure",
    "User",
    "UserRole",
    "VerificationRequest",
]
