"""The comment and rating forms on a long report page, the GOV.UK way (issue 27): an error
summary at the top of the form's own section, focused on load and linking to the field, and
the confirmation shown where the redirect lands, not at the top of the page."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

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
