"""factory_boy factories, one module per domain; import them from here."""

from tests.factories.accounts import UserFactory, VerificationRequestFactory
from tests.factories.akims import AkimFactory, TermFactory
from tests.factories.base import valid_iin
from tests.factories.budgets import BudgetLineFactory, BudgetSpendingLineFactory
from tests.factories.feedback import CommentFactory
from tests.factories.geo import RuralDistrictFactory, SettlementFactory
from tests.factories.meetings import MeetingFactory, MeetingQuestionFactory
from tests.factories.promises import ProgrammeFactory, PromiseFactory
from tests.factories.recall import FlagFactory, PetitionFactory, PetitionSignatureFactory
from tests.factories.reports import ReportFactory

__all__ = [
    "AkimFactory",
    "BudgetLineFactory",
    "BudgetSpendingLineFactory",
    "CommentFactory",
    "FlagFactory",
    "MeetingFactory",
    "MeetingQuestionFactory",
    "PetitionFactory",
    "PetitionSignatureFactory",
    "ProgrammeFactory",
    "PromiseFactory",
    "ReportFactory",
    "RuralDistrictFactory",
    "SettlementFactory",
    "TermFactory",
    "UserFactory",
    "VerificationRequestFactory",
    "valid_iin",
]
