"""No personal data leaves through the API or the bulk download: everything an anonymous
client can fetch from a seeded demo is collected and searched for it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import seed, storage
from portal.accounts.iin import check_digit
from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.geo.models import RuralDistrict
from portal.opendata import build
from portal.reports.models import Report, ReportState
from portal.seed.context import Scale
from tests.factories import UserFactory, valid_iin

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Twelve digits not inside a hexadecimal string: a sha256 of a file (the open data's
# datapackage lists them) holds runs of digits, and one in 11 such runs passes the check digit.
TWELVE_DIGITS = re.compile(r"(?<![0-9A-Fa-f])\d{12}(?![0-9A-Fa-f])")
PRIVATE_KEYS = {"email", "iin", "iin_hmac", "iin_last4", "adult_from", "password_hash",
                "author_id",
                "user_id", "uploaded_by_id", "decided_by_id", "resident_verified",
                "resident_verified_at", "display_name", "signer", "signers", "voter"}


def _pages(client: FlaskClient, url: str) -> list[Any]:
    bodies, page = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        body = client.get(f"{url}{separator}per_page=200&page={page}").get_json()
        bodies.append(body)
        if page * 200 >= body["total"]:
            return bodies
        page += 1


def everything_public(client: FlaskClient) -> tuple[list[Any], str]:
    """Every API answer an anonymous client can get, as JSON values and as CSV text."""
    answers: list[Any] = []
    csv_text = []
    lists = ["/api/v1/regions", "/api/v1/akims?status=all", "/api/v1/flags"]
    lists += [f"/api/v1/regions/{kato}/districts" for kato in ("11", "61")]
    akim_ids = {term.akim_id for term in db.session.scalars(select(Term))}
    for akim_id in sorted(akim_ids):
        answers.append(client.get(f"/api/v1/akims/{akim_id}").get_json())
        lists += [f"/api/v1/akims/{akim_id}/promises", f"/api/v1/akims/{akim_id}/reports"]
    for url in lists:
        answers += _pages(client, url)
        csv_text.append(client.get(f"{url}{'&' if '?' in url else '?'}format=csv&per_page=200")
                        .get_data(as_text=True))
    for report_id in db.session.scalars(select(Report.id)):
        response = client.get(f"/api/v1/reports/{report_id}")
        if response.status_code == 200:
            answers.append(response.get_json())
    for kato in db.session.scalars(select(RuralDistrict.kato).where(
            RuralDistrict.id.in_(select(Term.rural_district_id)))):
        answers.append(client.get(f"/api/v1/rural-districts/{kato}/budget").get_json())
    return answers, "\n".join(csv_text)


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_of(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_of(item)}
    return set()


def assert_no_personal_data(text: str, secrets: list[str]) -> None:
    assert not EMAIL.findall(text), EMAIL.findall(text)[:5]
    iins = [number for number in TWELVE_DIGITS.findall(text)
            if check_digit(number[:11]) == int(number[11])]
    assert not iins, iins[:5]
    leaked = [secret for secret in secrets if secret in text]
    assert not leaked, leaked[:5]


def test_nothing_personal_in_the_api_or_the_download(client: FlaskClient, make_app: Any,
                                                     tmp_path: Path) -> None:
    seed.run(Scale.DEMO, seed=2026, as_of=date(2026, 5, 1))
    iin = valid_iin()
    resident = UserFactory(email="resident.person@example.kz",
                           iin_hmac="f" * 64)
    db.session.commit()
    users = list(db.session.scalars(select(User)))
    assert len(users) > 5 and resident in users
    secrets = [user.email for user in users] + [user.iin_hmac for user in users
                                                 if user.iin_hmac] + [iin]
    drafts = [report.summary for report in db.session.scalars(
        select(Report).where(Report.state != ReportState.PUBLISHED)) if len(report.summary) > 40]

    answers, csv_text = everything_public(client)
    assert len(answers) > 50
    text = json.dumps(answers, ensure_ascii=False) + csv_text
    assert_no_personal_data(text, secrets + drafts)
    assert not keys_of(answers) & PRIVATE_KEYS

    exporting: Flask = make_app(STORAGE_URL=f"file://{tmp_path}")
    with exporting.app_context():
        build.build()
        archive = zipfile.ZipFile(io.BytesIO(storage.current().read(build.zip_key())))
    contents = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    assert_no_personal_data(contents, secrets + drafts)
    headers = {line.split("\n")[0] for line in contents.split("\ufeff")[1:]}
    assert not {column for header in headers for column in header.strip().split(",")} & \
        PRIVATE_KEYS


def test_the_detector_sees_what_it_looks_for() -> None:
    """The search above can fail: it finds planted emails, IINs and secrets."""
    import pytest

    for planted in ("write to someone@example.kz", f"iin {valid_iin()}", "the secret"):
        with pytest.raises(AssertionError):
            assert_no_personal_data(planted, ["the secret"])
    assert_no_personal_data("KATO 613633000, sha 0123456789ab", ["the secret"])
    assert_no_personal_data("sha256:6c75ef028380235851e2", ["the secret"])  # digits in a hash
