"""The newcomer portal: server-rendered pages that work without JavaScript, in six languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language

from welcoming.content import selectors as content
from welcoming.content.models import Page
from welcoming.directory import models as m
from welcoming.directory import selectors as directory
from welcoming.directory.needs import NEED_DESCRIPTIONS, NEED_SLUGS
from welcoming.lib.i18n import LANGUAGE_CODES, normalise_language
from welcoming.places.models import Jurisdiction
from welcoming.places.selectors import UnknownJurisdiction, area_for_postal_code, jurisdiction_for_request
from welcoming.portal import pages
from welcoming.portal import services as portal_services
from welcoming.portal.forms import FindForm, ProblemForm
from welcoming.triage import services as triage
from welcoming.triage import wording
from welcoming.triage.engine import Query

RESULTS_SHOWN = 10


def _base(request: HttpRequest) -> tuple[Jurisdiction, str, dict[str, Any]]:
    try:
        jurisdiction = jurisdiction_for_request(request)
    except UnknownJurisdiction as exc:
        raise Http404(str(exc)) from exc
    language = normalise_language(get_language()) or "en"
    city = jurisdiction.localized("name", language)
    prefix = f"/{language}"
    full_path = request.get_full_path()
    context = {
        "path_tail": full_path[len(prefix) :] if full_path.startswith(prefix) else "/",
        "jurisdiction": jurisdiction,
        "city": city,
        "language": language,
        "city_query": "" if request.GET.get("jurisdiction") is None else urlencode({"jurisdiction": jurisdiction.code}),
        "other_languages": [(code, pages.LANGUAGE_NAMES[code]) for code in LANGUAGE_CODES if code != language],
        "emergency_contacts": wording.emergency_contacts(jurisdiction.emergency_contacts, language),
    }
    return jurisdiction, language, context


def _tiles(language: str, chosen: list[str] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "slug": slug,
            "label": wording.need_label(slug, language),
            "description": NEED_DESCRIPTIONS[slug].get(language, NEED_DESCRIPTIONS[slug]["en"]),
            "chosen": slug in (chosen or []),
        }
        for slug in NEED_SLUGS
    ]


def home(request: HttpRequest) -> HttpResponse:
    _jurisdiction, language, context = _base(request)
    return render(request, "portal/home.html", {**context, "tiles": _tiles(language), "form": FindForm()})


def find(request: HttpRequest) -> HttpResponse:
    jurisdiction, language, context = _base(request)
    form = FindForm(request.GET or None)
    chosen = form.cleaned_data["need"] if form.is_bound and form.is_valid() else []
    context.update({"form": form, "tiles": _tiles(language, chosen)})
    if form.asked:
        context.update(_results(request, jurisdiction, language, form))
    return render(request, "portal/find.html", context)


def find_print(request: HttpRequest) -> HttpResponse:
    """The results on paper: no form, each service's address and phone, a QR code back to the list."""
    jurisdiction, language, context = _base(request)
    form = FindForm(request.GET or None)
    if not form.asked:
        raise Http404("nothing was asked")
    context.update(_results(request, jurisdiction, language, form))
    back = request.build_absolute_uri(reverse("portal:find")) + "?" + request.GET.urlencode()
    pages_by_id = {
        str(s.id): pages.service_page(s, jurisdiction, language)
        for s in directory.full_services(m.Service.objects.filter(pk__in=[r["id"] for r in context["results"]]))
    }
    printed = [(result, pages_by_id[result["id"]]) for result in context["results"]]
    context.update({"back": back, "qr": qr_svg(back), "printed": printed})
    return render(request, "portal/print_results.html", context)


