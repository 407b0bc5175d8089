"""factory_boy factories, one module per domain; import them from here."""

from tests.factories.accounts import UserFactory
from tests.factories.akims import AkimFactory, TermFactory
from tests.factories.base import valid_iin
from tests.factories.geo import RuralDistrictFactory, SettlementFactory
from tests.factories.promises import ProgrammeFactory, PromiseFactory

__all__ = [
    "AkimFactory",
    "ProgrammeFactory",
    "PromiseFactory",
    "RuralDistrictFactory",
    "SettlementFactory",
    "TermFactory",
    "UserFactory",
    "valid_iin",
]
