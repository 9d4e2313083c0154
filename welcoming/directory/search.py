"""Full-text search over services in every language, in the database's own engine.

Each service has one `ServiceSearch` document: its names, descriptions, eligibility, organisation
and category names in all languages, normalised by `welcoming.lib.text`. SQLite searches it with an
FTS5 index kept in step by triggers; PostgreSQL with a GIN index on `to_tsvector('simple', ...)`.
Both are created by migration 0002. A query matches services that contain every query word as a
word prefix ("clin" finds "clinic", "عياد" finds "عيادة").
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from welcoming.directory.models import Attribute, Service, ServiceSearch
from welcoming.lib.text import normalise, tokens

MAX_QUERY_WORDS = 8


def service_filter(query: str) -> Q | None:
    """A filter on Service for `query`, or None when the query has no words."""
    words = tokens(query)[:MAX_QUERY_WORDS]
    if not words:
        return None
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{w}"*' for w in words)
        sql = "SELECT rowid FROM directory_servicesearch_fts WHERE directory_servicesearch_fts MATCH %s"
    elif connection.vendor == "postgresql":
        match = " & ".join(f"{w}:*" for w in words)
        sql = "SELECT id FROM directory_servicesearch WHERE to_tsvector('simple', document) @@ to_tsquery('simple', %s)"
    else:  # pragma: no cover - other databases fall back to a scan
        q = Q()
        for w in words:
            q &= Q(search__document__contains=w)
        return q
    # the words are \w+ only and passed as a parameter; the SQL text is constant
    return Q(search__id__in=RawSQL(sql, [match]))  # noqa: S611


def document_for(service: Service, term_names: Iterable[str]) -> str:
    parts: list[str] = []
    for obj, fields in (
        (service, ("name", "alternate_name", "description", "eligibility_description")),
        (service.organization, ("name", "alternate_name")),
    ):
        for name in fields:
            parts.append(getattr(obj, name) or "")
            for bucket in (obj.translations or {}).values():
                parts.append(bucket.get(name, ""))
    parts.extend(term_names)
    return normalise(" ".join(p for p in parts if p))


def reindex(service_ids: Iterable[UUID]) -> int:
    """Rebuild the search documents of these services; returns how many were written."""
    ids = list(service_ids)
    written = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        services = list(Service.objects.filter(id__in=chunk).select_related("organization"))
        terms: dict[UUID, list[str]] = {}
        for attribute in Attribute.objects.filter(link_id__in=chunk, taxonomy_term__isnull=False).select_related(
            "taxonomy_term"
        ):
            term = attribute.taxonomy_term
            assert term is not None and attribute.link_id is not None
            names = [term.name, term.need, *(b.get("name", "") for b in (term.translations or {}).values())]
            terms.setdefault(attribute.link_id, []).extend(names)
        ServiceSearch.objects.filter(service_id__in=chunk).delete()
        ServiceSearch.objects.bulk_create(
            [ServiceSearch(service=s, document=document_for(s, terms.get(s.id, []))) for s in services],
            batch_size=1000,
        )
        written += len(services)
    return written


def search_services(queryset: QuerySet[Service], query: str) -> QuerySet[Service]:
    condition = service_filter(query)
    return queryset if condition is None else queryset.filter(condition)
