"""The public, read-only HSDS 3.0 API: thin views over the directory selectors."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from welcoming.directory import hsds, selectors
from welcoming.directory import models as m
from welcoming.directory.api.params import DEFAULT_PER_PAGE, MAX_PER_PAGE, Params
from welcoming.lib.i18n import LANGUAGE_CODES, best_language, normalise_language
from welcoming.places.models import Jurisdiction
from welcoming.places.selectors import UnknownJurisdiction, jurisdiction_for_request


def _p(name: str, description: str, kind: Any = OpenApiTypes.STR, enum: Sequence[str] | None = None) -> Any:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, enum=enum)


COMMON_PARAMETERS = [
    _p("lang", "Language of the text; falls back to the jurisdiction's own, per field.", enum=LANGUAGE_CODES),
    _p("jurisdiction", "Code of the jurisdiction (default: the deployment's default)."),
]
LIST_PARAMETERS = [
    *COMMON_PARAMETERS,
    _p("search", "Words to find in names and descriptions, in any language."),
    _p("page", "Page number, from 1.", OpenApiTypes.INT),
    _p("per_page", f"Items per page (at most {MAX_PER_PAGE}).", OpenApiTypes.INT),
    _p("format", "json (an HSDS Page) or ndjson (one object per line).", enum=("json", "ndjson")),
]
SERVICE_PARAMETERS = [
    *LIST_PARAMETERS,
    _p("taxonomy_term_id", "Only services linked to this taxonomy term.", OpenApiTypes.UUID),
    _p("taxonomy_id", "Only services linked to a term of this taxonomy.", OpenApiTypes.UUID),
    _p("organization_id", "Only this organization's services.", OpenApiTypes.UUID),
    _p("modified_after", "Only services changed after this ISO 8601 date-time.", OpenApiTypes.DATETIME),
    _p("minimal", "Only the service's own fields.", OpenApiTypes.BOOL),
    _p("full", "The whole nested service, as the detail endpoint gives it.", OpenApiTypes.BOOL),
    _p("need", "A need category of the triage (housing, food, health...).", enum=m.NEED_SLUGS),
    _p("lat", "Latitude for a distance search (with lon).", OpenApiTypes.NUMBER),
    _p("lon", "Longitude for a distance search (with lat).", OpenApiTypes.NUMBER),
    _p("radius_km", "Distance search radius in km (default 10); results nearest first.", OpenApiTypes.NUMBER),
]


class HsdsView(APIView):
    """Resolves the jurisdiction and the language, and renders HSDS objects."""

    def context(self, request: Request) -> tuple[Jurisdiction, hsds.Options]:
        try:
            jurisdiction = jurisdiction_for_request(request._request)
        except UnknownJurisdiction as exc:
            raise NotFound(str(exc)) from exc
        raw_lang = request.query_params.get("lang")
        language = normalise_language(raw_lang)
        if raw_lang and language is None:
            raise ValidationError(
                {
                    "detail": "Invalid query parameters.",
                    "errors": {"lang": f"must be one of {', '.join(LANGUAGE_CODES)}."},
                }
            )
        language = language or best_language(request.headers.get("Accept-Language")) or jurisdiction.default_language
        options = hsds.Options(
            language=language,
            source_language=jurisdiction.default_language,
            show_confidential=selectors.can_see_confidential(request.user),
        )
        return jurisdiction, options

    def render(self, objects: Iterable[Model], options: hsds.Options) -> list[dict[str, Any]]:
        objects = list(objects)
        if options.nested:
            options.attributes, options.metadata = selectors.annotations_for(selectors.object_ids(objects))
        return [hsds.to_hsds(obj, options) for obj in objects]

    def respond(self, body: Any, options: hsds.Options) -> Response:
        return Response(body, headers={"Content-Language": options.language or ""})


class HsdsListView(HsdsView):
    """An HSDS Page of one kind of object."""

    def queryset(self, jurisdiction: Jurisdiction, params: Params) -> QuerySet[Any]:
        raise NotImplementedError

    def nested(self, params: Params) -> bool:
        return True

    def page(self, jurisdiction: Jurisdiction, params: Params, offset: int, limit: int) -> tuple[int, list[Any]]:
        """(total, the objects of one page); raises on invalid parameters."""
        queryset = self.queryset(jurisdiction, params)
        params.raise_if_invalid()
        total = queryset.count()
        return total, list(queryset[offset : offset + limit]) if offset < total else []

    def get(self, request: Request) -> Any:
        jurisdiction, options = self.context(request)
        params = Params(request.query_params)
        page_number = params.integer("page", 1, 1, 1_000_000)
        per_page = params.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        output = params.choice("format", ("json", "ndjson"), "json")
        options.nested = self.nested(params)
        total, objects = self.page(jurisdiction, params, (page_number - 1) * per_page, per_page)
        contents = self.render(objects, options)
        if output == "ndjson":
            lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in contents)
            return HttpResponse(
                lines,
                content_type="application/x-ndjson; charset=utf-8",
                headers={"Content-Language": options.language or ""},
            )
        total_pages = math.ceil(total / per_page)
        return self.respond(
            {
                "total_items": total,
                "total_pages": total_pages,
                "page_number": page_number,
                "size": len(contents),
                "first_page": page_number == 1,
                "last_page": page_number >= total_pages,
                "empty": not contents,
                "contents": contents,
            },
            options,
        )


class HsdsDetailView(HsdsView):
    model: ClassVar[type[Model]]

    def queryset(self, jurisdiction: Jurisdiction) -> QuerySet[Any]:
        raise NotImplementedError

    def get(self, request: Request, id: str) -> Response:
        jurisdiction, options = self.context(request)
        params = Params({"id": id})
        pk = params.uuid("id")
        params.raise_if_invalid()
        obj = self.queryset(jurisdiction).filter(pk=pk).first()
        if obj is None:
            raise NotFound(f"There is no {self.model.hsds_name} with the id {id} in {jurisdiction.code}.")  # type: ignore[attr-defined]
        return self.respond(self.render([obj], options)[0], options)


OBJECT = {200: OpenApiTypes.OBJECT}


class ApiMeta(APIView):
    @extend_schema(
        summary="About this API and its relation to HSDS",
        responses=OBJECT,
        operation_id="getAPIMetaInformation",
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": "https://docs.openreferral.org/en/latest/hsds/overview.html",
                "openapi_url": request.build_absolute_uri(reverse("schema")),
                "languages": list(LANGUAGE_CODES),
                "jurisdictions": list(Jurisdiction.objects.values_list("code", flat=True)),
            }
        )


class ServiceList(HsdsListView):
    """`minimal`: the service alone; default: with its organization and program, as the HSDS list
    example; `full`: fully nested, as the detail endpoint."""

    mode = "list"

    def nested(self, params: Params) -> bool:
        self.mode = "full" if params.boolean("full") else "minimal" if params.boolean("minimal") else "list"
        return self.mode == "full"

    def page(self, jurisdiction: Jurisdiction, params: Params, offset: int, limit: int) -> tuple[int, list[Any]]:
        query = params.service_query()
        params.raise_if_invalid()
        shape = {
            "full": selectors.full_services,
            "list": lambda qs: qs.select_related("organization", "program"),
            "minimal": lambda qs: qs,
        }[self.mode]
        return selectors.service_page(jurisdiction, query, offset, limit, shape)

    def render(self, objects: Iterable[Model], options: hsds.Options) -> list[dict[str, Any]]:
        if self.mode == "full":
            return super().render(objects, options)
        out = []
        for service in objects:
            assert isinstance(service, m.Service)
            item = hsds.to_hsds(service, options)
            if self.mode == "list":
                item["organization"] = hsds.to_hsds(service.organization, options, parent=m.Service)
                if service.program is not None:
                    item["program"] = hsds.to_hsds(service.program, options, parent=m.Service)
            out.append(item)
        return out

    @extend_schema(summary="Services, one HSDS Page at a time", parameters=SERVICE_PARAMETERS, responses=OBJECT)
    def get(self, request: Request) -> Any:
        return super().get(request)


class ServiceDetail(HsdsDetailView):
    model = m.Service

    def queryset(self, jurisdiction: Jurisdiction) -> QuerySet[Any]:
        return selectors.full_services(m.Service.objects.filter(jurisdiction=jurisdiction))

    @extend_schema(
        summary="One service, fully nested",
        parameters=COMMON_PARAMETERS,
        responses=OBJECT,
        operation_id="getServiceById",
    )
    def get(self, request: Request, id: str) -> Response:
        return super().get(request, id)


def simple_list(
    model: type[Model],
    prefetch: Callable[[QuerySet[Any]], QuerySet[Any]] | None,
    searchable: bool,
    summary: str,
) -> type[HsdsListView]:
    class View(HsdsListView):
        def queryset(self, jurisdiction: Jurisdiction, params: Params) -> QuerySet[Any]:
            qs = model._default_manager.filter(jurisdiction=jurisdiction)
            if searchable and params.string("search"):
                qs = qs.filter(name__icontains=params.string("search"))
            if model is m.TaxonomyTerm:
                taxonomy_id = params.uuid("taxonomy_id")
                if taxonomy_id:
                    qs = qs.filter(taxonomy_id=taxonomy_id)
            if model is m.ServiceAtLocation:
                qs = qs.filter(service__in=selectors.services(jurisdiction, params.service_query()))
            return prefetch(qs) if prefetch else qs

        @extend_schema(
            summary=summary,
            parameters=SERVICE_PARAMETERS if model is m.ServiceAtLocation else LIST_PARAMETERS,
            responses=OBJECT,
            operation_id=f"list{model.__name__}",
        )
        def get(self, request: Request) -> Any:
            return super().get(request)

    View.__name__ = f"{model.__name__}List"
    return View


def simple_detail(
    model: type[Model], prefetch: Callable[[QuerySet[Any]], QuerySet[Any]] | None, summary: str
) -> type[HsdsDetailView]:
    class View(HsdsDetailView):
        def queryset(self, jurisdiction: Jurisdiction) -> QuerySet[Any]:
            qs = model._default_manager.filter(jurisdiction=jurisdiction)
            return prefetch(qs) if prefetch else qs

        @extend_schema(
            summary=summary,
            parameters=COMMON_PARAMETERS,
            responses=OBJECT,
            operation_id=f"get{model.__name__}ById",
        )
        def get(self, request: Request, id: str) -> Response:
            return super().get(request, id)

    View.model = model
    View.__name__ = f"{model.__name__}Detail"
    return View


def _terms(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.select_related("taxonomy")


OrganizationList = simple_list(m.Organization, selectors.full_organizations, True, "Organizations")
OrganizationDetail = simple_detail(m.Organization, selectors.full_organizations, "One organization, nested")
LocationList = simple_list(m.Location, selectors.full_locations, True, "Locations")
LocationDetail = simple_detail(m.Location, selectors.full_locations, "One location, nested")
ServiceAtLocationList = simple_list(
    m.ServiceAtLocation, selectors.full_service_at_locations, False, "Services at locations"
)
ServiceAtLocationDetail = simple_detail(
    m.ServiceAtLocation, selectors.full_service_at_locations, "One service at a location"
)
TaxonomyList = simple_list(m.Taxonomy, None, True, "Taxonomies")
TaxonomyDetail = simple_detail(m.Taxonomy, None, "One taxonomy")
TaxonomyTermList = simple_list(m.TaxonomyTerm, _terms, True, "Taxonomy terms")
TaxonomyTermDetail = simple_detail(m.TaxonomyTerm, _terms, "One taxonomy term")


class Trivial(APIView):
    """The cheapest possible DRF endpoint: the baseline of `manage.py bench_directory`."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response({"ok": True})
