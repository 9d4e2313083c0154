"""Writes to the directory. Every change to a service goes through here, so search stays current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from welcoming.directory import search
from welcoming.directory.models import Service


@transaction.atomic
def service_save(*, service: Service) -> Service:
    """Saves a service in its organisation's jurisdiction, stamps it and refreshes its search entry."""
    service.jurisdiction_id = service.organization.jurisdiction_id
    service.last_modified = timezone.now()
    service.save()
    search.reindex([service.id])
    return service


@transaction.atomic
def services_mark_verified(*, services: QuerySet[Service], on: dt.date | None = None) -> int:
    """Records that staff checked these services' details with the provider today."""
    day = on or timezone.localdate()
    return services.update(last_verified=day, last_modified=timezone.now())


def services_reindex(*, service_ids: Iterable[UUID]) -> int:
    return search.reindex(service_ids)
