"""What a portal page shows, worked out from the directory, in her language."""

from __future__ import annotations

from typing import Any

from django.utils import formats, translation
from django.utils.dates import WEEKDAYS

from welcoming.content import markup
from welcoming.content import selectors as content_selectors
from welcoming.content.models import Page
from welcoming.directory import models as m
from welcoming.lib.models import TranslationState
from welcoming.places.models import Jurisdiction
from welcoming.triage import wording
from welcoming.triage.candidates import DAYS
from welcoming.triage.services import local_now

# each language named in its own script
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "uk": "Українська",
    "es": "Español",
    "fa": "فارسی",
}


def _text(obj: Any, field: str, language: str, source: str) -> dict[str, str]:
    localized = obj.localized(field, language, source)
    return {"text": localized.text, "language": localized.language}


def _phone(number: str) -> dict[str, str]:
    return {"number": number, "href": "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")}


def service_page(service: m.Service, jurisdiction: Jurisdiction, language: str) -> dict[str, Any]:
    source = jurisdiction.default_language
    weekday, minute = local_now(jurisdiction)
    places = []
    hours = []
    open_now = None
    for sal in service.service_at_locations.all():
        location = sal.location
        place: dict[str, Any] = {
            "name": _text(location, "name", language, source),
            "confidential": location.confidential,
        }
        if not location.confidential:
            place["addresses"] = [
                ", ".join(p for p in (a.address_1, a.address_2, a.city, a.postal_code) if p)
                for a in location.addresses.all()
            ]
            if location.latitude is not None and location.longitude is not None:
                place["map"] = (
                    f"https://www.openstreetmap.org/?mlat={location.latitude}&mlon={location.longitude}"
                    f"#map=17/{location.latitude}/{location.longitude}"
                )
            place["accessibility"] = [_text(a, "description", language, source) for a in location.accessibility.all()]
        places.append(place)
        for schedule in sal.schedules.all():
            if schedule.opens_at is None or schedule.closes_at is None:
                continue
            days = [DAYS[d.strip()] for d in (schedule.byday or "").split(",") if d.strip() in DAYS]
            with translation.override(language):
                day_names = [str(WEEKDAYS[d]) for d in days]
                opens = formats.time_format(schedule.opens_at, "TIME_FORMAT")
                closes = formats.time_format(schedule.closes_at, "TIME_FORMAT")
            hours.append({"days": day_names, "opens": opens, "closes": closes})
            open_minutes = schedule.opens_at.hour * 60 + schedule.opens_at.minute
            close_minutes = (
                schedule.closes_at.hour * 60 + schedule.closes_at.minute + (1 if schedule.closes_at.minute == 59 else 0)
            )
            is_open = weekday in days and open_minutes <= minute < close_minutes
            open_now = bool(open_now) or is_open
    # the service's own numbers, else its organisation's
    phones = [_phone(p.number) for p in service.phones.all()] or [
        _phone(p.number) for p in service.organization.phones.all()
    ]
    costs: list[dict[str, Any]] = []
    for option in service.cost_options.all():
        if option.amount in (None, 0):
            costs.append({"free": True})
        else:
            with translation.override(language):
                amount = formats.number_format(option.amount, 2)
            costs.append(
                {
                    "free": False,
                    "amount": amount,
                    "currency": option.currency.upper(),
                    "option": _text(option, "option", language, source),
                }
            )
    return {
        "id": str(service.id),
        "name": _text(service, "name", language, source),
        "organization": _text(service.organization, "name", language, source),
        "description": _text(service, "description", language, source),
        "eligibility": _text(service, "eligibility_description", language, source),
        "application": _text(service, "application_process", language, source),
        "documents": [_text(d, "document", language, source) for d in service.required_documents.all()],
        "languages": [wording.language_name(lang.code, language) for lang in service.languages.all() if lang.code],
        "places": places,
        "hours": hours,
        "open_now": open_now,
        "phones": phones,
        "costs": costs,
        "delivery": service.delivery,
        "url": service.url,
        "last_verified": service.last_verified,
    }


def content_page(page: Page, language: str) -> dict[str, Any]:
    """A guide, rights or myths page in her language, and what she must be told about its language."""
    source = page.jurisdiction.default_language
    body = page.localized("body", language, source)
    entries = []
    for entry in page.entries.all():
        answer = entry.localized("answer", language, source)
        entries.append(
            {
                "question": _text(entry, "question", language, source),
                "answer": {"html": markup.render(answer.text), "language": answer.language},
            }
        )
    parts = [page.localized("title", language, source).language, body.language]
    parts += [e["question"]["language"] for e in entries] + [e["answer"]["language"] for e in entries]
    in_source = sum(1 for part in parts if part != language)
    state = content_selectors.page_translation_state(page, language)
    return {
        **page_summary(page, language),
        "body": {"html": markup.render(body.text), "language": body.language},
        "entries": entries,
        # None, "some" or "all": how much of the page she reads in the source language
        "fallback": None if not in_source else ("all" if in_source == len(parts) else "some"),
        "outdated": state == TranslationState.OUTDATED,
        "source_language": source,
        "source_language_name": wording.language_name(source, language),
        "updated": page.updated_at,
    }


def page_summary(page: Page, language: str) -> dict[str, Any]:
    source = page.jurisdiction.default_language
    return {
        "slug": page.slug,
        "kind": page.kind,
        "need": page.need,
        "title": _text(page, "title", language, source),
        "summary": _text(page, "summary", language, source),
    }
