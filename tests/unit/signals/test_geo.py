"""Country centroids and great-circle distances for the travel signals."""

from __future__ import annotations

from importlib import resources

import pytest

from roca.signals import geo


def test_the_centroid_table_covers_the_world_and_names_its_source() -> None:
    text = resources.files("roca.signals").joinpath(geo.CENTROIDS_FILE).read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("DSPL" in line and "countries.csv" in line for line in header)
    assert "country,latitude,longitude,name" in text.splitlines()
    centroids = geo.country_centroids()
    assert len(centroids) >= 240
    for latitude, longitude in centroids.values():
        assert -90 <= latitude <= 90
        assert -180 <= longitude <= 180


def test_known_centroids_and_unknown_codes() -> None:
    assert geo.centroid("SG") == pytest.approx((1.352083, 103.819836))
    assert geo.centroid("de") == geo.centroid("DE")
    assert geo.centroid("UM") is None  # listed in the source without a point
    assert geo.centroid("ZZ") is None
    assert geo.centroid(None) is None
    assert geo.centroid("") is None


def test_haversine_distances() -> None:
    london, paris = (51.5074, -0.1278), (48.8566, 2.3522)
    assert geo.haversine_km(london, paris) == pytest.approx(343.5, abs=1.0)
    assert geo.haversine_km(london, london) == 0.0
    assert geo.haversine_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(20015.1, abs=1.0)  # half the equator


def test_country_distance_and_travel_speed() -> None:
    distance = geo.country_distance_km("SG", "DE")
    assert distance == pytest.approx(10_000, rel=0.05)
    assert geo.travel_speed_kmh("SG", "DE", 2.0) == pytest.approx(distance / 2)
    assert geo.travel_speed_kmh("SG", "ZZ", 2.0) is None
    # Two logins seconds apart still give a finite speed.
    assert geo.travel_speed_kmh("SG", "DE", 0.0) == pytest.approx(distance / geo.MIN_TRAVEL_HOURS)
