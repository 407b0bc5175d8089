"""factory_boy factories, one module per domain; import them from here."""

from tests.factories.accounts import UserFactory, VerificationRequestFactory
from tests.factories.akims import AkimFactory, TermFactory
from tests.factories.base import valid_iin
from tests.factories.geo import RuralDistrictFactory, SettlementFactory

__all__ = [
    "AkimFactory",
    "RuralDistrictFactory",
    "SettlementFactory",
    "TermFactory",
    "UserFactory",
    "VerificationRequestFactory",
    "valid_iin",
]