def _results(request: HttpRequest, jurisdiction: Jurisdiction, language: str, form: FindForm) -> dict[str, Any]:
    data = form.cleaned_data
    latitude, longitude = data["lat"], data["lon"]
    area = None
    if latitude is None and data["postcode"]:
        area = area_for_postal_code(jurisdiction, data["postcode"])
        if area is not None:
            latitude, longitude = area.centre_latitude, area.centre_longitude
    query = Query(
        text=data["q"],
        language=language if not data["q"] else None,
        needs=tuple(data["need"]),
        adults=data["adults"],
        children_ages=data["children"],
        latitude=latitude,
        longitude=longitude,
        languages_spoken=tuple(data["speaks"]),
        urgent=data["urgent"],
        free_only=data["free"],
        limit=50,
    )
    result = triage.triage(jurisdiction=jurisdiction, query=query)
    matches = [
        match
        for match in result.results
        if (not data["open_now"] or match.open_now)
        and (not data["distance"] or (match.distance_km is not None and match.distance_km <= float(data["distance"])))
    ][:RESULTS_SHOWN]
    body = triage.as_json(result, jurisdiction, language)
    by_id = {item["id"]: item for item in body["results"]}
    return {
        "asked": True,
        "result": body,
        "results": [by_id[match.service.id] for match in matches],
        "postcode_unknown": bool(data["postcode"] and area is None and data["lat"] is None),
        "share_query": request.GET.urlencode(),
        "guides": [
            pages.page_summary(page, language)
            for page in content.pages_for_needs(jurisdiction, [need["slug"] for need in body["needs"][:3]])
        ],
    }


def qr_svg(url: str) -> str:
    """An inline SVG QR code: no image request, prints sharp."""
    return str(segno.make(url, error="m").svg_inline(scale=3, title=url))


def service(request: HttpRequest, service_id: Any) -> HttpResponse:
    jurisdiction, language, context = _base(request)
    found = directory.full_services(m.Service.objects.filter(jurisdiction=jurisdiction, pk=service_id)).first()
    if found is None:
        raise Http404("no such service")
    context["page"] = pages.service_page(found, jurisdiction, language)
    form = ProblemForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            portal_services.problem_report(
                service=found, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"], language=language
            )
            return redirect(request.get_full_path() + ("&" if "?" in request.get_full_path() else "?") + "reported=1")
        context["problem_open"] = True
    context.update({"problem_form": form, "reported": request.GET.get("reported") == "1"})
    if request.resolver_match and request.resolver_match.url_name == "service-print":
        back = request.build_absolute_uri(reverse("portal:service", args=[found.id]))
        if request.GET.get("jurisdiction"):
            back += "?" + urlencode({"jurisdiction": jurisdiction.code})
        context.update({"back": back, "qr": qr_svg(back)})
        return render(request, "portal/print_service.html", context)
    return render(request, "portal/service.html", context)


def guides(request: HttpRequest) -> HttpResponse:
    """Guides, her rights and myths set straight, grouped by kind."""
    jurisdiction, language, context = _base(request)
    sections: dict[str, dict[str, Any]] = {
        kind: {"kind": kind, "label": label, "pages": []} for kind, label in Page.Kind.choices
    }
    for page in content.published_pages(jurisdiction):
        sections[page.kind]["pages"].append(pages.page_summary(page, language))
    context["sections"] = [section for section in sections.values() if section["pages"]]
    return render(request, "portal/guides.html", context)


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    jurisdiction, language, context = _base(request)
    page = content.published_page(jurisdiction, slug)
    if page is None:
        raise Http404("no such page")
    context["page"] = pages.content_page(page, language)
    return render(request, "portal/guide.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    _jurisdiction, _language, context = _base(request)
    return render(request, "portal/privacy.html", context)


def choose_language(request: HttpRequest) -> HttpResponse:
    """`/`: the six languages, each in its own script."""
    return render(
        request,
        "portal/choose_language.html",
        {
            "languages": [(code, pages.LANGUAGE_NAMES[code]) for code in LANGUAGE_CODES],
            "query": request.GET.urlencode(),
        },
    )


SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "portal" / "sw.js"


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so that it may look after every portal page."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
