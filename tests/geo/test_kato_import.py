"""`flask geo import-kato`: the whole classifier, versioned places, both layouts, bad files."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.geo.kato import SHIPPED_FILE, KatoFileError, import_file
from portal.geo.models import (
    ELECTED_KINDS,
    District,
    DistrictKind,
    PlaceChange,
    PlaceChangeKind,
    Region,
    RuralDistrict,
    Settlement,
    UnitKind,
)
from tests.factories import AkimFactory, TermFactory

AS_OF = date(2022, 10, 17)
LATER = date(2024, 3, 1)


def _count(model: object, *where: object) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _unit(kato: str) -> RuralDistrict:
    unit = db.session.scalar(select(RuralDistrict).where(RuralDistrict.kato == kato))
    assert unit is not None, kato
    return unit


def _extract(tmp_path: Path, rows: list[str], name: str = "kato.csv") -> Path:
    path = tmp_path / name
    path.write_text("id;parent_id;code;name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


# A small piece of the Abai region: Semey city administration with two rural districts.
SEMEY = ["1;0;100000000;область Абай", "2;1;101000000;Семей Г.А."]
BEFORE = [*SEMEY,
          "3;2;101033000;Абралинский с.о.", "4;3;101033100;с.Абралы",
          "5;4;101033102;с.Акшабай",
          "6;2;101035000;Айнабулакский с.о.", "7;6;101035100;с.Айнабулак",
          "8;6;101035300;с.Жаналык"]


def test_the_shipped_extract_loads_every_unit_and_settlement_by_kind_and_region() -> None:
    started = time.perf_counter()
    plan = import_file(SHIPPED_FILE, AS_OF, actor="tests")
    elapsed = time.perf_counter() - started
    assert elapsed < 30, f"the whole classifier took {elapsed:.1f} s"
    # The extract's 2,404 units, and г.Алатау that the dated change set forms after it.
    assert _count(RuralDistrict, RuralDistrict.valid_from.is_(None)) == 2404
    assert _count(RuralDistrict) == 2405 and _count(Settlement) == 13_620
    kinds = dict(db.session.execute(
        select(RuralDistrict.kind, func.count()).group_by(RuralDistrict.kind)).all())
    assert kinds == {
        UnitKind.RURAL_DISTRICT: 2132, UnitKind.VILLAGE_ADMINISTRATION: 93,
        UnitKind.SETTLEMENT_ADMINISTRATION: 72, UnitKind.TOWN_ADMINISTRATION: 32,
        UnitKind.TOWN: 16, UnitKind.CITY: 38 + 1, UnitKind.URBAN_DISTRICT: 4,
        UnitKind.VILLAGE: 16, UnitKind.OTHER: 1,
    }
    assert _count(RuralDistrict, RuralDistrict.kind.in_(ELECTED_KINDS)) == 2345
    by_region = dict(db.session.execute(
        select(Region.kato2, func.count())
        .join(District, District.region_id == Region.id)
        .join(RuralDistrict, RuralDistrict.district_id == District.id)
        .where(RuralDistrict.kind.in_(ELECTED_KINDS))
        .group_by(Region.kato2)).all())
    assert by_region["61"] == 181  # Turkistan: 171 rural districts, 3 + 3 administrations, 4 towns
    assert by_region["10"] == 138 and by_region["47"] == 47
    assert not {"71", "75", "79"} & set(by_region)  # the republican cities have no rural akims
    # Kinds from the official names; the settlements sit under their unit.
    assert _unit("101033000").kind == UnitKind.RURAL_DISTRICT
    assert _unit("113820100").kind == UnitKind.TOWN  # г.Атбасар, in Atbasar district
    assert _unit("101010000").kind == UnitKind.CITY  # г.Семей itself
    assert _unit("101063000").kind == UnitKind.SETTLEMENT_ADMINISTRATION
    village = db.session.scalar(select(Settlement).where(Settlement.kato == "101033102"))
    assert village is not None and village.rural_district.kato == "101033000"
    # The extract has no Kazakh names: the Kazakh interface shows the official Russian one.
    abraly = _unit("101033000")
    assert abraly.name_kk == "" and abraly.name_in("kk") == "Абралинский с.о."
    assert abraly.valid_from is None and abraly.valid_to is None
    assert abraly.population is None and abraly.registered_voters is None
    # The baseline is no change (the dated change set after it has its own rows).
    assert plan.first_load and _count(PlaceChange, PlaceChange.source == SHIPPED_FILE.name) == 0


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    path = _extract(tmp_path, BEFORE)
    first = import_file(path, AS_OF)
    assert len(first.changes) == 6
    snapshot = db.session.execute(select(RuralDistrict.id, RuralDistrict.kato,
                                         RuralDistrict.name_ru, RuralDistrict.valid_to)).all()
    again = import_file(path, LATER)
    assert again.changes == []
    assert again.summary()[-1] == "No changes: the database already matches the file."
    assert db.session.execute(select(RuralDistrict.id, RuralDistrict.kato,
                                     RuralDistrict.name_ru, RuralDistrict.valid_to)).all() \
        == snapshot
    # Nothing is recorded from the file (the change set's г.Алатау has its own row).
    assert _count(PlaceChange, PlaceChange.source == path.name) == 0


def test_a_renamed_unit_keeps_its_row_its_akims_and_its_former_name(tmp_path: Path) -> None:
    import_file(_extract(tmp_path, BEFORE), AS_OF)
    unit = _unit("101035000")
    term = TermFactory(rural_district=unit, akim=AkimFactory())
    renamed = [row.replace("Айнабулакский с.о.", "с.о. Айнабулак")
               .replace("с.Жаналык", "с.Жаңалық") for row in BEFORE]
    plan = import_file(_extract(tmp_path, renamed, "v2.csv"), LATER)
    assert sorted((c.level, c.kind) for c in plan.changes) == [
        ("settlement", PlaceChangeKind.RENAMED), ("unit", PlaceChangeKind.RENAMED)]
    db.session.expire_all()
    unit = _unit("101035000")
    assert unit.name_ru == "с.о. Айнабулак" and unit.current and term.rural_district is unit
    history = db.session.scalar(select(PlaceChange).where(PlaceChange.kato == "101035000"))
    assert history is not None
    assert (history.change, history.name_before, history.name_after, history.effective_on) \
        == (PlaceChangeKind.RENAMED, "Айнабулакский с.о.", "с.о. Айнабулак", LATER)


def test_a_merged_unit_keeps_its_history_and_points_to_its_successor(
        tmp_path: Path, client: object) -> None:
    import_file(_extract(tmp_path, BEFORE), AS_OF)
    gone = _unit("101035000")
    term = TermFactory(rural_district=gone, akim=AkimFactory())
    # Ainabulak's villages now belong to Abraly; Ainabulak is no longer listed.
    merged = [*SEMEY, "3;2;101033000;Абралинский с.о.", "4;3;101033100;с.Абралы",
              "5;4;101033102;с.Акшабай", "7;3;101035100;с.Айнабулак",
              "8;3;101035300;с.Жаналык"]
    preview = import_file(_extract(tmp_path, merged, "v2.csv"), LATER, dry_run=True)
    assert _unit("101035000").valid_to is None  # a dry run writes nothing
    assert sorted((c.level, c.kind.value, c.code) for c in preview.changes) == [
        ("settlement", "moved", "101035100"), ("settlement", "moved", "101035300"),
        ("unit", "merged", "101035000")]
    import_file(_extract(tmp_path, merged, "v2.csv"), LATER)
    db.session.expire_all()
    gone = _unit("101035000")
    assert gone.valid_to == LATER and gone.successor is not None
    assert gone.successor.kato == "101033000"
    assert [t.id for t in gone.terms] == [term.id]  # its akims stay where they were
    village = db.session.scalar(select(Settlement).where(Settlement.kato == "101035300"))
    assert village is not None and village.rural_district.kato == "101033000"
    # The old page is still there, under the old name, and points to the successor.
    page = client.get("/rural-districts/101035000")  # type: ignore[attr-defined]
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Айнабулакский с.о." in text
    assert "/rural-districts/101033000" in text and "Merged on March 1, 2024 into" in text
    # The district's list shows only the current unit.
    district = client.get("/districts/1010")  # type: ignore[attr-defined]
    assert "Айнабулакский" not in district.get_data(as_text=True)


def test_the_official_layout_with_kazakh_names_in_csv_and_xlsx(tmp_path: Path) -> None:
    header = ["te", "ab", "cd", "ef", "hij", "k", "name_kaz", "name_rus", "nn"]
    rows = [
        ["100000000", "10", "00", "00", "000", "1", "Абай облысы", "область Абай", "1"],
        ["101000000", "10", "10", "00", "000", "2", "Семей Қ.Ә.", "Семей Г.А.", "2"],
        ["101033000", "10", "10", "33", "000", "3", "Абыралы а.о.", "Абралинский с.о.", "3"],
        ["101033100", "10", "10", "33", "100", "4", "Абыралы а.", "с.Абралы", "4"],
        ["101033102", "10", "10", "33", "102", "4", "Ақшабай а.", "с.Акшабай", "5"],
    ]
    csv_path = tmp_path / "official.csv"
    csv_path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n",
                        encoding="utf-8")
    plan = import_file(csv_path, AS_OF)
    assert sorted((c.level, c.kind.value) for c in plan.changes) == [
        ("settlement", "new"), ("settlement", "new"), ("unit", "new")]
    unit = _unit("101033000")
    assert (unit.name_kk, unit.name_ru, unit.kind) == \
        ("Абыралы а.о.", "Абралинский с.о.", UnitKind.RURAL_DISTRICT)
    assert unit.name_in("kk") == "Абыралы а.о."
    village = db.session.scalar(select(Settlement).where(Settlement.kato == "101033102"))
    assert village is not None and village.rural_district_id == unit.id

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:  # an official workbook stores the numbers as numbers
        name_kaz = "Абыралы ауылдық округі" if row[0] == "101033000" else row[6]
        sheet.append([int(row[0]), *row[1:5], int(row[5]), name_kaz, row[7], int(row[8])])
    xlsx_path = tmp_path / "official.xlsx"
    workbook.save(xlsx_path)
    renamed = import_file(xlsx_path, LATER)
    assert [(c.kind.value, c.code) for c in renamed.changes] == [("renamed", "101033000")]
    db.session.expire_all()
    assert _unit("101033000").name_kk == "Абыралы ауылдық округі"


@pytest.mark.parametrize(("rows", "row", "reason"), [
    (["code;name", "101033000;Абралинский с.о."], 1, "unknown columns"),
    ([*SEMEY, "3;2;101033000;Абралинский с.о.", "4;2;101033000;Абралинский с.о."], 5,
     "code 101033000 appears twice (first on row 4)"),
    ([*SEMEY, "3;2;101033000;Абралинский с.о.", "4;99;101033100;с.Абралы"], 5,
     "parent id 99 is not in the file"),
    ([*SEMEY, "3;2;10103300;Абралинский с.о."], 4, "is not nine digits"),
])
def test_a_bad_file_is_rejected_with_its_row_and_nothing_is_written(
        tmp_path: Path, rows: list[str], row: int, reason: str) -> None:
    path = tmp_path / "bad.csv"
    body = rows if rows[0].startswith("code") else ["id;parent_id;code;name", *rows]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    with pytest.raises(KatoFileError) as raised:
        import_file(path, AS_OF)
    assert raised.value.row == row and reason in raised.value.reason
    assert _count(RuralDistrict) == 0 and _count(Settlement) == 0


@pytest.mark.parametrize("body", [b"id;parent_id;code;name\n", b"PK\x03\x04 not a workbook"])
def test_a_file_named_xlsx_that_is_no_workbook_is_rejected_in_words(
        tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "kato.xlsx"
    path.write_bytes(body)
    with pytest.raises(KatoFileError) as raised:
        import_file(path, AS_OF)
    assert raised.value.reason == "the file cannot be read as an XLSX workbook"
    assert _count(RuralDistrict) == 0


def test_the_command_prints_the_diff_and_writes_nothing_on_a_dry_run_or_a_bad_file(
        app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    path = _extract(tmp_path, BEFORE)
    preview = runner.invoke(args=["geo", "import-kato", str(path), "--as-of", "2022-10-17",
                                  "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "units: new 2" in preview.output and "settlements: new 4" in preview.output
    assert "new      unit       101033000 Абралинский с.о." in preview.output
    assert "Dry run: nothing was written." in preview.output
    assert _count(RuralDistrict) == 0
    bad = _extract(tmp_path, [*BEFORE, "9;2;101033000;Абралинский с.о."], "bad.csv")
    refused = runner.invoke(args=["geo", "import-kato", str(bad)])
    assert refused.exit_code == 1
    assert "row 10: code 101033000 appears twice (first on row 4)" in refused.output
    assert "nothing was written" in refused.output and _count(RuralDistrict) == 0
    done = runner.invoke(args=["geo", "import-kato", str(path), "--as-of", "2022-10-17"])
    assert done.exit_code == 0, done.output
    # The file's two units, and г.Алатау that the dated change set forms.
    assert _count(RuralDistrict) == 2 + 1 and _count(Settlement) == 4


def test_the_dated_change_set_follows_the_import_and_survives_a_second_one() -> None:
    first = import_file(SHIPPED_FILE, AS_OF)
    assert [(c.level, c.code) for c in first.dated_changes] == [
        ("region", "10"), ("region", "33"), ("region", "62"), ("district", "1910"),
        ("district", "1918"), ("district", "7116"), ("unit", "191010000"),
        ("unit", "191810000")]
    names = dict(db.session.execute(select(Region.kato2, Region.name_ru)).all())
    assert (names["10"], names["33"], names["62"]) == \
        ("область Абай", "область Жетісу", "область Ұлытау")
    konaev = db.session.scalar(select(District).where(District.kato4 == "1910"))
    assert konaev is not None and konaev.name_ru == "Конаев Г.А."
    assert konaev.name_kk == "Қонаев қ.ә."  # the Kazakh name keeps its letter
    assert _unit("191010000").name_ru == "г.Конаев"
    history = db.session.scalar(select(PlaceChange).where(PlaceChange.kato == "191010000"))
    assert history is not None and (history.name_before, history.name_after) == \
        ("г.Қонаев", "г.Конаев")
    # The extract still says Қонаев: importing it again changes nothing back.
    again = import_file(SHIPPED_FILE, LATER)
    assert again.changes == [] and again.dated_changes == []
    assert _unit("191010000").name_ru == "г.Конаев"


def test_the_change_set_forms_the_places_the_extract_lacks_with_dates_and_predecessors(
        ) -> None:
    """Issue 20: Alatau city (2024, out of Ili district) and Astana's Sarayshyk district
    (2024, out of Almaty district), with the codes of KATO of 17.07.2026."""
    plan = import_file(SHIPPED_FILE, AS_OF)
    assert "change set: district 1918 formed as Алатау Г.А. from 2024-01-09" in plan.summary()
    formed = {district.kato4: district for district in db.session.scalars(
        select(District).where(District.kato4.in_(("1918", "7116"))))}
    alatau, saraishyk = formed["1918"], formed["7116"]
    assert (alatau.region.kato2, alatau.kind, alatau.name_ru, alatau.name_kk) == \
        ("19", DistrictKind.CITY_ADMINISTRATION, "Алатау Г.А.", "Алатау қ.ә.")
    assert (saraishyk.region.kato2, saraishyk.kind, saraishyk.name_ru, saraishyk.name_en) == \
        ("71", DistrictKind.CITY_DISTRICT, "район Сарайшық", "Saraishyk District")
    city = _unit("191810000")
    assert (city.district_id, city.kind, city.name_ru, city.name_kk, city.valid_from) == \
        (alatau.id, UnitKind.CITY, "г.Алатау", "Алатау қ.", date(2024, 1, 9))
    assert not city.elected and city.current
    history = {row.kato: row for row in db.session.scalars(
        select(PlaceChange).where(PlaceChange.change == PlaceChangeKind.NEW))}
    assert {kato: (row.level, row.effective_on, row.parent_before, row.parent_after)
            for kato, row in history.items()} == {
        "191800000": ("district", date(2024, 1, 9), "196800000", "190000000"),  # from Ili
        "191810000": ("unit", date(2024, 1, 9), "196837100", "191800000"),  # village Zhetygen
        "711600000": ("district", date(2024, 5, 23), "711100000", "710000000"),  # from Almaty
    }
    assert "V24AAZ13820" in history["711600000"].source
    assert "Decree of 9 Jan 2024" in history["191800000"].source
    # The predecessors stay as they were: the acts moved territory, not their units.
    assert _unit("196837000").current and _unit("191033000").current
    # The extract lacks them: importing it again neither retires nor repeats them.
    again = import_file(SHIPPED_FILE, LATER)
    assert again.changes == [] and again.dated_changes == []
    assert _unit("191810000").current
    assert _count(District, District.kato4.in_(("1918", "7116"))) == 2
    assert _count(PlaceChange, PlaceChange.change == PlaceChangeKind.NEW) == 3


def test_a_newer_classifier_may_list_a_district_the_change_set_forms(tmp_path: Path) -> None:
    """A file of the official layout with Alatau's codes imports, on a dry run too."""
    header = "te,ab,cd,ef,hij,k,name_kaz,name_rus,nn"
    rows = ["190000000,19,00,00,000,1,Алматы облысы,Алматинская область,1",
            "191800000,19,18,00,000,1,Алатау Қ.Ә.,Алатау Г.А.,2",
            "191810000,19,18,10,000,1,Алатау қ.,г.Алатау,3"]
    path = tmp_path / "kato_2026.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    preview = import_file(path, date(2026, 7, 17), dry_run=True)
    assert [(c.kind, c.code) for c in preview.changes] == [(PlaceChangeKind.NEW, "191810000")]
    assert _count(District, District.kato4 == "1918") == 0  # a dry run writes nothing
    plan = import_file(path, date(2026, 7, 17))
    assert [(c.kind, c.code) for c in plan.changes] == [(PlaceChangeKind.NEW, "191810000")]
    city = _unit("191810000")
    assert city.district.kato4 == "1918" and city.name_kk == "Алатау қ."
    assert ("unit", "191810000") not in [(c.level, c.code) for c in plan.dated_changes]
