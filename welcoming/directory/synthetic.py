"""A large synthetic HSDS data package for benchmarks, deterministic for a seed."""

from __future__ import annotations

import csv
import json
import random
import uuid
from pathlib import Path

from welcoming.directory.models import NEED_SLUGS
from welcoming.directory.tables import COLUMNS, FILES, TRANSLATIONS_COLUMNS, TRANSLATIONS_FILE

WORDS = {
    "en": [
        "clinic",
        "food",
        "bank",
        "housing",
        "help",
        "legal",
        "advice",
        "language",
        "class",
        "job",
        "centre",
        "school",
        "family",
        "support",
        "shelter",
    ],
    "fr": [
        "clinique",
        "banque",
        "alimentaire",
        "logement",
        "aide",
        "juridique",
        "cours",
        "emploi",
        "école",
        "famille",
        "soutien",
        "refuge",
    ],
    "ar": ["عيادة", "بنك", "طعام", "سكن", "مساعدة", "قانونية", "دروس", "لغة", "عمل", "مدرسة", "عائلة", "دعم", "مأوى"],
}


def generate(out: Path, count: int, seed: int, centre: tuple[float, float] = (44.2312, -76.486)) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    tables: dict[str, list[dict[str, object]]] = {
        name: []
        for name in (
            "taxonomy",
            "taxonomy_term",
            "organization",
            "location",
            "address",
            "service",
            "service_at_location",
            "schedule",
            "language",
            "cost_option",
            "attribute",
        )
    }
    translations: list[list[str]] = []
    taxonomy = new_id()
    tables["taxonomy"].append({"id": taxonomy, "name": "Welcoming needs", "description": "Need categories"})
    terms = {}
    for slug in NEED_SLUGS:
        terms[slug] = new_id()
        tables["taxonomy_term"].append(
            {"id": terms[slug], "name": slug, "description": slug, "code": slug, "taxonomy_id": taxonomy, "need": slug}
        )
    organizations = []
    for index in range(max(1, count // 5)):
        org, loc = new_id(), new_id()
        organizations.append((org, loc))
        tables["organization"].append({"id": org, "name": f"Organisation {index}", "description": "Synthetic"})
        tables["location"].append(
            {
                "id": loc,
                "organization_id": org,
                "location_type": "physical",
                "name": f"Site {index}",
                "latitude": round(centre[0] + rng.uniform(-0.2, 0.2), 6),
                "longitude": round(centre[1] + rng.uniform(-0.3, 0.3), 6),
            }
        )
        tables["address"].append(
            {
                "id": new_id(),
                "location_id": loc,
                "address_1": f"{index} Main Street",
                "city": "Synthetic",
                "state_province": "ON",
                "postal_code": "K0K 0K0",
                "country": "CA",
                "address_type": "physical",
            }
        )
    for index in range(count):
        service = new_id()
        org, loc = organizations[index % len(organizations)]
        need = NEED_SLUGS[index % len(NEED_SLUGS)]
        words = {lang: " ".join(rng.sample(pool, 3)) for lang, pool in WORDS.items()}
        tables["service"].append(
            {
                "id": service,
                "organization_id": org,
                "name": f"{words['en'].title()} {index}",
                "description": f"Synthetic service {index}: {words['en']}.",
                "status": "active",
                "last_modified": "2026-10-01T09:00:00Z",
            }
        )
        for lang in ("fr", "ar"):
            translations.append(["service", service, "name", lang, f"{words[lang]} {index}"])
        sal = new_id()
        tables["service_at_location"].append({"id": sal, "service_id": service, "location_id": loc})
        tables["schedule"].append(
            {
                "id": new_id(),
                "service_at_location_id": sal,
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": "09:00:00",
                "closes_at": "17:00:00",
            }
        )
        tables["language"].append({"id": new_id(), "service_id": service, "code": "en", "name": "English"})
        tables["language"].append(
            {"id": new_id(), "service_id": service, "code": rng.choice(["ar", "fr", "uk", "es", "fa"]), "name": ""}
        )
        tables["cost_option"].append({"id": new_id(), "service_id": service, "amount": 0, "currency": "CAD"})
        tables["attribute"].append(
            {"id": new_id(), "link_id": service, "link_entity": "service", "taxonomy_term_id": terms[need]}
        )
    counts = {}
    for table, rows in tables.items():
        names = list(COLUMNS[table])
        with (out / FILES[table]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            writer.writerows(rows)
        counts[table] = len(rows)
    with (out / TRANSLATIONS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer_t = csv.writer(handle)
        writer_t.writerow(TRANSLATIONS_COLUMNS)
        writer_t.writerows(translations)
    resources = [{"name": t, "path": FILES[t]} for t in tables] + [{"name": "translations", "path": TRANSLATIONS_FILE}]
    (out / "datapackage.json").write_text(json.dumps({"name": "synthetic", "resources": resources}), encoding="utf-8")
    return counts
