"""Directory records → HSDS 3.0 JSON objects.

One generic walker: each model's own fields under their HSDS names, then the nested arrays and
objects that the HSDS schema gives it (`NESTING`). Nested children leave out the ids of the parent
they sit in, as the official examples do. Text comes in the requested language with a
`text_language` map saying which language each text is really in (a visible fallback); exports ask
for no language and get the source text plus the `translations` extension instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from welcoming.directory import models as m
from welcoming.lib.i18n import pick

HSDS_VERSION = "3.0"

# HSDS field name for model attributes that cannot carry it.
RENAMED = {("taxonomy_term", "taxonomy_label"): "taxonomy"}
# Our extensions and internals never written as HSDS fields.
SKIPPED = {"jurisdiction", "translations"}

# model → [(attribute on the instance, HSDS key, many?)]
NESTING: dict[type[models.Model], list[tuple[str, str, bool]]] = {
    m.Service: [
        ("organization", "organization", False),
        ("program", "program", False),
        ("phones", "phones", True),
        ("schedules", "schedules", True),
        ("service_areas", "service_areas", True),
        ("service_at_locations", "service_at_locations", True),
        ("languages", "languages", True),
        ("funding", "funding", True),
        ("cost_options", "cost_options", True),
        ("required_documents", "required_documents", True),
        ("contacts", "contacts", True),
    ],
    m.Organization: [
        ("funding", "funding", True),
        ("contacts", "contacts", True),
        ("phones", "phones", True),
        ("hsds_locations", "locations", True),
        ("programs", "programs", True),
        ("organization_identifiers", "organization_identifiers", True),
    ],
    m.ServiceAtLocation: [
        ("contacts", "contacts", True),
        ("phones", "phones", True),
        ("schedules", "schedules", True),
        ("location", "location", False),
    ],
    m.Location: [
        ("languages", "languages", True),
        ("addresses", "addresses", True),
        ("contacts", "contacts", True),
        ("accessibility", "accessibility", True),
        ("phones", "phones", True),
        ("schedules", "schedules", True),
    ],
    m.Contact: [("phones", "phones", True)],
    m.Phone: [("languages", "languages", True)],
    m.TaxonomyTerm: [("taxonomy", "taxonomy_detail", False)],
}
# Objects that also carry `attributes` and `metadata` arrays (filled from prefetched maps).
ANNOTATED = {m.Service, m.Organization, m.Location, m.ServiceAtLocation}
CONFIDENTIAL_LOCATION_FIELDS = {"latitude", "longitude", "transportation", "addresses"}


@dataclass
class Options:
    language: str | None = None  # None: source text + `translations` (exports)
    source_language: str = "en"
    show_confidential: bool = False
    nested: bool = True
    attributes: dict[uuid.UUID, list[m.Attribute]] = field(default_factory=dict)
    metadata: dict[uuid.UUID, list[m.Metadata]] = field(default_factory=dict)


def related(obj: models.Model, attr: str) -> Any:
    """The object a forward reference points at, or None when it is dangling."""
    try:
        return getattr(obj, attr)
    except ObjectDoesNotExist:
        return None


def scalar(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@functools.cache
def _fields(model: type[models.Model], parent: type[models.Model] | None) -> list[tuple[str, str, str | None]]:
    """(attribute, HSDS key, field name if translatable) of a model, without its parent's id."""
    hsds_name = getattr(model, "hsds_name", "")
    translated = getattr(model, "translated_fields", ())
    out = []
    for f in model._meta.concrete_fields:
        if f.name in SKIPPED or (parent is not None and f.is_relation and f.related_model is parent):
            continue
        key = RENAMED.get((hsds_name, f.name), f.attname)
        out.append((f.attname, key, f.name if f.name in translated else None))
    return out


def own_fields(obj: models.Model, options: Options, parent: type[models.Model] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    languages: dict[str, str] = {}
    translations = getattr(obj, "translations", None)
    for attname, key, translated in _fields(type(obj), parent):
        value = getattr(obj, attname)
        if value is None or value == "":
            continue
        if translated and options.language:
            localized = pick(
                source_text=value,
                source_language=options.source_language,
                translations=translations,
                field=translated,
                language=options.language,
            )
            value = localized.text
            languages[key] = localized.language
        out[key] = scalar(value)
    if options.language is None and translations:
        out["translations"] = translations
    if languages:
        out["text_language"] = languages
    return out


def to_hsds(obj: models.Model, options: Options, parent: type[models.Model] | None = None) -> dict[str, Any]:
    model = type(obj)
    out = own_fields(obj, options, parent)
    if model is m.Location and obj.confidential and not options.show_confidential:  # type: ignore[attr-defined]
        for key in CONFIDENTIAL_LOCATION_FIELDS:
            out.pop(key, None)
        out["confidential"] = True
    if not options.nested:
        return out
    for attr, key, many in NESTING.get(model, []):
        if model is m.Location and key == "addresses" and out.get("confidential") and not options.show_confidential:
            out[key] = []
            continue
        if many:
            children: Iterable[models.Model] = getattr(obj, attr).all()
            out[key] = [to_hsds(child, options, parent=model) for child in children]
        else:
            child = related(obj, attr)
            if child is not None:
                out[key] = to_hsds(child, options, parent=model)
    if model in ANNOTATED:
        pk = obj.pk
        out["attributes"] = [attribute(a, options) for a in options.attributes.get(pk, [])]
        out["metadata"] = [own_fields(md, options, parent=None) for md in options.metadata.get(pk, [])]
    return out


def attribute(obj: m.Attribute, options: Options) -> dict[str, Any]:
    out = own_fields(obj, options, parent=None)
    out.pop("link_id", None)
    term = related(obj, "taxonomy_term")
    if term is not None:
        out["taxonomy_term"] = to_hsds(term, options)
    return out
