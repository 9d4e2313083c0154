"""The demo city, built deterministically from `demo/riverton.yaml` and `demo/lakeside.yaml`.

Every id is a UUID5 of the record's key and every date is fixed, so loading twice writes nothing
new; the directory goes through the same importer as an HSDS package does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from welcoming.directory.importer import Dataset, Report, Where, import_dataset
from welcoming.directory.needs import NEED_NAMES
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.places.models import Area, Jurisdiction

DEMO_DIR = Path(__file__).resolve().parent / "demo"
FILES = ("riverton.yaml", "lakeside.yaml")
NAMESPACE = uuid.UUID("7b0c6c1e-2f43-4c8e-9a57-0c1f6d0e9a11")
REFERENCE_DAY = dt.date(2026, 11, 1)
CELL_LAT, CELL_LON = 0.018, 0.026  # a neighbourhood is about 2 km across
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "ar": "Arabic",
    "uk": "Ukrainian",
    "es": "Spanish",
    "fa": "Persian",
    "ti": "Tigrinya",
    "so": "Somali",
    "ps": "Pashto",
    "ru": "Russian",
    "zh": "Chinese",
    "ur": "Urdu",
    "tr": "Turkish",
    "sw": "Swahili",
    "pt": "Portuguese",
    "ku": "Kurdish",
    "am": "Amharic",
    "hi": "Hindi",
    "pa": "Punjabi",
    "tl": "Tagalog",
}
WEEKDAYS = "MO,TU,WE,TH,FR"
SCHEDULES: dict[str, list[tuple[str, str, str]]] = {
    "weekdays-9-17": [(WEEKDAYS, "09:00", "17:00")],
    "weekdays-8-20": [(WEEKDAYS, "08:00", "20:00")],
    "weekdays-10-16-sat": [(WEEKDAYS, "10:00", "16:00"), ("SA", "10:00", "14:00")],
    "mon-wed-fri-9-13": [("MO,WE,FR", "09:00", "13:00")],
    "daily-24h": [("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")],
    "tue-thu-17-20": [("TU,TH", "17:00", "20:00")],
    "sat-10-14": [("SA", "10:00", "14:00")],
    "by-appointment": [],
}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def fraction(*parts: str) -> float:
    """A stable number in [0, 1) from a key: the demo's only source of variety."""
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split(texts: dict[str, str], source: str) -> tuple[str, dict[str, str]]:
    return texts[source], {lang: texts[lang] for lang in LANGUAGE_CODES if lang != source and texts.get(lang)}


class Builder:
    """Collects the HSDS rows of one jurisdiction, with their translations."""

    def __init__(self, code: str, source: str) -> None:
        self.code = code
        self.source = source
        self.dataset = Dataset(has_translations=True)
        self.file = f"{code}.yaml"

    def add(self, table: str, key: str, values: dict[str, Any], texts: dict[str, dict[str, str]] | None = None) -> str:
        row_id = uid(self.code, table, key)
        translations: dict[str, dict[str, str]] = {}
        for field, by_language in (texts or {}).items():
            values[field], others = split(by_language, self.source)
            for language, text in others.items():
                translations.setdefault(language, {})[field] = text
        self.dataset.add(table, {"id": row_id, **values}, Where(self.file, 0), translations)
        return row_id


