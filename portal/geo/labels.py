"""Display names of the map's vocabularies."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.geo.models import DistrictKind, RegionKind, SettlementKind, UnitKind

LABELS: dict[Enum, Any] = {
    RegionKind.REGION: _l("Region"),
    RegionKind.CITY: _l("City of republican significance"),
    DistrictKind.DISTRICT: _l("District"),
    DistrictKind.CITY_ADMINISTRATION: _l("City administration"),
    DistrictKind.CITY_DISTRICT: _l("City district"),
    SettlementKind.CENTRE: _l("Rural district centre"),
    SettlementKind.SUPPORT: _l("Support village"),
    SettlementKind.SATELLITE: _l("Satellite village"),
    SettlementKind.OTHER: _l("Village"),
}

# Apart: StrEnum members hash like their strings, and UnitKind shares "city" with RegionKind
# and "other" with SettlementKind (portal/labels.py keys each dict's members by class).
UNIT_LABELS: dict[Enum, Any] = {
    UnitKind.RURAL_DISTRICT: _l("Rural district"),
    UnitKind.VILLAGE_ADMINISTRATION: _l("Village administration"),
    UnitKind.SETTLEMENT_ADMINISTRATION: _l("Settlement administration"),
    UnitKind.TOWN_ADMINISTRATION: _l("Town administration"),
    UnitKind.TOWN: _l("Town of district significance"),
    UnitKind.CITY: _l("City of regional significance"),
    UnitKind.URBAN_DISTRICT: _l("District of a city"),
    UnitKind.VILLAGE: _l("Village run by the city administration"),
    UnitKind.OTHER: _l("Other unit"),
}
