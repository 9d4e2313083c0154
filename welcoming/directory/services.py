"""Writes to the directory. Every change that shows in search goes through here, so search stays current."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from welcoming.directory import search
from welcoming.directory.models import Attribute, Organization, Service, TaxonomyTerm


@transaction.atomic
def service_save(*, service: Service) -> Service:
    """Saves a service in its organisation's jurisdiction, stamps it and refreshes its search entry."""
    service.jurisdiction_id = service.organization.jurisdiction_id
    service.last_modified = timezone.now()
    service.save()
    search.reindex([service.id])
    return service


@transaction.atomic
def organization_save(*, organization: Organization) -> Organization:
    """An organisation's names are part of its services' search entries."""
    organization.save()
    search.reindex(Service.objects.filter(organization=organization).values_list("id", flat=True))
    return organization


@transaction.atomic
def taxonomy_term_save(*, term: TaxonomyTerm) -> TaxonomyTerm:
    """A term's names are part of the search entries of the services it is attached to."""
    term.save()
    linked = Attribute.objects.filter(taxonomy_term=term, link_id__isnull=False).values_list("link_id", flat=True)
    search.reindex(Service.objects.filter(id__in=linked).values_list("id", flat=True))
    return term


@transaction.atomic
def services_mark_verified(*, services: QuerySet[Service], on: dt.date | None = None) -> int:
    """Records that staff checked these services' details with the provider today."""
    day = on or timezone.localdate()
    return services.update(last_verified=day, last_modified=timezone.now())
