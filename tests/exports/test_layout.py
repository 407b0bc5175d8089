"""The dossier as a document (issue 17, item 6): formal dates, Russian that agrees with the
akim's gender, "next report due" filled while a report is owed, and table heads whose words
stay whole and inside their column in every language."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.akims.models import Gender
from portal.exports import pdf as pdf_module
from portal.exports.services import prepare, render_dossier
from portal.formats import formal_date, formal_period
from tests.exports.conftest import Record, build_record, pdf_text
from tests.exports.layout import broken_heads, overflowing_cells
from tests.factories import AkimFactory, ReportFactory, TermFactory


def text_of(akim_id: int, language: str) -> str:
    item = prepare(akim_id, language)
    assert item is not None
    data = pdf_module.write_pdf([render_dossier(item)])
    return re.sub(r"\s+", " ", pdf_text(data).replace("\u00a0", " "))


@pytest.mark.parametrize(("language", "expected"), [
    ("kk", "2023 жылғы 7 маусым"), ("ru", "7 июня 2023 г."), ("en", "7 June 2023")])
def test_formal_dates_in_the_three_languages(language: str, expected: str) -> None:
    assert formal_date(date(2023, 6, 7), language).replace("\u00a0", " ") == expected


def test_formal_periods() -> None:
    half = (date(2022, 1, 1), date(2022, 6, 30))
    assert [formal_period(*half, language).replace("\u00a0", " ")
            for language in ("kk", "ru", "en")] == [
        "2022 жылғы қаңтар – маусым", "январь – июнь 2022 г.", "January – June 2022"]
    assert formal_period(date(2021, 7, 28), date(2021, 12, 31), "ru").replace(
        "\u00a0", " ") == "28 июля 2021 г. – 31 декабря 2021 г."


@pytest.mark.parametrize(("language", "term_line"), [
    ("kk", "2023 жылғы 7 маусым – 2027 жылғы 7 маусым"),
    ("ru", "7 июня 2023 г. – 7 июня 2027 г."),
    ("en", "7 June 2023 – 7 June 2027")])
def test_the_dossier_prints_formal_dates(record: Record, language: str, term_line: str) -> None:
    text = text_of(record.term.akim_id, language)
    assert term_line in text
    assert "июн. 2023" not in text and "Jun 7, 2023" not in text


def test_russian_agrees_with_the_akims_gender() -> None:
    woman = build_record(TermFactory(akim=AkimFactory(gender=Gender.FEMALE)))
    man = build_record(TermFactory(akim=AkimFactory(gender=Gender.MALE)))
    her = text_of(woman.term.akim_id, "ru")
    his = text_of(man.term.akim_id, "ru")
    assert "Избрана " in her and "Кем выдвинута " in her
    assert "Избран " in his and "Кем выдвинут " in his
    assert "(а)" not in her + his


def test_next_report_due_is_filled_while_a_report_is_owed() -> None:
    term = TermFactory(ended=True)
    ReportFactory(term=term, period_start=date(2022, 7, 1), period_end=date(2022, 12, 31),
                  due_on=date(2023, 1, 31))
    item = prepare(term.akim_id, "en")
    assert item is not None and item.dossier.report_summary.next_due_on is None
    text = text_of(term.akim_id, "en")
    assert "31 January 2023 report owed since (overdue)" in text


def test_the_next_report_due_of_a_serving_term(record: Record) -> None:
    item = prepare(record.term.akim_id, "en")
    assert item is not None and item.dossier.report_owed is not None
    assert not item.dossier.report_owed.overdue
    assert f"{formal_date(item.dossier.report_owed.due_on, 'en')} next report due".replace(
        "\u00a0", " ") in text_of(record.term.akim_id, "en")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_table_heads_never_break_inside_a_word(record: Record, language: str) -> None:
    item = prepare(record.term.akim_id, language)
    assert item is not None
    document = render_dossier(item)
    assert broken_heads(document) == []
    assert overflowing_cells(document) == []  # formal dates and verdicts wrap, never overlap


def test_no_page_but_the_last_is_under_a_third_full() -> None:
    """Promise lists of several lengths push the budget charts to every position on the
    landscape pages; one of them strands the charts alone on a page unless they move."""
    from datetime import timedelta

    from portal.exports.pdf import page_fills, render_document, short_pages
    from portal.exports.services import DOSSIER_TEMPLATE, document_context
    from portal.modeling import utcnow
    from portal.reports.timeliness import local_today
    from tests.factories import PromiseFactory

    record = build_record()
    stranded = 0
    for extra in range(0, 12):
        PromiseFactory(term=record.term, number=5 + extra,
                       title=f"Repair the road to the farms, section {extra + 1}",
                       deadline=local_today() + timedelta(days=400))
        if extra % 2 == 0:
            continue
        item = prepare(record.term.akim_id, "kk")
        assert item is not None
        chosen = render_dossier(item)
        assert short_pages(chosen) == [], (extra, page_fills(chosen))
        first_try = render_document(DOSSIER_TEMPLATE, {**document_context(item, utcnow()),
                                                       "layout": ""}, "kk")
        stranded += bool(short_pages(first_try))
    assert stranded, "no length stranded the charts: the test no longer tests the fallback"
