"""`GET /api/v1/triage`: what she wrote → her needs, an emergency flag, services with reasons."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from welcoming.directory.api.params import Params
from welcoming.directory.needs import NEED_SLUGS
from welcoming.lib.i18n import LANGUAGE_CODES, best_language, normalise_language
from welcoming.places.selectors import UnknownJurisdiction, jurisdiction_for_request
from welcoming.triage import services
from welcoming.triage.engine import Query

MAX_QUERY_CHARS = 1000


def _p(name: str, description: str, kind: Any = OpenApiTypes.STR) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description)


class JSONFirstNegotiation(DefaultContentNegotiation):
    """What nearly every client sends (no Accept, */* or application/json) gets JSON without parsing
    the header; anything else is negotiated as before (`; indent=4` honoured, text/html refused)."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        if format_suffix is None and request.META.get("HTTP_ACCEPT") in (None, "*/*", "application/json"):
            return renderers[0], str(renderers[0].media_type)
        chosen: tuple[BaseRenderer, str] = super().select_renderer(request, renderers, format_suffix)
        return chosen


class TriageView(APIView):
    # The triage is anonymous and public: no session to read for a user (which also leaves `Cookie`
    # out of `Vary`), no throttles, JSON only. Each of these is a cost on every request.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type] = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONFirstNegotiation

    @extend_schema(
        summary="Triage: needs, emergency and ranked services for what a newcomer wrote",
        operation_id="triage",
        parameters=[
            _p("q", "What she wrote, in any of the six languages."),
            _p("lang", f"Her language ({', '.join(LANGUAGE_CODES)}); otherwise detected from the text."),
            _p("need", "Need tiles she chose, comma-separated slugs."),
            _p("lat", "Latitude, with lon.", OpenApiTypes.NUMBER),
            _p("lon", "Longitude, with lat.", OpenApiTypes.NUMBER),
            _p("free", "Only free services.", OpenApiTypes.BOOL),
            _p("urgent", "She needs help today: services open now come first.", OpenApiTypes.BOOL),
            _p("children", "Ages of the children in the household, comma-separated."),
            _p("adults", "Number of adults in the household.", OpenApiTypes.INT),
            _p("speaks", "Languages she speaks besides her own, comma-separated codes."),
            _p("limit", "How many services (1-50, default 10).", OpenApiTypes.INT),
            _p("jurisdiction", "Code of the jurisdiction (default: the deployment's default)."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> HttpResponse:
        try:
            jurisdiction = jurisdiction_for_request(request._request)
        except UnknownJurisdiction as exc:
            raise NotFound(str(exc)) from exc
        params = Params(request.query_params)
        text = params.string("q")
        if len(text) > MAX_QUERY_CHARS:
            params.errors["q"] = f"longer than {MAX_QUERY_CHARS} characters."
        raw_lang = params.string("lang")
        language = normalise_language(raw_lang)
        if raw_lang and language is None:
            params.errors["lang"] = f"must be one of {', '.join(LANGUAGE_CODES)}."
        needs = tuple(n for n in params.string("need").split(",") if n)
        if any(n not in NEED_SLUGS for n in needs):
            params.errors["need"] = f"must be among {', '.join(NEED_SLUGS)}."
        latitude = params.number("lat", -90, 90)
        longitude = params.number("lon", -180, 180)
        if (latitude is None) != (longitude is None):
            params.errors["lat"] = "lat and lon go together."
        children = _ints(params, "children", 0, 25)
        speaks = tuple(code for code in params.string("speaks").split(",") if code)
        query = Query(
            text=text,
            language=language,
            needs=needs,
            adults=params.integer("adults", 0, 0, 30) or None,
            children_ages=children,
            latitude=latitude,
            longitude=longitude,
            languages_spoken=speaks,
            urgent=params.boolean("urgent"),
            free_only=params.boolean("free"),
            limit=params.integer("limit", 10, 1, 50),
        )
        params.raise_if_invalid()
        if not text and not needs:
            raise ValidationError({"detail": "Write something in q, or choose a need.", "errors": {"q": "required"}})
        if language is None and not text:
            query = dataclasses.replace(query, language=best_language(request.headers.get("Accept-Language")))
        result = services.triage(jurisdiction=jurisdiction, query=query)
        body = services.as_json(result, jurisdiction)
        # rendered here by the negotiated renderer, as DRF's Response would, without its template
        # response machinery: the same bytes and headers
        content = request.accepted_renderer.render(body, request.accepted_media_type, self.get_renderer_context())
        response = HttpResponse(content, content_type=request.accepted_renderer.media_type)
        response["Content-Language"] = body["lang"]
        return response


def _ints(params: Params, name: str, minimum: int, maximum: int) -> tuple[int, ...]:
    out = []
    for part in params.string(name).split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not minimum <= int(part) <= maximum:
            params.errors[name] = f"must be whole numbers from {minimum} to {maximum}, comma-separated."
            return ()
        out.append(int(part))
    return tuple(out)
