"""The comment and rating forms on a long report page, the GOV.UK way (issue 27): an error
summary at the top of the form's own section, focused on load and linking to the field, and
the confirmation shown where the redirect lands, not at the top of the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.feedback.ratings import RatingBlock, why_cannot_rate
from tests.feedback.helpers import published_report, resident


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start:html.index("</section>", start)]


def _top(html: str) -> str:
    """What comes before the report itself: the breadcrumbs and the page-wide messages."""
    return html[html.index("<main"):html.index("<h1")]


def _summary(html: str) -> str:
    found = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert found, "no error summary"
    return found.group(0)


def test_an_empty_comment_is_summarised_in_the_comments_section_and_focused(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    login(resident(report.term))
    response = client.post(f"{page}/comments", data={"csrf_token": csrf(page), "body": " "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    comments = _section(html, "comments")
    summary = _summary(comments)
    assert "autofocus" in summary and 'role="alert"' in summary
    assert re.search(r'<a href="#body">[^<]+:', summary)  # links to the field
    assert comments.index("error-summary") < comments.index('<form method="post"')
    assert 'id="body"' in comments
    assert html.count("autofocus") == 1  # one element takes focus: the summary
    assert "error-summary" not in _top(html)


def test_a_rating_without_a_score_links_to_the_first_choice(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    login(resident(report.term))
    response = client.post(f"{page}/rate", data={"csrf_token": csrf(page), "comment": "Hm"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = _summary(_section(html, "rating"))
    assert "autofocus" in summary and '<a href="#score-0">' in summary
    assert 'id="score-0"' in html


def test_the_rating_confirmation_is_in_the_rating_section(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    login(resident(report.term))
    response = client.post(f"{page}/rate", data={"csrf_token": csrf(page), "score": "4"})
    assert response.headers["Location"].endswith(f"{page}#rating")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    rating = _section(html, "rating")
    assert "Thank you: your rating (4 of 5) is counted." in rating
    assert rating.index("Thank you") < rating.index("rating-form")
    assert "Thank you" not in _top(html)
    again = client.get(page).get_data(as_text=True)
    assert "Thank you" not in again  # shown once


def test_the_comment_confirmation_is_beside_the_new_comment(
        client: FlaskClient, login: Any, csrf: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    login(resident(report.term))
    response = client.post(f"{page}/comments",
                           data={"csrf_token": csrf(page), "body": "The lights work now."})
    anchor = response.headers["Location"].rsplit("#", 1)[1]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    article = html[html.index(f'id="{anchor}"'):]
    article = article[:article.index("</article>")]
    assert "The lights work now." in article and "Your comment is published." in article
    assert "Your comment is published." not in _top(html)


@pytest.mark.parametrize(("language", "why", "back", "signed_in_as"), [
    ("en", "Only verified residents of", "Back to the report", "You are signed in as"),
    ("ru", "Оценить этот отчёт могут только", "Вернуться к отчёту", "Вы вошли как"),
    ("kk", "", "Есепке оралу", "ретінде кірдіңіз"),
])
def test_a_refused_rating_is_a_page_that_says_why_and_what_to_do(
        client: FlaskClient, login: Any, csrf: Any, language: str, why: str, back: str,
        signed_in_as: str) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    user = login(resident(report.term, verified=False))
    assert why_cannot_rate(user, report) is RatingBlock.NOT_VERIFIED
    rating = _section(client.get(f"{page}?lang={language}").get_data(as_text=True), "rating")
    found = re.search(r"<p>([^<]+) <a href=\"/account", rating)
    assert found, rating
    explanation = found.group(1)  # what the rating section says to this account
    response = client.post(f"{page}/rate?lang={language}",
                           data={"csrf_token": csrf(page), "score": "5"})
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert f'lang="{language}"' in html
    assert explanation in html and why in explanation, html[html.find("<main"):html.find("</main")]
    assert f'href="{page}#rating"' in html and back in html
    assert signed_in_as in html and user.email in html
    assert "You do not have permission to do this." not in html


def test_other_refusals_still_say_who_is_signed_in(client: FlaskClient, login: Any) -> None:
    user = login(resident(published_report().term))
    response = client.get("/budgets/import")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "You do not have permission to do this." in html
    assert f"You are signed in as {user.email}." in html


def test_the_report_navigation_leads_to_rating_and_comments(client: FlaskClient) -> None:
    report = published_report()
    html = client.get(f"/reports/{report.id}?lang=ru").get_data(as_text=True)
    toc = html[html.index('class="report-toc"'):]
    toc = toc[:toc.index("</nav>")]
    assert '<a href="#rating">Оценить</a>' in toc
    assert '<a href="#comments">Комментарии</a>' in toc
    assert 'id="rating"' in html and 'id="comments"' in html  # the targets exist


def test_a_resident_who_may_rate_is_offered_the_rating_near_the_top(
        client: FlaskClient, login: Any) -> None:
    report = published_report()
    page = f"/reports/{report.id}"
    link = '<a class="button button-primary" href="#rating">Rate this report</a>'
    assert link not in client.get(page).get_data(as_text=True)  # a visitor: the section says how
    login(resident(report.term, verified=False))
    assert link not in client.get(page).get_data(as_text=True)
    login(resident(report.term))
    html = client.get(page).get_data(as_text=True)
    assert link in html and html.index(link) < html.index('class="report-toc"')
