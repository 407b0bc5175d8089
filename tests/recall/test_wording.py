"""A flag is a civic signal, never a verdict: no page, email, PDF or catalogue entry may say a
flag is "grounds for recall" or that the law may treat it so, in any of the three languages.

The pages are every GET route of the role × route matrix, seen by every persona, in Kazakh,
Russian and English; the emails are the two the recall domain sends; the catalogues are read
message by message (a wrapped line cannot hide a phrase).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from pypdf import PdfReader

from portal.extensions import db
from portal.mail import outbox_messages
from portal.notifications.delivery import record
from portal.notifications.models import EventKind
from portal.recall import services
from portal.recall.models import FlagStatus, RuleCode
from tests.factories import FlagFactory, UserFactory
from tests.test_role_matrix import PERSONAS, ROWS, build_world

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
LANGUAGES = ("kk", "ru", "en")

# The retired wordings, in the three languages and their inflections.
RETIRED = (
    re.compile(r"grounds\s+for\s+(a\s+)?recall", re.IGNORECASE),
    re.compile(r"\blaw\s+may\s+treat", re.IGNORECASE),
    re.compile(r"основани\w*\s+(для|к)\s+отзыв", re.IGNORECASE),  # «Основание для отзыва»
    re.compile(r"кері\s+шақыру\w*\s+(үшін\s+)?негіз", re.IGNORECASE),  # «кері шақыруға негіз»
)


def retired_in(text: str) -> list[str]:
    return [match.group(0) for pattern in RETIRED for match in pattern.finditer(text)]


def test_the_patterns_catch_the_retired_wordings() -> None:
    for text in ("a line that residents or the law may treat as grounds for recall",
                 "Основание для отзыва", "сигнал об основаниях для отзыва",
                 "тұрғындар немесе заң кері шақыруға негіз ретінде қарауы мүмкін"):
        assert retired_in(text), text
    for text in ("Порог гражданского сигнала", "Сигнал по вопросу об отзыве",
                 "Кері шақыру белгісінің шарты", "a civic accountability signal"):
        assert not retired_in(text), text


@pytest.mark.parametrize("name", ["messages.pot", *(f"{language}/LC_MESSAGES/messages.po"
                                                    for language in LANGUAGES)])
def test_no_catalogue_entry_uses_a_retired_wording(name: str) -> None:
    with (TRANSLATIONS / name).open("rb") as handle:
        catalogue = read_po(handle)
    found = {}
    for message in catalogue:
        texts = [*(message.id if isinstance(message.id, tuple) else (message.id,)),
                 *(message.string if isinstance(message.string, tuple) else (message.string,))]
        hits = [hit for text in texts if text for hit in retired_in(text)]
        if hits:
            found[message.id] = hits
    assert not found, f"{name} still says: {found}"


def _decided_flag(term: Any) -> Any:
    return FlagFactory(term=term, status=FlagStatus.UPHELD, decided_at=datetime.now(UTC),
                       decision_reason="Checked against the portal's record.",
                       review_started_at=datetime.now(UTC) - timedelta(days=1),
                       rule=RuleCode.PROMISES)


# English pages are read by every persona; Kazakh and Russian ones by those whose pages differ
# in what they say of flags: the public, the akim concerned, the reviewers, the administrator
# (every catalogue message is checked on its own above).
PERSONAS_BY_LANGUAGE = {"en": PERSONAS, "kk": ("anonymous", "akim_a", "moderator", "admin"),
                        "ru": ("anonymous", "akim_a", "moderator", "admin")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_rendered_page_of_the_role_matrix_uses_a_retired_wording(app: Flask, login: Any,
                                                                    language: str) -> None:
    world = build_world()
    _decided_flag(world.term_a)
    rows = [row for row in ROWS if row.method == "GET"]
    found: list[str] = []
    for persona in PERSONAS_BY_LANGUAGE[language]:
        client = app.test_client()
        if persona != "anonymous":
            login(world.users[persona], on=client)
        for row in rows:
            url = row.url(world)
            is_pdf = url.split("?")[0].endswith("/accountability.pdf")
            if is_pdf and persona != "anonymous":
                continue  # the dossier is the same public document for everyone
            separator = "&" if "?" in url else "?"
            response = client.get(f"{url}{separator}lang={language}")
            try:
                if is_pdf and response.mimetype == "application/pdf":  # the dossier
                    text = "\n".join(page.extract_text() or "" for page in
                                     PdfReader(io.BytesIO(response.data)).pages)
                elif response.mimetype.startswith("text/") or response.is_json:
                    text = response.get_data(as_text=True)
                else:
                    text = ""  # a stored file or the open data archive: data, not wording
            finally:
                response.close()  # file downloads are streamed from an open file
            found += [f"{url} ({persona}): {hit}" for hit in retired_in(text)]
    assert not found, "\n".join(found)


def test_no_recall_email_uses_a_retired_wording() -> None:
    before = len(outbox_messages())
    moderator = UserFactory(moderator=True)
    for language in LANGUAGES:
        flag = FlagFactory(raised_at=datetime.now(UTC) - timedelta(hours=1))
        UserFactory.akim_for(flag.term, email=f"akim-{language}@example.kz", locale=language)
        record(EventKind.FLAGS_RAISED, 0, flag.term_id, "job", flag_ids=[flag.id])
        decided = FlagFactory(term=flag.term, rule=RuleCode.PROMISES)
        services.decide(decided, moderator, FlagStatus.DISMISSED,
                        "Explained by the district finance office.")
        db.session.commit()  # the worker (inline in tests) sends both after the commit
    messages = outbox_messages()[before:]
    assert len(messages) == 2 * len(LANGUAGES)
    found = [f"{message['To']}: {hit}" for message in messages
             for hit in retired_in(f"{message['Subject']}\n{message.get_content()}")]
    assert not found, "\n".join(found)
