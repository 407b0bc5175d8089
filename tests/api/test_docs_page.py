"""The human-readable API reference is generated from the OpenAPI document."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from portal.api import openapi


def test_the_reference_lists_every_operation_with_an_example(client: FlaskClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path in openapi.document()["paths"]:
        assert f"GET /api/v1{path}" in html, path
    assert "curl -s &#39;http://127.0.0.1:5000/api/v1/akims?region=61&#39;" in html
    assert "format=csv" in html and "If-None-Match" in html
    assert "CC BY 4.0" in html and 'rel="license"' in html
    assert "300 requests a minute and 5,000 requests an hour" in html
    assert "rural_district.kato" in html  # response fields, flattened
    assert "scores.rating_avg" in html and "number or null" in html


def test_the_reference_obeys_the_content_security_policy(client: FlaskClient) -> None:
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert "cdn" not in html.lower()


def test_the_reference_in_kazakh(client: FlaskClient) -> None:
    response = client.get("/api/v1/docs?lang=kk")
    assert response.status_code == 200
    assert '<html lang="kk">' in response.get_data(as_text=True)
