"""The SVG charts: accessible, CSP-clean, exact, and the same drawing in a WeasyPrint PDF."""

from __future__ import annotations

import io
import re

from flask import Flask, render_template_string

from portal.charts import BRAND, ORANGE, Series, grouped_bars, nice_step, stacked_bars


def tooltip(category: str, series: str, value: int) -> str:
    return f"{category} {series} {value}"


def sample() -> tuple[str, str]:
    chart = stacked_bars(
        "test-chart", "Revenue <by> source", "Own & transfers by year.", "Year",
        ["2024", "2025"],
        [Series("Own revenue", [1_500_000, 2_000_000], BRAND),
         Series("Transfers", [3_500_000, None], ORANGE)],
        unit="million ₸", tooltip=tooltip, tick_label=lambda value: str(value // 1_000_000),
    )
    return str(chart.svg), chart.title


def test_a_chart_is_an_accessible_image_without_styles_or_scripts() -> None:
    svg, _title = sample()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart"')
    assert 'role="img" aria-labelledby="test-chart-title test-chart-desc"' in svg
    assert '<title id="test-chart-title">Revenue &lt;by&gt; source</title>' in svg
    assert '<desc id="test-chart-desc">Own &amp; transfers by year.</desc>' in svg
    assert 'font-family="DejaVu Sans"' in svg
    for forbidden in ("style", "<script", "javascript:", "float"):
        assert forbidden not in svg
    # Three segments (the missing 2025 transfer draws nothing), each with its exact value.
    assert re.findall(r"<title>(\d{4}) (\w[\w ]+) (\d+)</title>", svg) == [
        ("2024", "Own revenue", "1500000"), ("2024", "Transfers", "3500000"),
        ("2025", "Own revenue", "2000000")]


def test_bars_are_proportional_in_integer_tenths_of_a_pixel() -> None:
    chart = grouped_bars("g", "t", "d", "Year", ["a", "b"],
                         [Series("Actual", [1_000, 500], BRAND)], unit="", tooltip=tooltip)
    # Bar heights in tenths of a pixel: "123.4" → 1234.
    heights = [int(whole) * 10 + int(tenth) for whole, tenth in
               re.findall(r'height="(\d+)\.(\d)" fill="[^"]+"[^>]*><title>', str(chart.svg))]
    assert len(heights) == 2
    assert abs(heights[0] - 2 * heights[1]) <= 1
    assert nice_step(6_000_000) == 2_000_000 and nice_step(0) == 1
    assert nice_step(190_000_000) == 50_000_000


def test_weasyprint_draws_the_same_chart_in_a_pdf(app: Flask) -> None:
    from pypdf import PdfReader
    from weasyprint import HTML

    svg, _title = sample()
    with app.test_request_context():
        html = render_template_string("<html><body><h1>Dossier</h1>{{ svg|safe }}</body></html>",
                                      svg=svg)
    pdf = HTML(string=html).write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Own revenue" in text and "Transfers" in text and "2025" in text
