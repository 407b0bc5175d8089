"""What a Kazakh or Russian reader sees: one date style, sizes, months, and text that translates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.budgets.summaries import refresh_year_summaries
from portal.formats import (
    date_text,
    file_size,
    moment_text,
    month_span,
    period_text,
    place_in,
    place_of,
)
from portal.recall import evaluation
from tests.factories import (
    BudgetLineFactory,
    ReportFactory,
    RuralDistrictFactory,
    TermFactory,
    UserFactory,
)

NNBSP = "\u202f"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.mark.parametrize(("language", "day", "moment"), [
    ("kk", f"2026{NNBSP}ж. 1 қазан", f"2026{NNBSP}ж. 16 қараша, 18:55"),
    ("ru", f"1 октября 2026{NNBSP}г.", f"16 ноября 2026{NNBSP}г., 18:55"),
    ("en", "October 1, 2026", f"November 16, 2026, 6:55{NNBSP}PM"),
])
def test_one_date_and_one_time_style_per_language_without_seconds(
    app: Any, language: str, day: str, moment: str
) -> None:
    with app.test_request_context(f"/?lang={language}"):
        assert date_text(date(2026, 10, 1)) == day
        # 13:55:12 UTC is 18:55 in Almaty: the portal's zone, and no seconds.
        assert moment_text(datetime(2026, 11, 16, 13, 55, 12, tzinfo=UTC)) == moment


@pytest.mark.parametrize(("language", "sizes"), [
    ("kk", ["920 байт", "1 кБ", "350,8 кБ", "3,2 МБ"]),
    ("ru", ["920 байт", "1 кБ", "350,8 кБ", "3,2 МБ"]),
    ("en", ["920 bytes", "1 kB", "350.8 kB", "3.2 MB"]),
])
def test_file_sizes_in_the_languages_units(language: str, sizes: list[str]) -> None:
    shown = [file_size(size, language) for size in (920, 1000, 350_800, 3_200_000)]
    assert shown == sizes
    # CLDR spells the Kazakh megabyte with a Latin M; ours is Cyrillic throughout.
    assert not re.search("[A-Za-z]", "".join(shown)) or language == "en"


def test_months_are_lower_case_mid_sentence_in_kazakh_and_russian() -> None:
    assert month_span(1, 9, "kk") == "қаңтар – қыркүйек"
    assert month_span(1, 6, "ru") == "январь – июнь"
    assert month_span(1, 6, "en") == "January – June"
    first_half = (date(2026, 1, 1), date(2026, 6, 30))
    assert period_text(*first_half, "ru") == f"январь\u00a0— июнь 2026{NNBSP}г."
    assert period_text(*first_half, "kk") == f"2026{NNBSP}ж. қаңтар – маусым"
    assert period_text(date(2026, 7, 1), date(2026, 7, 28), "ru") == (
        f"1 июля 2026{NNBSP}г. – 28 июля 2026{NNBSP}г.")


@pytest.mark.parametrize(("language", "hint"), [
    ("kk", "Кезеңнің негізгі нәтижелері бірнеше абзацпен. Қарапайым мәтін"),
    ("ru", "Основные итоги периода в нескольких абзацах. Обычный текст"),
])
def test_the_summary_hint_of_the_editor_is_translated(
    client: FlaskClient, login: Any, language: str, hint: str
) -> None:
    report = ReportFactory()
    login(UserFactory.akim_for(report.term))
    page = client.get(f"/reports/{report.id}/edit?lang={language}").get_data(as_text=True)
    assert hint in page
    assert "The main results" not in page and "Plain text; Markdown works" not in page


def test_the_rules_page_names_the_configured_version_in_russian(
    client: FlaskClient, login: Any
) -> None:
    evaluation.evaluate(date(2026, 3, 1), "cli")  # saves the configured rules as version 1
    login(UserFactory(admin=True))
    page = client.get("/admin/recall/rules?lang=ru").get_data(as_text=True)
    assert "По умолчанию и по конфигурации экземпляра портала (RECALL_RULES)." in page
    assert "From the defaults" not in page


def test_an_evaluation_refused_names_its_dates_in_words(app: Any) -> None:
    evaluation.evaluate(date(2026, 3, 1), "cli")
    with pytest.raises(evaluation.EvaluationError) as refused:
        evaluation.evaluate(date(2026, 3, 1) - timedelta(days=1), "cli")
    assert "March 1, 2026" in str(refused.value) and not ISO_DATE.search(str(refused.value))


def test_budget_pages_show_names_not_codes(client: FlaskClient) -> None:
    agybet = RuralDistrictFactory()
    BudgetLineFactory(rural_district=agybet, year=2025, code="land_tax", approved=10, actual=10)
    refresh_year_summaries()
    page = client.get(f"/rural-districts/{agybet.kato}/budget?year=2025&lang=ru")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Земельный налог" in html
    assert "land_tax" not in html and ">YEAR<" not in html
    assert "Год в целом" in html


def test_russian_sentences_ending_in_a_date_have_one_full_stop(client: FlaskClient) -> None:
    report = ReportFactory(published=True)
    html = client.get(f"/reports/{report.id}?lang=ru").get_data(as_text=True)
    assert "г." in html and "г.." not in html


@pytest.mark.parametrize(("name", "of", "in_"), [
    ("сельский округ Агыбет", "сельского округа Агыбет", "сельском округе Агыбет"),
    ("Байдибекский район", "Байдибекского района", "Байдибекском районе"),
    ("с.о.Байдибек би", "сельского округа Байдибек би", "сельском округе Байдибек би"),
    # the classifier's usual form: "Аким Агыбетский с.о." was printed as it stands
    ("Агыбетский с.о.", "Агыбетского сельского округа", "Агыбетском сельском округе"),
    ("поселковая администрация Нура", "поселковой администрации Нура",
     "поселковой администрации Нура"),
    ("Туркестанская область", "Туркестанской области", "Туркестанской области"),
])
def test_russian_place_names_take_the_case_of_the_phrase(name: str, of: str, in_: str) -> None:
    assert place_of(name, "ru") == of and place_in(name, "ru") == in_
    # Kazakh izafet and English "of" need the name as it is.
    assert place_of(name, "kk") == name and place_of(name, "en") == name


def test_the_akim_is_of_the_rural_district_in_russian(client: FlaskClient) -> None:
    term = TermFactory(rural_district=RuralDistrictFactory(name_ru="сельский округ Агыбет"))
    page = client.get(f"/akims/{term.akim_id}?lang=ru").get_data(as_text=True)
    assert "Аким сельского округа Агыбет" in page
    assert "Аким: сельский округ" not in page and "(сельский округ Агыбет)" not in page


def test_dates_and_sizes_are_formatted_in_one_place() -> None:
    """Babel's date functions and Jinja's filesizeformat are called from portal/formats.py
    only, so a date or a size reads the same on every page, PDF and mail."""
    from pathlib import Path

    import portal

    root = Path(portal.__file__).parent
    calls = re.compile(r"\b(format_date|format_datetime|format_skeleton|format_interval)\(")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "formats.py" and calls.search(path.read_text(encoding="utf-8"))]
    templates = root.parent / "templates"
    styled = re.compile(r"filesizeformat|\|(day|moment)\(")
    offenders += [str(path.relative_to(templates)) for path in templates.rglob("*.*")
                  if styled.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
