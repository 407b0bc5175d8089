"""Which language a village's record is written in (issue 20's story rule): Kazakh in the
southern and western regions, Kazakh or Russian elsewhere, more often Russian in the north.
A rule of ours for the synthetic story, not a statistic."""

from __future__ import annotations

import random

# Aktobe, Atyrau, West Kazakhstan, Zhambyl, Kyzylorda, Mangystau, Turkistan, Shymkent.
SOUTH_AND_WEST = frozenset({"15", "23", "27", "31", "43", "47", "61", "79"})
# Akmola, Kostanay, Pavlodar, North Kazakhstan, East Kazakhstan.
NORTH = frozenset({"11", "39", "55", "59", "63"})
# The share of records in Kazakh, by kind of region; the rest are in Russian.
KAZAKH_SHARE = {"south_west": 0.95, "north": 0.3, "other": 0.55}


def kazakh_share(region: str) -> float:
    if region in SOUTH_AND_WEST:
        return KAZAKH_SHARE["south_west"]
    return KAZAKH_SHARE["north" if region in NORTH else "other"]


def pick(rng: random.Random, region: str) -> str:
    """'kk' or 'ru' for one record of a unit in `region` (two-digit KATO code)."""
    return "kk" if rng.random() < kazakh_share(region) else "ru"
