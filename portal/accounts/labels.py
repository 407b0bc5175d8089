"""Display names of roles, verification methods and verification statuses."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role, VerificationMethod, VerificationStatus

LABELS: dict[Enum, Any] = {
    Role.CITIZEN: _l("Citizen"),
    Role.AKIM: _l("Akim"),
    Role.STAFF: _l("Parliamentary staff"),
    Role.MODERATOR: _l("Moderator"),
    Role.ADMIN: _l("Administrator"),
    VerificationMethod.RESIDENTS_REGISTER: _l("Residents' register"),
    VerificationMethod.MODERATOR_REVIEW: _l("Moderator review"),
    VerificationStatus.PENDING: _l("Waiting for a moderator"),
    VerificationStatus.APPROVED: _l("Approved"),
    VerificationStatus.REJECTED: _l("Rejected"),
    VerificationStatus.WITHDRAWN: _l("Closed"),
}
