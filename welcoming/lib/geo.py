"""Plain geometry helpers: GeoJSON kept as JSON, shapely for shapes, haversine for distances."""

from __future__ import annotations

import math
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.195


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def geometry(geojson: dict[str, Any]) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry or Feature; raises ValueError when invalid."""
    if geojson.get("type") == "Feature":
        geojson = geojson.get("geometry") or {}
    try:
        shp = shape(geojson)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"not a GeoJSON geometry: {exc}") from exc
    if shp.is_empty or not shp.is_valid:
        raise ValueError("the geometry is empty or invalid")
    return shp


def contains(geojson: dict[str, Any], lat: float, lon: float) -> bool:
    return geometry(geojson).covers(Point(lon, lat))
