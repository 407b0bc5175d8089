"""The bulk download: built by a job, a valid Frictionless Data Package of published data,
cached until the data changes, shown and served by public pages."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal import storage
from portal.opendata import build, tasks
from portal.web.page_cache import bump_data_version
from tests.api.conftest import KAZAKH_NAME, World

TYPES = {
    "string": str,
    "integer": int,
    "number": Decimal,
    "date": date.fromisoformat,
    "datetime": lambda value: datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ"),
    "boolean": {"true": True, "false": False}.__getitem__,
    "object": json.loads,
}


@pytest.fixture
def exporting(make_app: Any, tmp_path: Path) -> Flask:
    """An app whose bulk download goes to a folder of this test's own."""
    return make_app(STORAGE_URL=f"file://{tmp_path}")


def open_zip(app: Flask) -> zipfile.ZipFile:
    with app.app_context():
        return zipfile.ZipFile(io.BytesIO(storage.current().read(build.zip_key())))


def tables(archive: zipfile.ZipFile) -> dict[str, list[dict[str, str]]]:
    result = {}
    for name in archive.namelist():
        if name.startswith("data/"):
            text = archive.read(name).decode("utf-8")
            assert text.startswith("\ufeff"), name
            result[name] = list(csv.DictReader(io.StringIO(text[1:])))
    return result


def test_the_job_builds_a_valid_data_package(exporting: Flask, world: World) -> None:
    result = tasks.build_open_data(force=True)  # inline in tests, as a worker would run it
    archive = open_zip(exporting)
    sha = result()
    with exporting.app_context():
        assert sha == hashlib.sha256(storage.current().read(build.zip_key())).hexdigest()
    names = set(archive.namelist())
    assert {"datapackage.json", "README.md", "LICENSE.md"} <= names
    package = json.loads(archive.read("datapackage.json"))
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"] and package["created"].endswith("Z")
    assert "CC BY 4.0" in archive.read("LICENSE.md").decode()
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert len(resources) == len(package["resources"])
    assert {resource["path"] for resource in resources.values()} == {
        name for name in names if name.startswith("data/")}
    for name, resource in resources.items():
        assert re.fullmatch(r"[a-z0-9._-]+", name)
        raw = archive.read(resource["path"])
        assert resource["bytes"] == len(raw)
        assert resource["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()
        reader = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
        header = next(reader)
        fields = resource["schema"]["fields"]
        assert header == [field["name"] for field in fields], name
        for key in resource["schema"].get("primaryKey", []):
            assert key in header
        for foreign in resource["schema"].get("foreignKeys", []):
            assert foreign["fields"] in header
            target = resources[foreign["reference"]["resource"]]
            assert foreign["reference"]["fields"] in [f["name"] for f in
                                                      target["schema"]["fields"]]
        for row in reader:  # every cell reads as its declared type
            assert len(row) == len(fields), name
            for value, field in zip(row, fields, strict=True):
                if value != "":
                    TYPES[field["type"]](value)


def test_foreign_keys_point_at_rows_that_exist(exporting: Flask, world: World) -> None:
    build_now(exporting)
    archive = open_zip(exporting)
    package = json.loads(archive.read("datapackage.json"))
    data = tables(archive)
    paths = {resource["name"]: resource["path"] for resource in package["resources"]}
    for resource in package["resources"]:
        for foreign in resource["schema"].get("foreignKeys", []):
            target = data[paths[foreign["reference"]["resource"]]]
            known = {row[foreign["reference"]["fields"]] for row in target}
            for row in data[resource["path"]]:
                value = row[foreign["fields"]]
                assert value == "" or value in known, (resource["name"], foreign, value)


def build_now(app: Flask) -> build.Build:
    with app.app_context():
        return build.build()


def test_published_data_only(exporting: Flask, world: World) -> None:
    build_now(exporting)
    data = tables(open_zip(exporting))
    akims = {row["id"]: row for row in data["data/akims.csv"]}
    assert akims[str(world.akim.id)]["full_name"] == KAZAKH_NAME
    versions = data["data/report_versions.csv"]
    assert {row["report_id"] for row in versions} == {str(world.published.id),
                                                     str(world.amended.id)}
    everything = "".join(json.dumps(rows, ensure_ascii=False) for rows in data.values())
    assert "SECRET DRAFT TEXT" not in everything
    files = [row["name"] for row in data["data/report_attachments.csv"]
             if row["report_id"] == str(world.amended.id)]
    assert files == ["v1.pdf", "v2.pdf"]  # never the unpublished one
    reports = {row["id"]: row for row in data["data/reports.csv"]}
    assert reports[str(world.missing.id)]["timeliness"] == "missing"
    assert reports[str(world.amended.id)]["days_late"] == "3"
    promises = [row for row in data["data/promises.csv"] if row["term_id"] == str(world.term.id)]
    # A spreadsheet would run it: defused with an apostrophe, as the API's CSV does.
    assert promises[0]["title"] == "'=SUM(A1) water for Қызылжар"
    lines = [row for row in data["data/budget_lines.csv"]
             if row["rural_district_kato"] == world.rural_district.kato]
    assert {row["period"] for row in lines} == {"YEAR", "Q1"}
    updates = data["data/promise_updates.csv"]
    assert "author_id" not in updates[0] and updates[0]["author_role"] == "akim"


def test_meetings_questions_and_report_entries_are_in_the_download(exporting: Flask,
                                                                  world: World) -> None:
    build_now(exporting)
    data = tables(open_zip(exporting))
    meetings = {row["id"]: row for row in data["data/meetings.csv"]}
    held = meetings[str(world.meeting.id)]
    assert (held["status"], held["attendance"], held["starts_at"]) == (
        "held", "64", "2024-11-20T06:00:00Z")
    assert held["settlement_kato"] == world.meeting.settlement.kato
    assert sorted(row["status"] for row in meetings.values()
                  if row["term_id"] == str(world.term.id)) == ["held", "scheduled"]
    questions = [row for row in data["data/meeting_questions.csv"]
                 if row["meeting_id"] == str(world.meeting.id)]
    assert [(row["status"], row["closed_on"]) for row in questions] == [
        ("open", ""), ("closed", "2025-01-10")]
    entries = data["data/report_promise_entries.csv"]
    assert [(row["report_id"], row["claim"], row["since_version"], row["until_version"])
            for row in entries] == [(str(world.amended.id), "kept", "1", "")]
    reports = {row["id"]: row for row in data["data/reports.csv"]}
    assert reports[str(world.amended.id)]["covered_on"] == "2025-02-03"
    assert reports[str(world.missing.id)]["covered_on"] == ""


def test_a_build_is_reused_until_the_data_changes(exporting: Flask, world: World) -> None:
    with exporting.app_context():
        first = build.refresh()
        assert first is not None
        assert build.refresh() is None  # nothing changed
        assert build.current() == first
        bump_data_version()
        assert build.is_stale(build.current())
        second = build.refresh()
        assert second is not None and not build.is_stale(second)
        assert build.refresh(force=True) is not None  # the nightly run rebuilds anyway


def test_the_page_builds_the_first_download_and_serves_it(exporting: Flask,
                                                          world: World) -> None:
    client = exporting.test_client()
    page = client.get("/opendata")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with exporting.app_context():
        current = build.current()
    assert current is not None
    assert current.sha256 in html
    assert "data/promises.csv" in html and "CC BY 4.0" in html
    assert "X-Page-Cache" not in page.headers
    download = client.get(f"/opendata/{build.FILE_NAME}")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    assert "attachment" in download.headers["Content-Disposition"]
    assert hashlib.sha256(download.get_data()).hexdigest() == current.sha256
    again = client.get(f"/opendata/{build.FILE_NAME}",
                       headers={"If-None-Match": download.headers["ETag"]})
    assert again.status_code == 304
    download.close()
    again.close()


def test_no_download_before_the_first_build(exporting: Flask) -> None:
    response = exporting.test_client().get(f"/opendata/{build.FILE_NAME}")
    assert response.status_code == 404


def test_the_command_writes_the_file(exporting: Flask, world: World) -> None:
    runner = exporting.test_cli_runner()
    result = runner.invoke(args=["opendata", "export"])
    assert result.exit_code == 0, result.output
    assert "SHA-256" in result.output and "tables" in result.output
    again = runner.invoke(args=["opendata", "export", "--if-stale"])
    assert "Up to date" in again.output


def test_the_jobs_are_scheduled_nightly_and_hourly() -> None:
    from portal.jobs import huey

    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2026, 3, 2, hour, minute))}

    assert "nightly_open_data" in due(21, 30)  # 02:30 in Almaty
    assert "nightly_open_data" not in due(9, 30)
    assert "hourly_open_data" in due(9, 45) and "hourly_open_data" in due(22, 45)


