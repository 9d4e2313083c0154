"""The HSDS tables: which model holds each, its CSV file and its fields under their HSDS names."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from welcoming.directory import hsds
from welcoming.directory import models as m

# In dependency order: a table only points at tables before it (loose references excepted).
TABLES: list[tuple[str, str, type[m.HsdsObject]]] = [
    ("taxonomy", "taxonomies.csv", m.Taxonomy),
    ("taxonomy_term", "taxonomy_terms.csv", m.TaxonomyTerm),
    ("organization", "organizations.csv", m.Organization),
    ("organization_identifier", "organization_identifiers.csv", m.OrganizationIdentifier),
    ("program", "programs.csv", m.Program),
    ("service", "services.csv", m.Service),
    ("location", "locations.csv", m.Location),
    ("service_at_location", "service_at_location.csv", m.ServiceAtLocation),
    ("address", "addresses.csv", m.Address),
    ("contact", "contacts.csv", m.Contact),
    ("phone", "phones.csv", m.Phone),
    ("schedule", "schedules.csv", m.Schedule),
    ("language", "languages.csv", m.Language),
    ("service_area", "service_areas.csv", m.ServiceArea),
    ("required_document", "required_documents.csv", m.RequiredDocument),
    ("cost_option", "cost_options.csv", m.CostOption),
    ("funding", "funding.csv", m.Funding),
    ("accessibility", "accessibility.csv", m.Accessibility),
    ("attribute", "attributes.csv", m.Attribute),
    ("metadata", "metadata.csv", m.Metadata),
    ("meta_table_description", "meta_table_descriptions.csv", m.MetaTableDescription),
]
MODELS: dict[str, type[m.HsdsObject]] = {name: model for name, _file, model in TABLES}
FILES: dict[str, str] = {name: file for name, file, _model in TABLES}
TRANSLATIONS_FILE = "translations.csv"
TRANSLATIONS_COLUMNS = ["table", "id", "field", "language", "value"]


class Invalid(ValueError):
    """A value that does not fit its field; the message says why."""


class Column:
    """One HSDS field of a table and how to read it; worked out once per field, used per value."""

    def __init__(self, hsds_name: str, field: models.Field[Any, Any]) -> None:
        self.hsds = hsds_name
        self.field = field
        self.attname: str = field.attname
        self.required = not (field.null or field.blank or field.has_default() or field.primary_key) and (
            hsds_name != "last_modified"
        )
        self.strict_reference = bool(field.is_relation and getattr(field, "db_constraint", True))
        self.target: str | None = getattr(field.related_model, "hsds_name", None) if field.is_relation else None
        self.choices = {str(choice) for choice, _label in field.flatchoices} if field.choices else None
        self.max_length = getattr(field, "max_length", None)
        self.kind = (
            "uuid"
            if isinstance(field, models.UUIDField) or field.is_relation
            else "datetime"
            if isinstance(field, models.DateTimeField)
            else "date"
            if isinstance(field, models.DateField)
            else "time"
            if isinstance(field, models.TimeField)
            else "bool"
            if isinstance(field, models.BooleanField)
            else "int"
            if isinstance(field, models.IntegerField)
            else "float"
            if isinstance(field, models.FloatField)
            else "text"
        )

    def parse(self, value: Any) -> Any:
        """The Python value of an imported value (a CSV string or a JSON value); None when empty."""
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        kind = self.kind
        if kind == "text" and isinstance(value, str) and self.choices is None:
            if self.max_length and len(value) > self.max_length:
                raise Invalid(f"longer than {self.max_length} characters")
            if "\x00" in value:
                raise Invalid("contains a NUL character")
            return value
        if kind == "uuid":
            try:
                return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value).strip())
            except ValueError:
                raise Invalid(f"{value!r} is not a UUID") from None
        if kind == "datetime":
            parsed = parse_datetime(str(value)) if not isinstance(value, dt.datetime) else value
            if parsed is None:
                day = parse_date(str(value))
                parsed = dt.datetime.combine(day, dt.time()) if day else None
            if parsed is None:
                raise Invalid(f"{value!r} is not an ISO 8601 date-time")
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        if kind == "date":
            if isinstance(value, dt.date):
                return value
            text = str(value).strip()
            try:
                parsed_date = parse_date(text[:10])
            except ValueError:
                parsed_date = None
            if parsed_date is None:
                raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)")
            return parsed_date
        if kind == "time":
            if isinstance(value, dt.time):
                return value
            try:
                parsed_time = parse_time(str(value).strip())
            except ValueError:
                parsed_time = None
            if parsed_time is None:
                raise Invalid(f"{value!r} is not a time (HH:MM:SS)")
            return parsed_time
        if kind == "bool":
            lowered = str(value).strip().lower()
            if lowered in ("true", "1", "yes"):
                return True
            if lowered in ("false", "0", "no"):
                return False
            raise Invalid(f"{value!r} is not true or false")
        if kind == "int":
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise Invalid(f"{value!r} is not a whole number") from None
            if not number.is_integer():
                raise Invalid(f"{value!r} is not a whole number")
            return int(number)
        if kind == "float":
            if isinstance(value, bool):
                raise Invalid(f"{value!r} is not a number")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise Invalid(f"{value!r} is not a number") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise Invalid(f"{value!r} is not a finite number")
            return number
        text_value = value if isinstance(value, str) else str(value)
        if self.choices is not None and text_value not in self.choices:
            allowed = ", ".join(str(choice) for choice, _label in self.field.flatchoices)
            raise Invalid(f"{text_value!r} is not one of: {allowed}")
        if self.max_length and len(text_value) > self.max_length:
            raise Invalid(f"longer than {self.max_length} characters")
        if "\x00" in text_value:
            raise Invalid("contains a NUL character")
        return text_value


def columns(model: type[m.HsdsObject]) -> dict[str, Column]:
    """HSDS name → column, for the fields an import or export carries (not jurisdiction/translations)."""
    out: dict[str, Column] = {}
    for f in model._meta.concrete_fields:
        if f.name in hsds.SKIPPED:
            continue
        name = hsds.RENAMED.get((model.hsds_name, f.name), f.attname)
        out[name] = Column(name, f)
    return out


COLUMNS: dict[str, dict[str, Column]] = {name: columns(model) for name, model in MODELS.items()}


def export_value(value: Any) -> Any:
    """The JSON/CSV-friendly form of a field value."""
    return hsds.scalar(value)
