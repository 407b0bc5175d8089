"""Imports every model module so that metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import User, UserRole
from portal.akims.models import Akim, Term
from portal.audit import AuditEvent
from portal.geo.models import District, Region, RuralDistrict, Settlement
from portal.promises.models import (
    Programme,
    Promise,
    PromiseAmendment,
    PromiseEvidence,
    PromiseFollower,
    PromiseUpdate,
    PromiseVote,
)
from portal.uploads import StoredFile
from portal.web.models import SiteMeta

__all__ = [
    "Akim",
    "AuditEvent",
    "District",
    "Programme",
    "Promise",
    "PromiseAmendment",
    "PromiseEvidence",
    "PromiseFollower",
    "PromiseUpdate",
    "PromiseVote",
    "Region",
    "RuralDistrict",
    "Settlement",
    "SiteMeta",
    "StoredFile",
    "Term",
    "User",
    "UserRole",
]
