"""Terms with a known record for the league table and comparison tests."""

from __future__ import annotations

from datetime import date

from portal.akims.models import Term
from portal.promises.models import BrokenReason, PromiseStatus
from tests.factories import PromiseFactory, TermFactory
from tests.factories.geo import RuralDistrictFactory, a_district

DUE = date(2025, 12, 1)  # before any day the tests stand on


def term_with_promises(due: int, kept: int, broken: int = 0, kato4: str = "6136",
                       **kwargs: object) -> Term:
    """A serving term in district `kato4` with `due` promises past their deadline, `kept` of
    them kept and `broken` broken."""
    term = TermFactory(rural_district=RuralDistrictFactory(district=a_district(kato4)), **kwargs)
    for number in range(due):
        status = (PromiseStatus.KEPT if number < kept else PromiseStatus.BROKEN
                  if number < kept + broken else PromiseStatus.IN_PROGRESS)
        PromiseFactory(term=term, deadline=DUE, claimed_status=status,
                       claimed_broken_reason=BrokenReason.NO_FUNDING
                       if status is PromiseStatus.BROKEN else None)
    return term