def test_spending_and_the_decisions_behind_each_year_are_published(exporting: Flask,
                                                                   world: World) -> None:
    from portal.budgets.categories import sync_functions
    from portal.budgets.models import (
        BudgetDecision,
        BudgetFunction,
        BudgetSpendingLine,
        DecisionKind,
        PeriodKind,
    )
    from portal.extensions import db

    kato = world.rural_district.kato
    with exporting.app_context():
        sync_functions("tests")
        lighting = db.session.query(BudgetFunction).filter_by(code="07").one()
        db.session.add(BudgetSpendingLine(
            rural_district_id=world.rural_district.id, year=2025,
            period_kind=PeriodKind.QUARTER, period_number=2, function_id=lighting.id,
            actual=1_250_000))
        db.session.add(BudgetDecision(
            rural_district_id=world.rural_district.id, year=2025, kind=DecisionKind.ADOPTED,
            number="35/2", decided_on=date(2024, 12, 27),
            url="https://adilet.zan.kz/rus/docs/G24TD00123M"))
        db.session.commit()
    build_now(exporting)
    data = tables(open_zip(exporting))

    functions = {row["code"]: row for row in data["data/budget_functions.csv"]}
    assert functions["07"]["name_ru"] == "Жилищно-коммунальное хозяйство"
    [line] = [row for row in data["data/budget_spending_lines.csv"]
              if row["rural_district_kato"] == kato]
    assert (line["year"], line["period"], line["function"], line["actual"], line["approved"]) \
        == ("2025", "Q2", "07", "1250000", "")
    [decision] = [row for row in data["data/budget_decisions.csv"]
                  if row["rural_district_kato"] == kato]
    assert decision == {"rural_district_kato": kato, "year": "2025", "kind": "adopted",
                        "decision_number": "35/2", "decided_on": "2024-12-27",
                        "url": "https://adilet.zan.kz/rus/docs/G24TD00123M",
                        "synthetic": "false"}
