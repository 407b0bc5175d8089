"""The Kazakh and Russian catalogues are complete and current.

Complete: every message has a translation that is not fuzzy, every plural form is filled, the
catalogue has the language's number of plural forms (Kazakh 2, Russian 3) and a translation
keeps the msgid's python-format placeholders (a lost `%(name)s` would show a blank, an extra
one a KeyError). Current: extracting the source again gives the messages of `messages.pot`
and of each catalogue (`flask translate update` was run after the last string changed).
"""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
PLURAL_FORMS = {"kk": 2, "ru": 3}
# Python's %-format: %(name)s, %s, %d, %.1f …; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>\w+)\))?[-#0 +]*\d*(?:\.\d+)?(?P<kind>[diouxXeEfFgGcrsa%])")

LANGUAGES = [
    pytest.param("kk", id="kk"),
    pytest.param("ru", id="ru"),
]


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def catalogue(language: str) -> Catalog:
    return read_catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")


def placeholders(text: str) -> set[str]:
    """The placeholders of a format string: named ones by name, positional ones by position
    and kind (`%s` first, `%d` second …)."""
    found: set[str] = set()
    position = 0
    for match in PLACEHOLDER.finditer(text):
        if match["kind"] == "%":
            continue
        if match["name"]:
            found.add(match["name"])
        else:
            position += 1
            found.add(f"{position}:%{match['kind']}")
    return found


def forms_used_beyond_one(catalog: Catalog) -> set[int]:
    """The plural forms some n other than 1 selects: those must show the number."""
    choose = plural_function(catalog)
    return {choose(n) for n in range(0, 1000) if n != 1}


def plural_function(catalog: Catalog) -> Callable[[int], int]:
    return gettext.c2py(catalog.plural_expr)


def problems(language: str) -> list[str]:
    catalog = catalogue(language)
    found: list[str] = []
    if catalog.num_plurals != PLURAL_FORMS[language]:
        found.append(f"Plural-Forms: nplurals={catalog.num_plurals}, "
                     f"expected {PLURAL_FORMS[language]}")
    counted_forms = forms_used_beyond_one(catalog)
    for message in catalog:
        if not message.id:
            continue
        found.extend(f"{language}: {problem}: {message.id!r}"
                     for problem in message_problems(message, catalog.num_plurals, counted_forms))
    return found


def message_problems(message: Message, num_plurals: int, counted_forms: set[int]) -> list[str]:
    if message.fuzzy:
        return ["fuzzy"]
    if not message.pluralizable:
        assert isinstance(message.id, str) and isinstance(message.string, str)
        if not message.string.strip():
            return ["untranslated"]
        if message.python_format and placeholders(message.string) != placeholders(message.id):
            return [f"placeholders {sorted(placeholders(message.string))} differ from the "
                    f"msgid's {sorted(placeholders(message.id))}"]
        return []
    forms = list(message.string)
    if len(forms) != num_plurals:
        return [f"{len(forms)} plural forms, expected {num_plurals}"]
    if not all(form.strip() for form in forms):
        return ["a plural form is untranslated"]
    singular, plural = message.id
    expected = placeholders(plural) | placeholders(singular)
    result = []
    for index, form in enumerate(forms):
        have = placeholders(form)
        missing = expected - have
        # A form chosen only for n == 1 may say "one" instead of the number.
        if index not in counted_forms:
            missing -= {"num"}
        if missing or have - expected:
            result.append(f"plural form {index} has placeholders {sorted(have)}, "
                          f"expected {sorted(expected)}")
    return result


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language: str) -> None:
    found = problems(language)
    assert not found, f"{len(found)} problems in the {language} catalogue:\n" + "\n".join(found)


def test_the_checks_catch_each_kind_of_problem() -> None:
    counted = {1}
    untranslated = Message("Reports", "")
    fuzzy = Message("Reports", "Есептер", flags=["fuzzy"])
    lost = Message("Reports of %(name)s", "Есептер", flags=["python-format"])
    good = Message("Reports of %(name)s", "%(name)s есептері", flags=["python-format"])
    plural = Message(("%(num)d report", "%(num)d reports"), ("бір есеп", ""),
                     flags=["python-format"])
    plural_ok = Message(("%(num)d report", "%(num)d reports"), ("бір есеп", "%(num)d есеп"),
                        flags=["python-format"])
    assert message_problems(untranslated, 2, counted) == ["untranslated"]
    assert message_problems(fuzzy, 2, counted) == ["fuzzy"]
    assert message_problems(lost, 2, counted)[0].startswith("placeholders")
    assert message_problems(good, 2, counted) == []
    assert message_problems(plural, 2, counted) == ["a plural form is untranslated"]
    assert message_problems(plural_ok, 2, counted) == []
    assert message_problems(plural_ok, 3, counted) == ["2 plural forms, expected 3"]
    # Russian form 0 serves 21, 31 …: it must show the number.
    assert "num" in message_problems(plural_ok, 2, {0, 1})[0]


def test_russian_plural_forms_pick_the_right_form() -> None:
    russian = catalogue("ru")
    assert [plural_function(russian)(n) for n in (1, 2, 5, 11, 21, 22, 25, 111)] == \
        [0, 1, 2, 2, 0, 1, 2, 2]


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> set[object]:
    """The msgids extracted from the code now, as `flask translate update` would."""
    fresh = tmp_path_factory.mktemp("extract") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
               "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(fresh), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
    return {message.id for message in read_catalogue(fresh) if message.id}


CATALOGUE_FILES = [
    pytest.param("messages.pot", id="pot"),
    pytest.param("kk/LC_MESSAGES/messages.po", id="kk"),
    pytest.param("en/LC_MESSAGES/messages.po", id="en"),
    pytest.param("ru/LC_MESSAGES/messages.po", id="ru"),
]


@pytest.mark.parametrize("name", CATALOGUE_FILES)
def test_catalogue_matches_the_source(source_messages: set[object], name: str) -> None:
    """Extraction from the code gives the same messages as the committed catalogue."""
    listed = {message.id for message in read_catalogue(TRANSLATIONS / name) if message.id}
    new = sorted(map(str, source_messages - listed))
    gone = sorted(map(str, listed - source_messages))
    assert not new and not gone, (
        f"translations/{name} is stale; run `flask --app portal translate update`.\n"
        f"In the source only: {new[:20]}\nIn the catalogue only: {gone[:20]}")
