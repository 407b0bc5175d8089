"""The map's pages on the real classifier: cities apart, "no data loaded", appointed units."""

from __future__ import annotations

from flask.testing import FlaskClient

from portal.geo.kato import SHIPPED_AS_OF, SHIPPED_FILE, import_file


def test_cities_of_republican_significance_are_listed_apart_not_as_rows_of_zeros(
        client: FlaskClient) -> None:
    import_file(SHIPPED_FILE, SHIPPED_AS_OF)
    html = client.get("/regions/").get_data(as_text=True)
    table, after = html.split("</table>", 1)
    assert "Astana" not in table and "Shymkent" not in table
    assert "Cities of republican significance" in after and "/regions/71" in after
    # No akim is loaded yet: the counts are of real units, not invented ones.
    assert "No data loaded" not in table
    astana = client.get("/regions/71").get_data(as_text=True)
    assert "Districts of the city" in astana and "<table" not in astana


def test_an_area_with_no_loaded_units_says_so(client: FlaskClient) -> None:
    """Before the classifier is imported, a district says "no data loaded", never that its
    territory is urban."""
    html = client.get("/districts/6136").get_data(as_text=True)
    assert "No data loaded" in html and "urban" not in html
    region = client.get("/regions/61").get_data(as_text=True)
    assert "No data loaded" in region


def test_a_city_administration_lists_its_appointed_units_apart(client: FlaskClient) -> None:
    import_file(SHIPPED_FILE, SHIPPED_AS_OF)
    html = client.get("/districts/1010").get_data(as_text=True)  # Semey city administration
    listed, apart = html.split("Other units (akims appointed, not elected)", 1)
    assert "Абралинский с.о." in listed and "Чаганская п.а." in listed
    assert "г.Семей" in apart and "City of regional significance" in apart
