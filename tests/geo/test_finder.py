"""The finder: a village or rural district typed in any spelling, or picked step by step,
gives the rural district and its akim (registration, the account page, /find)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts import services
from portal.extensions import db
from portal.geo import finder
from portal.geo.kato import SHIPPED_AS_OF, SHIPPED_FILE, import_file
from portal.geo.models import RuralDistrict, UnitKind
from tests.factories import AkimFactory, TermFactory, valid_iin

AGYBET, AKBASTAU = "613633000", "613635000"


@pytest.fixture
def the_map() -> None:
    import_file(SHIPPED_FILE, SHIPPED_AS_OF)


def _unit(code: str) -> RuralDistrict:
    unit = db.session.scalar(select(RuralDistrict).where(RuralDistrict.kato == code))
    assert unit is not None
    return unit


@pytest.mark.usefixtures("the_map")
@pytest.mark.parametrize("typed", ["Агыбет", "Ағыбет", "АҒЫБЕТ", "agybet", "Ağybet"])
def test_a_name_in_any_spelling_finds_the_rural_district(typed: str) -> None:
    assert {match.unit.kato for match in finder.by_name(typed)} == {AGYBET}


@pytest.mark.usefixtures("the_map")
def test_a_village_name_or_code_gives_its_rural_district() -> None:
    matches = finder.by_name("Жолгабас")  # a village of Akbastau rural district
    assert [(m.unit.kato, m.village.name_ru if m.village else None) for m in matches] == [
        (AKBASTAU, "с.Жолгабас")]
    assert [m.unit.kato for m in finder.by_name("Zholgabas")] == [AKBASTAU]
    found = finder.by_code("613635200")
    assert found is not None and found.unit.kato == AKBASTAU
    # Units whose akims are appointed are no answer: the portal has no place for them.
    assert finder.by_code("101010000") is None  # г.Семей
    assert all(m.unit.kind != UnitKind.CITY for m in finder.by_name("Семей"))


@pytest.mark.usefixtures("the_map")
def test_registration_takes_a_village_name(client: FlaskClient, csrf: Any) -> None:
    response = client.post("/register", data={
        "email": "dana@example.kz", "password": "steppe wind over the river",
        "iin": valid_iin(), "rural_district": "Zholgabas", "display_name": "Dana",
        "csrf_token": csrf("/register")})
    assert response.status_code == 302
    user = services.find_by_email("dana@example.kz")
    assert user is not None and user.rural_district_id == _unit(AKBASTAU).id


@pytest.mark.usefixtures("the_map")
def test_find_my_akim_by_typing_or_step_by_step(client: FlaskClient) -> None:
    term = TermFactory(rural_district=_unit(AKBASTAU), akim=AkimFactory())
    typed = client.get("/find?q=Жолғабас").get_data(as_text=True)
    assert "с.Жолгабас" in typed and "Акбастауский с.о." in typed
    assert f"/akims/{term.akim_id}" in typed
    region = client.get("/find?region=61").get_data(as_text=True)
    assert "Baidibek District" in region and 'name="unit"' not in region
    district = client.get("/find?region=61&district=6136").get_data(as_text=True)
    assert "Агыбетский с.о." in district and "No serving akim is recorded." in district
    unit = client.get(f"/find?region=61&district=6136&unit={AKBASTAU}").get_data(as_text=True)
    assert "с.Жолгабас" in unit and f"/akims/{term.akim_id}" in unit
    # Another region chosen above drops the district and the unit below.
    moved = client.get(f"/find?region=10&district=6136&unit={AKBASTAU}").get_data(as_text=True)
    assert "с.Жолгабас" not in moved and "Агыбетский" not in moved


def test_the_finder_page_stays_within_its_query_budget(
        client: FlaskClient, count_queries: Any, the_map: None) -> None:
    with count_queries() as queries:
        page = client.get(f"/find?q=Агыбет&region=61&district=6136&unit={AGYBET}")
    assert page.status_code == 200
    assert len(queries) <= 10, queries
