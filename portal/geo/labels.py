"""Display names of the map's vocabularies."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.geo.models import DistrictKind, RegionKind, SettlementKind

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