def read(name: str) -> dict[str, Any]:
    with (DEMO_DIR / name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@transaction.atomic
def load_demo() -> dict[str, Report]:
    documents = [read(name) for name in FILES]
    templates: dict[str, dict[str, Any]] = {}
    for document in documents:
        for template in document.get("service_templates") or []:
            templates[template["key"]] = template
    return {doc["jurisdiction"]["code"]: load_city(doc, templates) for doc in documents}


def load_city(document: dict[str, Any], templates: dict[str, dict[str, Any]]) -> Report:
    spec = document["jurisdiction"]
    source = spec.get("default_language", "en")
    name, name_translations = split(spec["name"], source)
    centre_lat, centre_lon = spec["centre"]
    areas = document["areas"]
    rows = 1 + max(a["row"] for a in areas)
    cols = 1 + max(a["col"] for a in areas)
    south = centre_lat - rows * CELL_LAT / 2
    west = centre_lon - cols * CELL_LON / 2
    boundary = rectangle(south, west, south + rows * CELL_LAT, west + cols * CELL_LON)
    jurisdiction, _ = Jurisdiction.objects.update_or_create(
        code=spec["code"],
        defaults={
            "name": name,
            "translations": {lang: {"name": text} for lang, text in name_translations.items()},
            "default_language": source,
            "languages": spec["languages"],
            "timezone": spec["timezone"],
            "country": spec.get("country", ""),
            "state_province": spec.get("state_province", ""),
            "centre_latitude": centre_lat,
            "centre_longitude": centre_lon,
            "boundary": boundary,
            "emergency_contacts": spec.get("emergency_contacts", []),
            "client_prefix": spec.get("client_prefix", ""),
        },
    )
    cells: dict[str, tuple[float, float, float, float]] = {}
    for area in areas:
        # row 0 is the north of the city
        top = south + (rows - area["row"]) * CELL_LAT
        left = west + area["col"] * CELL_LON
        cells[area["code"]] = (top - CELL_LAT, left, top, left + CELL_LON)
        area_name, area_translations = split(area["name"], source)
        Area.objects.update_or_create(
            jurisdiction=jurisdiction,
            code=area["code"],
            defaults={
                "name": area_name,
                "translations": {lang: {"name": text} for lang, text in area_translations.items()},
                "boundary": rectangle(*cells[area["code"]]),
                "postal_codes": area.get("postal_codes", []),
                "centre_latitude": top - CELL_LAT / 2,
                "centre_longitude": left + CELL_LON / 2,
            },
        )
    builder = Builder(spec["code"], source)
    needs_taxonomy = builder.add(
        "taxonomy",
        "needs",
        {"uri": "https://welcoming.example.org/taxonomy/needs", "version": "1"},
        {
            "name": {lang: "Welcoming needs" for lang in LANGUAGE_CODES},
            "description": {lang: "Need categories of the Welcoming triage" for lang in LANGUAGE_CODES},
        },
    )
    need_terms = {
        slug: builder.add(
            "taxonomy_term",
            f"need:{slug}",
            {"code": slug, "taxonomy_id": needs_taxonomy, "taxonomy": "Welcoming needs", "need": slug},
            {"name": names, "description": names},
        )
        for slug, names in NEED_NAMES.items()
    }
    postal = {area["code"]: area.get("postal_codes") or [""] for area in areas}
    for org in document["organizations"]:
        add_organization(builder, org, templates, need_terms, cells, postal, spec)
    return import_dataset(builder.dataset, jurisdiction=jurisdiction)


def add_organization(
    builder: Builder,
    org: dict[str, Any],
    templates: dict[str, dict[str, Any]],
    need_terms: dict[str, str],
    cells: dict[str, tuple[float, float, float, float]],
    postal: dict[str, list[str]],
    spec: dict[str, Any],
) -> None:
    key = org["key"]
    verified = REFERENCE_DAY - dt.timedelta(days=int(fraction(key, "verified") * 120))
    org_id = builder.add(
        "organization",
        key,
        {"website": org["website"], "email": org["email"], "last_verified": verified},
        {"name": org["name"], "description": org["description"]},
    )
    builder.add("phone", f"{key}:phone", {"organization_id": org_id, "number": org["phone"], "type": "voice"})
    south, west, north, east = cells[org["area"]]
    location_id = builder.add(
        "location",
        key,
        {
            "organization_id": org_id,
            "location_type": "physical",
            "latitude": round(south + (0.15 + 0.7 * fraction(key, "lat")) * (north - south), 6),
            "longitude": round(west + (0.15 + 0.7 * fraction(key, "lon")) * (east - west), 6),
            "confidential": bool(org.get("confidential")),
        },
        {"name": org["name"]},
    )
    builder.add(
        "address",
        key,
        {
            "location_id": location_id,
            "address_1": org["street"],
            "city": spec["name"]["en"],
            "state_province": spec.get("state_province", ""),
            "postal_code": postal[org["area"]][int(fraction(key, "postal") * len(postal[org["area"]]))],
            "country": spec.get("country", ""),
            "address_type": "physical",
        },
    )
    spoken = org.get("languages_spoken") or ["en"]
    for template_key in org["services"]:
        add_service(builder, org, templates[template_key], org_id, location_id, spoken, need_terms, verified)


def add_service(
    builder: Builder,
    org: dict[str, Any],
    template: dict[str, Any],
    org_id: str,
    location_id: str,
    spoken: list[str],
    need_terms: dict[str, str],
    verified: dt.date,
) -> None:
    key = f"{org['key']}:{template['key']}"
    mode = template.get("mode", "in-person")
    service_id = builder.add(
        "service",
        key,
        {
            "organization_id": org_id,
            "status": "active",
            "delivery": mode,
            "url": org["website"],
            "email": org["email"],
            "minimum_age": template.get("minimum_age"),
            "maximum_age": template.get("maximum_age"),
            "last_modified": dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC),
            "last_verified": verified,
        },
        {
            "name": template["name"],
            "description": template["description"],
            "eligibility_description": template["eligibility"],
            "application_process": template["application_process"],
            **({"fees_description": template["fees"]["description"]} if isinstance(template["fees"], dict) else {}),
        },
    )
    if mode == "in-person":
        sal = builder.add("service_at_location", key, {"service_id": service_id, "location_id": location_id})
        for index, (byday, opens, closes) in enumerate(SCHEDULES[template.get("schedule", "weekdays-9-17")]):
            builder.add(
                "schedule",
                f"{key}:{index}",
                {
                    "service_at_location_id": sal,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": byday,
                    "opens_at": opens,
                    "closes_at": closes,
                },
            )
    if mode == "phone" or template.get("schedule") == "by-appointment":
        builder.add("phone", f"{key}:phone", {"service_id": service_id, "number": org["phone"], "type": "voice"})
    for code in spoken:
        builder.add(
            "language",
            f"{key}:{code}",
            {"service_id": service_id, "code": code, "name": LANGUAGE_NAMES.get(code, code)},
        )
    fees = template["fees"]
    if fees == "free":
        builder.add(
            "cost_option",
            key,
            {"service_id": service_id, "amount": 0, "currency": "CAD"},
            {
                "option": {
                    "en": "Free",
                    "fr": "Gratuit",
                    "ar": "مجاني",
                    "uk": "Безкоштовно",
                    "es": "Gratis",
                    "fa": "رایگان",
                }
            },
        )
    else:
        builder.add(
            "cost_option",
            key,
            {"service_id": service_id, "amount": fees["amount"], "currency": fees.get("currency", "CAD")},
            {"option": fees["description"]},
        )
    for index, document in enumerate(template.get("required_documents") or []):
        builder.add("required_document", f"{key}:{index}", {"service_id": service_id}, {"document": document})
    if template.get("keywords"):
        # HSDS has no keyword field: the words people type travel as an attribute, found by search
        builder.add(
            "attribute",
            f"{key}:keywords",
            {"link_id": service_id, "link_entity": "service", "link_type": "keywords"},
            {"value": template["keywords"]},
        )
    for need in template["needs"]:
        builder.add(
            "attribute",
            f"{key}:{need}",
            {
                "link_id": service_id,
                "link_entity": "service",
                "link_type": "need",
                "taxonomy_term_id": need_terms[need],
            },
        )


def rectangle(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}
