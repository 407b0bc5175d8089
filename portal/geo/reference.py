"""Loading the real regions and districts from the reference files in `geo/data/`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.geo.models import District, DistrictKind, Region, RegionKind

DATA_DIR = Path(__file__).parent / "data"
REGIONS_FILE = DATA_DIR / "regions.csv"
DISTRICTS_FILE = DATA_DIR / "districts.csv"
SOURCE_DISTRICTS_FILE = DATA_DIR / "districts_source.csv"


@dataclass(frozen=True)
class LoadResult:
    regions_added: int
    districts_added: int


def load_reference_map(actor: str | None = "cli") -> LoadResult:
    """Insert any region or district of the reference files that is not in the database yet."""
    regions = {region.kato2: region for region in db.session.scalars(select(Region))}
    regions_added = 0
    with REGIONS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["kato2"] in regions:
                continue
            region = Region(
                kato2=row["kato2"],
                kato=row["kato9_derived"],
                iso_code=row["iso_3166_2"],
                kind=RegionKind.CITY if row["type_iso"] == "City" else RegionKind.REGION,
                name_kk=row["name_kk"],
                name_kk_latn=row["name_kk_latn_iso"],
                name_ru=_short_region_name_ru(row["name_ru"]),
                name_en=row["name_en"],
            )
            db.session.add(region)
            regions[region.kato2] = region
            regions_added += 1
    db.session.flush()

    existing = set(db.session.scalars(select(District.kato4)))
    kinds = _district_kinds()
    districts_added = 0
    with DISTRICTS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kato4 = row["kato4"]
            if kato4 in existing:
                continue
            db.session.add(District(
                region_id=regions[kato4[:2]].id,
                kato4=kato4,
                kato=district_kato(kato4),
                kind=kinds[kato4],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
            ))
            districts_added += 1
    db.session.flush()
    if regions_added or districts_added:
        audit.record(actor, "geo.load_reference", None, None,
                     {"regions_added": regions_added, "districts_added": districts_added})
    return LoadResult(regions_added, districts_added)


def district_kato(kato4: str) -> str:
    """A district's nine-digit KATO code from its four-digit one (the rest zeros)."""
    return f"{kato4}00000"


def _district_kinds() -> dict[str, DistrictKind]:
    with SOURCE_DISTRICTS_FILE.open(encoding="utf-8") as handle:
        return {row["kato4"]: DistrictKind(row["kind"]) for row in csv.DictReader(handle)}


def _short_region_name_ru(name: str) -> str:
    """'Абайская область (область Абай)' → 'Абайская область'; the bracket is an alias."""
    return name.split(" (")[0].strip()
