"""Each test runs in its own rolled-back transaction: the pair below proves it, in either order."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.geo.models import RuralDistrict
from tests.factories import RuralDistrictFactory

MARKER = "Isolation-marker rural district"


def _markers() -> int:
    return db.session.scalar(
        select(func.count()).select_from(RuralDistrict).where(RuralDistrict.name_en == MARKER)
    ) or 0


def test_a_row_committed_in_one_test() -> None:
    assert _markers() == 0
    RuralDistrictFactory(name_en=MARKER)
    db.session.commit()
    assert _markers() == 1


def test_is_gone_in_the_next() -> None:
    assert _markers() == 0
    RuralDistrictFactory(name_en=MARKER)
    assert _markers() == 1
