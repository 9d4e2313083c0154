"""Reads of the directory, always scoped to one jurisdiction."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, FloatField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Power

from welcoming.accounts.models import User
from welcoming.directory import hsds, search
from welcoming.directory import models as m
from welcoming.directory.search import search_services
from welcoming.lib import geo
from welcoming.places.models import Jurisdiction


@dataclass(frozen=True)
class ServiceQuery:
    search: str = ""
    taxonomy_term_id: UUID | None = None
    taxonomy_id: UUID | None = None
    organization_id: UUID | None = None
    modified_after: dt.datetime | None = None
    need: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None


def can_see_confidential(user: User | AnonymousUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("directory.view_confidential_location"))


def _linked_to_terms(terms: QuerySet[m.TaxonomyTerm]) -> QuerySet[m.Attribute, Any]:
    return m.Attribute.objects.filter(taxonomy_term__in=terms).values("link_id")


def _squared_km(latitude: float, longitude: float, prefix: str) -> object:
    """Squared distance in km² on a local flat projection: exact enough to filter and sort in a city."""
    k_lat = geo.KM_PER_DEGREE_LAT
    k_lon = geo.KM_PER_DEGREE_LAT * math.cos(math.radians(latitude))
    return Power((F(f"{prefix}latitude") - latitude) * k_lat, 2) + Power(
        (F(f"{prefix}longitude") - longitude) * k_lon, 2
    )


def services(jurisdiction: Jurisdiction, query: ServiceQuery) -> QuerySet[m.Service]:
    qs = m.Service.objects.filter(jurisdiction=jurisdiction)
    if query.search:
        qs = search_services(qs, query.search, jurisdiction.pk)
    if query.organization_id:
        qs = qs.filter(organization_id=query.organization_id)
    if query.modified_after:
        qs = qs.filter(last_modified__gt=query.modified_after)
    if query.taxonomy_term_id:
        qs = qs.filter(id__in=_linked_to_terms(m.TaxonomyTerm.objects.filter(id=query.taxonomy_term_id)))
    if query.taxonomy_id:
        qs = qs.filter(id__in=_linked_to_terms(m.TaxonomyTerm.objects.filter(taxonomy_id=query.taxonomy_id)))
    if query.need:
        terms = m.TaxonomyTerm.objects.filter(jurisdiction=jurisdiction, need=query.need)
        qs = qs.filter(id__in=_linked_to_terms(terms))
    if query.latitude is not None and query.longitude is not None:
        radius = query.radius_km if query.radius_km is not None else 10.0
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(query.latitude, query.longitude, radius)
        # Confidential locations never take part: a distance would give their position away.
        near = (
            m.ServiceAtLocation.objects.filter(
                location__confidential=False,
                location__latitude__range=(min_lat, max_lat),
                location__longitude__range=(min_lon, max_lon),
            )
            .annotate(d2=_squared_km(query.latitude, query.longitude, "location__"))
            .filter(d2__lte=radius**2)
        )
        # filter first (an indexed box), then work out the distance of what is left, for the order
        nearest = near.filter(service=OuterRef("pk")).order_by("d2").values("d2")[:1]
        qs = (
            qs.filter(id__in=near.values("service_id"))
            .annotate(distance_squared=Subquery(nearest, output_field=FloatField()))
            .order_by("distance_squared", "name", "id")
        )
    return qs


def service_page(
    jurisdiction: Jurisdiction,
    query: ServiceQuery,
    offset: int,
    limit: int,
    shape: Callable[[QuerySet[m.Service]], QuerySet[m.Service]] = lambda qs: qs,
) -> tuple[int, list[m.Service]]:
    """(total, one page of services). A search alone is answered by the full-text index, most
    relevant first; anything else by the filters above, by name or by distance."""
    if query.search and query == ServiceQuery(search=query.search):
        hits = search.ranked(query.search, jurisdiction.pk, offset, limit)
        if hits is not None:
            return hits.total, _in_order(hits.service_ids, shape)
    qs = services(jurisdiction, query)
    total = qs.count()
    if offset >= total:
        return total, []
    # The page's ids first, then its rows: joined to organisations, SQLite may otherwise sort the
    # whole directory to find fifty names.
    return total, _in_order(list(qs.values_list("id", flat=True)[offset : offset + limit]), shape)


def _in_order(ids: list[UUID], shape: Callable[[QuerySet[m.Service]], QuerySet[m.Service]]) -> list[m.Service]:
    found = {s.id: s for s in shape(m.Service.objects.filter(id__in=ids))}
    return [found[pk] for pk in ids if pk in found]


LOCATION_PREFETCH: list[str | Prefetch[Any, Any, Any]] = [
    "languages",
    "addresses",
    Prefetch("contacts", queryset=m.Contact.objects.prefetch_related("phones__languages")),
    "accessibility",
    "phones__languages",
    "schedules",
]


def _nested(prefix: str, names: Iterable[str | Prefetch[Any, Any, Any]]) -> list[str | Prefetch[Any, Any, Any]]:
    out: list[str | Prefetch[Any, Any, Any]] = []
    for name in names:
        if isinstance(name, Prefetch):
            out.append(Prefetch(f"{prefix}__{name.prefetch_through}", queryset=name.queryset))
        else:
            out.append(f"{prefix}__{name}")
    return out


ORGANIZATION_PREFETCH: list[str | Prefetch[Any, Any, Any]] = [
    "funding",
    "contacts__phones__languages",
    "phones__languages",
    "hsds_locations",
    *_nested("hsds_locations", LOCATION_PREFETCH),
    "programs",
    "organization_identifiers",
]

SERVICE_PREFETCH: list[str | Prefetch[Any, Any, Any]] = [
    "phones__languages",
    "schedules",
    "service_areas",
    "languages",
    "funding",
    "cost_options",
    "required_documents",
    "contacts__phones__languages",
    "service_at_locations__contacts__phones__languages",
    "service_at_locations__phones__languages",
    "service_at_locations__schedules",
    "service_at_locations__location",
    *_nested("service_at_locations__location", LOCATION_PREFETCH),
    *_nested("organization", ORGANIZATION_PREFETCH),
]


def full_services(queryset: QuerySet[m.Service]) -> QuerySet[m.Service]:
    return queryset.select_related("organization", "program").prefetch_related(*SERVICE_PREFETCH)


def full_organizations(queryset: QuerySet[m.Organization]) -> QuerySet[m.Organization]:
    return queryset.prefetch_related(*ORGANIZATION_PREFETCH)


def full_locations(queryset: QuerySet[m.Location]) -> QuerySet[m.Location]:
    return queryset.prefetch_related(*LOCATION_PREFETCH)


def full_service_at_locations(queryset: QuerySet[m.ServiceAtLocation]) -> QuerySet[m.ServiceAtLocation]:
    return queryset.select_related("location").prefetch_related(
        "contacts__phones__languages",
        "phones__languages",
        "schedules",
        *_nested("location", LOCATION_PREFETCH),
    )


def annotations_for(
    ids: Iterable[UUID],
) -> tuple[dict[UUID, list[m.Attribute]], dict[UUID, list[m.Metadata]]]:
    """The attributes and metadata rows that point at these objects, by object id."""
    wanted = list(ids)
    attributes: dict[UUID, list[m.Attribute]] = defaultdict(list)
    metadata: dict[UUID, list[m.Metadata]] = defaultdict(list)
    for attribute in m.Attribute.objects.filter(link_id__in=wanted).select_related("taxonomy_term__taxonomy"):
        assert attribute.link_id is not None
        attributes[attribute.link_id].append(attribute)
    for row in m.Metadata.objects.filter(resource_id__in=wanted):
        assert row.resource_id is not None
        metadata[row.resource_id].append(row)
    return attributes, metadata


def object_ids(objects: Iterable[object]) -> set[UUID]:
    """Ids of the annotated objects in these HSDS trees (services, organisations, locations...)."""
    seen: set[UUID] = set()

    def walk(obj: Any) -> None:
        if type(obj) in hsds.ANNOTATED:
            pk = obj.pk
            if pk in seen:
                return
            seen.add(pk)
        for attr, _key, many in hsds.NESTING.get(type(obj), []):
            if many:
                for child in getattr(obj, attr).all():
                    walk(child)
            else:
                child = hsds.related(obj, attr)
                if child is not None:
                    walk(child)

    for obj in objects:
        walk(obj)
    return seen
