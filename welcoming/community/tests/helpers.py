"""Shared pieces of the offers' tests: the areas, her answers per kind, and sending a form as she would."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client as Browser
from django.utils import translation

from welcoming.places.models import Area, Jurisdiction

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-76.5, 44.2], [-76.4, 44.2], [-76.4, 44.3], [-76.5, 44.3], [-76.5, 44.2]]],
}


def make_areas(jurisdiction: Jurisdiction) -> dict[str, Area]:
    made = {}
    for code, name, arabic in (("northfield", "Northfield", "نورثفيلد"), ("old-harbour", "Old Harbour", "الميناء")):
        made[code] = Area.objects.create(
            jurisdiction=jurisdiction,
            code=code,
            name=name,
            translations={"ar": {"name": arabic}},
            boundary=SQUARE,
            centre_latitude=44.25,
            centre_longitude=-76.45,
        )
    return made


CONTACT = {"name": "Maria Lopez", "email": "maria@example.org", "phone": "", "organisation": "", "consent": "on"}


def answers(kind: str, place: Area | None = None, **more: Any) -> dict[str, Any]:
    """A complete, valid page for each kind (its URL slug), with her contact details."""
    where = {"area": str(place.pk)} if place is not None else {}
    facts: dict[str, dict[str, Any]] = {
        "housing": {
            **where,
            "address": "Apt 4, 12 Harbour Street",
            "bedrooms": "2",
            "rent_monthly": "950",
            "floor": "1",
            "lift": "no",
            "pets_allowed": "yes",
            "furnished": "no",
        },
        "room": {
            **where,
            "address": "48 Mill Road",
            "beds": "2",
            "duration_weeks": "12",
            "languages": ["en", "fr"],
            "host_household": "A retired couple and a cat.",
        },
        "goods": {**where, "item": "winter_coat_child", "capacity": "3", "condition": "good"},
        "time": {**where, "skills": ["language_practice", "paperwork"], "hours_per_week": "3"},
        "mentoring": {"profession": "Nurse", "languages": ["en"], "capacity": "2"},
        "work": {
            **where,
            "profession": "Kitchen assistant",
            "sector": "hospitality",
            "job_type": "job",
            "hours_per_week": "30",
            "capacity": "2",
        },
    }
    return {**facts[kind], **CONTACT, **more}


def key_of(page: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', page)
    assert found, "the form carries no one-time key"
    return found[1]


def send(browser: Browser, language: str, kind: str, data: dict[str, Any], key: str | None = None) -> Any:
    """Opens the form of `kind` in `language` and sends it with `data`, as she would."""
    if key is None:
        page = browser.get(f"/{language}/offer/{kind}/")
        assert page.status_code == 200
        key = key_of(page.content.decode())
    return browser.post(f"/{language}/offer/{kind}/", {**data, "key": key})


def links_in(message: mail.EmailMessage) -> dict[str, str]:
    """The paths of the two links in our first e-mail."""
    found = dict(re.findall(r"https?://[^/\s]+(/\w+/offer/(verify|manage)/[\w-]+/)", str(message.body)))
    return {kind: path for path, kind in found.items()}


def in_language(language: str, message: str, **params: Any) -> str:
    """The message as a reader of `language` sees it in a page (`{% translate %}` writes a template's
    own text as it is, unescaped)."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text
