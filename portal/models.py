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
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.uploads import StoredFile
from portal.web.models import SiteMeta

__all__ = [
    "AccountToken",
    "Akim",
    "AuditEvent",
    "District",
    "Region",
    "ResidentRegisterEntry",
    "ResidentRegisterImport",
    "RuralDistrict",
    "Settlement",
    "SiteMeta",
    "StoredFile",
    "Term",
    "User",
    "UserRole",
    "VerificationRequest",
]
