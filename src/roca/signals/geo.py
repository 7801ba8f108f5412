"""Country-level geography for travel signals: centroids and great-circle distances.

The centroids are Google's DSPL canonical ``countries.csv`` table (Dataset Publishing Language,
https://developers.google.com/public-data/docs/canonical/countries_csv), shipped unchanged as
``roca/signals/data/country_centroids.csv`` and read once, lazily, on first use.  A centroid is only a
country-level estimate, so a speed computed from it is a lower bound for far-apart countries and
meaningless inside one country: callers compare different countries only.
"""

from __future__ import annotations

import csv
import math
from functools import cache, lru_cache
from importlib import resources

CENTROIDS_FILE = "data/country_centroids.csv"
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
# Two events seconds apart would give an infinite speed; treat any gap as at least this long.
MIN_TRAVEL_HOURS = 1 / 60

LatLon = tuple[float, float]


@cache
def country_centroids() -> dict[str, LatLon]:
    """ISO alpha-2 code -> (latitude, longitude); codes with no point in the source are left out."""
    text = resources.files("roca.signals").joinpath(CENTROIDS_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {
        row["country"]: (float(row["latitude"]), float(row["longitude"]))
        for row in rows
        if row["latitude"] and row["longitude"]
    }


def centroid(country: str | None) -> LatLon | None:
    if not country:
        return None
    return country_centroids().get(country.upper())


def haversine_km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance between two (latitude, longitude) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=4096)
def country_distance_km(origin: str | None, destination: str | None) -> float | None:
    """Distance between two countries' centroids; None when either country has no known centroid."""
    a, b = centroid(origin), centroid(destination)
    if a is None or b is None:
        return None
    return haversine_km(a, b)


def travel_speed_kmh(origin: str | None, destination: str | None, hours: float) -> float | None:
    """Speed needed to get from one country to another in ``hours``; None for unknown countries."""
    distance = country_distance_km(origin, destination)
    if distance is None:
        return None
    return distance / max(hours, MIN_TRAVEL_HOURS)
