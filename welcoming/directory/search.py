"""Full-text search over services in every language, in the database's own engine.

Each service has one `ServiceSearch` document: its names, descriptions, eligibility, organisation
and category names in all languages, normalised by `welcoming.lib.text`. SQLite searches it with an
FTS5 index kept in step by triggers; PostgreSQL with a GIN index on `to_tsvector('simple', ...)`.
Both are created by migration 0002. A query matches services that contain every query word as a
word prefix ("clin" finds "clinic", "عياد" finds "عيادة").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from welcoming.directory.models import Attribute, Service, ServiceSearch
from welcoming.lib.text import normalise, tokens

MAX_QUERY_WORDS = 8


def _match(words: list[str]) -> str:
    if connection.vendor == "sqlite":
        return " AND ".join(f'"{w}"*' for w in words)
    return " & ".join(f"{w}:*" for w in words)


def service_filter(query: str, jurisdiction_id: int) -> Q | None:
    """A filter on Service for `query`, or None when the query has no words."""
    words = tokens(query)[:MAX_QUERY_WORDS]
    if not words:
        return None
    if connection.vendor == "sqlite":
        sql = "SELECT service_id FROM directory_servicesearch_fts WHERE directory_servicesearch_fts MATCH %s"
        params: list[object] = [f"jurisdiction_id : {jurisdiction_id} AND document : ({_match(words)})"]
    elif connection.vendor == "postgresql":
        sql = (
            "SELECT service_id FROM directory_servicesearch WHERE jurisdiction_id = %s "
            "AND to_tsvector('simple', document) @@ to_tsquery('simple', %s)"
        )
        params = [jurisdiction_id, _match(words)]
    else:  # pragma: no cover - other databases fall back to a scan
        q = Q()
        for w in words:
            q &= Q(search__document__contains=w)
        return q
    # Filter on the service's own key: going through the search row's key lets SQLite's planner
    # probe every match for every service (minutes at 50,000 services instead of milliseconds).
    # The words are \w+ only and travel as parameters; the SQL text is constant.
    return Q(id__in=RawSQL(sql, params))  # noqa: S611


SQLITE_COUNT = "SELECT count(*) FROM directory_servicesearch_fts WHERE directory_servicesearch_fts MATCH %s"
SQLITE_PAGE = """
    SELECT s.service_id FROM directory_servicesearch s JOIN (
        SELECT rowid AS id, bm25(directory_servicesearch_fts, 1.0, 0.0) AS score
        FROM directory_servicesearch_fts WHERE directory_servicesearch_fts MATCH %s
        ORDER BY score LIMIT %s OFFSET %s
    ) hit ON hit.id = s.id ORDER BY hit.score, s.id"""
POSTGRES_WHERE = """
    FROM directory_servicesearch WHERE jurisdiction_id = %s
    AND to_tsvector('simple', document) @@ to_tsquery('simple', %s)"""
POSTGRES_COUNT = "SELECT count(*)" + POSTGRES_WHERE
POSTGRES_PAGE = (
    "SELECT service_id"
    + POSTGRES_WHERE
    + " ORDER BY ts_rank(to_tsvector('simple', document), to_tsquery('simple', %s)) DESC, service_id"
    + " LIMIT %s OFFSET %s"
)


@dataclass(frozen=True)
class Hits:
    total: int
    service_ids: list[UUID]


def ranked(query: str, jurisdiction_id: int, offset: int, limit: int) -> Hits | None:
    """One page of the services matching `query`, best first (BM25 / ts_rank), counted and ranked
    inside the full-text index without touching the service rows. None when the query has no words."""
    words = tokens(query)[:MAX_QUERY_WORDS]
    if not words:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = f"jurisdiction_id : {jurisdiction_id} AND document : ({_match(words)})"
            cursor.execute(SQLITE_COUNT, [match])
            total = cursor.fetchone()[0]
            cursor.execute(SQLITE_PAGE, [match, limit, offset])
        else:
            match = _match(words)
            cursor.execute(POSTGRES_COUNT, [jurisdiction_id, match])
            total = cursor.fetchone()[0]
            cursor.execute(POSTGRES_PAGE, [jurisdiction_id, match, match, limit, offset])
        ids = [row[0] if isinstance(row[0], UUID) else UUID(row[0]) for row in cursor.fetchall()]
    return Hits(total, ids)


SERVICE_TEXT = ("name", "alternate_name", "description", "eligibility_description", "translations")
ORGANIZATION_TEXT = ("organization__name", "organization__alternate_name", "organization__translations")


def document_for(texts: Iterable[str], translations: Iterable[dict[str, dict[str, str]]], extra: Iterable[str]) -> str:
    """One normalised text holding every language of a service's searchable fields."""
    parts = [t for t in texts if t]
    for by_language in translations:
        for bucket in (by_language or {}).values():
            parts.extend(text for name, text in bucket.items() if name in INDEXED_FIELDS and text)
    parts.extend(extra)
    return normalise(" ".join(parts))


INDEXED_FIELDS = {"name", "alternate_name", "description", "eligibility_description"}


def reindex(service_ids: Iterable[UUID]) -> int:
    """Rebuild the search documents of these services; returns how many were written."""
    ids = list(service_ids)
    written = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        terms: dict[UUID, list[str]] = {}
        links = Attribute.objects.filter(link_id__in=chunk).values_list(
            "link_id",
            "link_type",
            "value",
            "translations",
            "taxonomy_term__name",
            "taxonomy_term__need",
            "taxonomy_term__translations",
        )
        for link_id, link_type, value, value_translations, name, need, translations in links:
            assert link_id is not None
            words = [name, need, *((b or {}).get("name", "") for b in (translations or {}).values())]
            if link_type == "keywords":
                words += [value, *((b or {}).get("value", "") for b in (value_translations or {}).values())]
            terms.setdefault(link_id, []).extend(w for w in words if w)
        rows = Service.objects.filter(id__in=chunk).values_list(
            "id", *SERVICE_TEXT, *ORGANIZATION_TEXT, "jurisdiction_id"
        )
        documents = [
            ServiceSearch(
                service_id=pk,
                jurisdiction_id=jurisdiction_id,
                document=document_for((name, alt, desc, elig, org, org_alt), (tr, org_tr), terms.get(pk, [])),
            )
            for pk, name, alt, desc, elig, tr, org, org_alt, org_tr, jurisdiction_id in rows
        ]
        ServiceSearch.objects.filter(service_id__in=chunk).delete()
        ServiceSearch.objects.bulk_create(documents, batch_size=1000)
        written += len(documents)
    return written


def search_services(queryset: QuerySet[Service], query: str, jurisdiction_id: int) -> QuerySet[Service]:
    condition = service_filter(query, jurisdiction_id)
    return queryset if condition is None else queryset.filter(condition)
