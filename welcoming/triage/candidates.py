"""The directory as the engine sees it: one plain `ServiceRecord` per service, and one engine per
jurisdiction, rebuilt when the directory changes."""

from __future__ import annotations

import threading
from collections import defaultdict
from time import monotonic
from typing import Any

from django.db import connection
from django.db.models.signals import post_delete, post_save

from welcoming.directory import models as m
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.places.models import Jurisdiction
from welcoming.triage import vocabulary
from welcoming.triage.engine import Engine, Schedule, ServiceRecord

DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
SEARCHED_FIELDS = ("name", "alternate_name", "description", "eligibility_description")

VERSION_SQL = "SELECT count(*), max(last_modified) FROM directory_service WHERE jurisdiction_id = %s"
# How long a process trusts its engine before asking the database again whether the services
# changed. A service saved through the ORM in this process is seen at the next triage (the signals
# below); a change made by another process (an import, another worker's admin) within this bound.
VERSION_CHECK_SECONDS = 2.0

_lock = threading.Lock()
# jurisdiction pk -> (version, monotonic time the version was last confirmed, engine)
_engines: dict[int, tuple[tuple[Any, ...], float, Engine]] = {}
_vocabularies: dict[str, vocabulary.Vocabulary] | None = None


def vocabularies() -> dict[str, vocabulary.Vocabulary]:
    global _vocabularies
    if _vocabularies is None:
        _vocabularies = vocabulary.load()
    return _vocabularies


def engine_for(jurisdiction: Jurisdiction) -> Engine:
    """The jurisdiction's engine, built once and again only when its services change.

    Whether they changed is asked at most every VERSION_CHECK_SECONDS, so that most triages touch
    no database at all. Inside a transaction it is asked every time, as it was before: the
    transaction may have changed services that no other process sees yet (tests run in one)."""
    cached = _engines.get(jurisdiction.pk)
    now = monotonic()
    if (
        cached is not None
        and cached[0][-1] == jurisdiction.code
        and now - cached[1] < VERSION_CHECK_SECONDS
        and not connection.in_atomic_block
    ):
        return cached[2]
    with connection.cursor() as cursor:
        # plain SQL: the ORM would cost more than the query
        cursor.execute(VERSION_SQL, [jurisdiction.pk])
        version = (*cursor.fetchone(), jurisdiction.code)
    with _lock:
        cached = _engines.get(jurisdiction.pk)
        engine = cached[2] if cached and cached[0] == version else Engine(vocabularies(), records(jurisdiction))
        _engines[jurisdiction.pk] = (version, now, engine)
        return engine


def recheck_services(sender: Any, instance: m.Service, **kwargs: Any) -> None:
    """A service saved or deleted here: the next triage of its jurisdiction asks for the version."""
    cached = _engines.get(instance.jurisdiction_id)
    if cached is not None:
        _engines[instance.jurisdiction_id] = (cached[0], float("-inf"), cached[2])


post_save.connect(recheck_services, sender=m.Service, dispatch_uid="triage-recheck-services-save")
post_delete.connect(recheck_services, sender=m.Service, dispatch_uid="triage-recheck-services-delete")


def _minutes(value: Any) -> int:
    return value.hour * 60 + value.minute


def records(jurisdiction: Jurisdiction) -> list[ServiceRecord]:
    source = jurisdiction.default_language
    needs: dict[Any, list[str]] = defaultdict(list)
    keywords: dict[Any, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    attributes = m.Attribute.objects.filter(jurisdiction=jurisdiction, link_id__isnull=False).values_list(
        "link_id", "taxonomy_term__need", "link_type", "value", "translations"
    )
    for link_id, need, link_type, value, translations in attributes:
        if need and need not in needs[link_id]:
            needs[link_id].append(need)
        if link_type == "keywords":
            keywords[link_id].append((value, translations or {}))
    languages: dict[Any, set[str]] = defaultdict(set)
    for service_id, code in m.Language.objects.filter(jurisdiction=jurisdiction, service__isnull=False).values_list(
        "service_id", "code"
    ):
        languages[service_id].add(code.lower()[:2])
    free: dict[Any, bool] = {}
    for service_id, amount in m.CostOption.objects.filter(jurisdiction=jurisdiction).values_list(
        "service_id", "amount"
    ):
        free[service_id] = free.get(service_id, True) and (amount or 0) == 0
    places: dict[Any, tuple[Any, Any]] = {}
    schedules: dict[Any, list[Schedule]] = defaultdict(list)
    for service_id, lat, lon in m.ServiceAtLocation.objects.filter(
        jurisdiction=jurisdiction, location__confidential=False, location__latitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude"):
        places.setdefault(service_id, (lat, lon))
    rows = m.Schedule.objects.filter(jurisdiction=jurisdiction, opens_at__isnull=False, closes_at__isnull=False)
    for sal_service, service_id, byday, opens, closes in rows.values_list(
        "service_at_location__service_id", "service_id", "byday", "opens_at", "closes_at"
    ):
        days = frozenset(DAYS[d.strip()[-2:]] for d in (byday or "MO,TU,WE,TH,FR").split(",") if d.strip()[-2:] in DAYS)
        closing = 1440 if _minutes(closes) >= 1439 else _minutes(closes)
        schedules[sal_service or service_id].append(Schedule(days, _minutes(opens), closing))

    out = []
    services = m.Service.objects.filter(jurisdiction=jurisdiction, status="active").select_related("organization")
    for service in services.order_by("id"):
        texts = {}
        for language in LANGUAGE_CODES:
            parts = []
            for obj, fields in ((service, SEARCHED_FIELDS), (service.organization, ("name",))):
                for name in fields:
                    text = (
                        getattr(obj, name) if language == source else (obj.translations.get(language) or {}).get(name)
                    )
                    parts.append(text or "")
            for value, translations in keywords[service.id]:
                parts.append(value if language == source else (translations.get(language) or {}).get("value", ""))
            texts[language] = " ".join(p for p in parts if p)
        lat_lon = places.get(service.id)
        out.append(
            ServiceRecord(
                id=str(service.id),
                needs=tuple(needs[service.id]),
                languages=frozenset(languages[service.id]),
                free=free.get(service.id, False),
                latitude=lat_lon[0] if lat_lon else None,
                longitude=lat_lon[1] if lat_lon else None,
                schedules=tuple(schedules[service.id]),
                minimum_age=service.minimum_age,
                maximum_age=service.maximum_age,
                delivery=service.delivery,
                texts=texts,
                payload={
                    "name": {lang: service.localized("name", lang, source) for lang in LANGUAGE_CODES},
                    "organization": {
                        lang: service.organization.localized("name", lang, source) for lang in LANGUAGE_CODES
                    },
                },
            )
        )
    return out
