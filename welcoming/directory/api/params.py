"""Parsing of the HSDS API query parameters, with errors that name the parameter."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from welcoming.directory.models import NEED_SLUGS
from welcoming.directory.selectors import ServiceQuery

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50


class Params:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ValidationError({"detail": "Invalid query parameters.", "errors": self.errors})

    def string(self, name: str) -> str:
        return str(self.data.get(name, "")).strip()

    def uuid(self, name: str) -> uuid.UUID | None:
        raw = self.string(name)
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            self.errors[name] = f"{raw!r} is not a UUID."
            return None

    def integer(self, name: str, default: int, minimum: int, maximum: int) -> int:
        raw = self.string(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.errors[name] = f"{raw!r} is not a whole number."
            return default
        if not minimum <= value <= maximum:
            self.errors[name] = f"must be between {minimum} and {maximum}."
            return default
        return value

    def number(self, name: str, minimum: float, maximum: float) -> float | None:
        raw = self.string(name)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.errors[name] = f"{raw!r} is not a number."
            return None
        if not minimum <= value <= maximum:
            self.errors[name] = f"must be between {minimum:g} and {maximum:g}."
            return None
        return value

    def boolean(self, name: str) -> bool:
        raw = self.string(name).lower()
        if raw in ("", "false", "0", "no"):
            return False
        if raw in ("true", "1", "yes"):
            return True
        self.errors[name] = f"{raw!r} is not true or false."
        return False

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        raw = self.string(name) or default
        if raw not in choices:
            self.errors[name] = f"must be one of {', '.join(choices)}."
            return default
        return raw

    def moment(self, name: str) -> dt.datetime | None:
        raw = self.string(name)
        if not raw:
            return None
        parsed = parse_datetime(raw)
        if parsed is None:
            day = parse_date(raw)
            parsed = dt.datetime.combine(day, dt.time()) if day else None
        if parsed is None:
            self.errors[name] = f"{raw!r} is not an ISO 8601 date or date-time."
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)

    def service_query(self) -> ServiceQuery:
        latitude = self.number("lat", -90, 90)
        longitude = self.number("lon", -180, 180)
        radius = self.number("radius_km", 0, 500)
        if (latitude is None) != (longitude is None):
            self.errors["lat"] = "lat and lon go together."
        need = self.string("need") or None
        if need and need not in NEED_SLUGS:
            self.errors["need"] = f"must be one of {', '.join(NEED_SLUGS)}."
        return ServiceQuery(
            search=self.string("search"),
            taxonomy_term_id=self.uuid("taxonomy_term_id"),
            taxonomy_id=self.uuid("taxonomy_id"),
            organization_id=self.uuid("organization_id"),
            modified_after=self.moment("modified_after"),
            need=need,
            latitude=latitude,
            longitude=longitude,
            radius_km=radius,
        )
