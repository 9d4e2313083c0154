"""Running a triage for a jurisdiction, and what it leaves behind: one anonymous demand row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from welcoming.places.models import Jurisdiction
from welcoming.places.selectors import area_at
from welcoming.triage import wording
from welcoming.triage.candidates import engine_for
from welcoming.triage.engine import Query, Result
from welcoming.triage.models import Demand

MAX_NEEDS_RECORDED = 3


def local_now(jurisdiction: Jurisdiction, at: dt.datetime | None = None) -> tuple[int, int]:
    moment = (at or timezone.now()).astimezone(ZoneInfo(jurisdiction.timezone))
    return moment.weekday(), moment.hour * 60 + moment.minute


def triage(*, jurisdiction: Jurisdiction, query: Query, record: bool = True) -> Result:
    """The engine's answer for this city at this moment; with `record`, one anonymous demand row
    (the day, the language, the top needs, the neighbourhood) and nothing else."""
    if query.now is None:
        query = dataclasses.replace(query, now=local_now(jurisdiction))
    result = engine_for(jurisdiction).triage(query)
    if record and result.needs:
        area = None
        if query.latitude is not None and query.longitude is not None:
            area = area_at(jurisdiction, query.latitude, query.longitude)
        row = Demand(
            jurisdiction=jurisdiction,
            day=timezone.localdate(),
            language=result.language,
            needs=[n.slug for n in result.needs[:MAX_NEEDS_RECORDED]],
            area=area,
        )
        Demand.objects.bulk_create([row])
    return result


def as_json(result: Result, jurisdiction: Jurisdiction, language: str | None = None) -> dict[str, Any]:
    """The shape of `GET /api/v1/triage` and of `manage.py triage --json`."""
    lang = language or result.language
    return {
        "lang": lang,
        "needs": [
            {
                "slug": need.slug,
                "label": wording.need_label(need.slug, lang),
                "confidence": need.confidence,
                "evidence": list(need.evidence),
            }
            for need in result.needs
        ],
        "emergency": result.emergency,
        "emergency_kinds": list(result.emergency_kinds),
        "emergency_contacts": wording.emergency_contacts(jurisdiction.emergency_contacts, lang)
        if result.emergency
        else [],
        "results": [
            {
                "id": match.service.id,
                "name": match.service.payload["name"][lang].text,
                "organization": match.service.payload["organization"][lang].text,
                "text_language": {
                    "name": match.service.payload["name"][lang].language,
                    "organization": match.service.payload["organization"][lang].language,
                },
                "categories": list(match.service.needs),
                "score": match.score,
                "reasons": [wording.reason_text(reason, lang) for reason in match.reasons],
                "distance_km": None if match.distance_km is None else round(match.distance_km, 2),
                "open_now": match.open_now,
                "languages": sorted(match.service.languages),
                "url": f"/api/hsds/services/{match.service.id}?lang={lang}&jurisdiction={jurisdiction.code}",
            }
            for match in result.results
        ],
    }
