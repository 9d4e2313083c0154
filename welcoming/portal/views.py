"""The newcomer portal: server-rendered pages that work without JavaScript, in six languages."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from welcoming.accounts.models import Agency
from welcoming.cases import selectors as cases
from welcoming.cases import services as case_services
from welcoming.cases.models import Client
from welcoming.content import selectors as content
from welcoming.content.models import Page
from welcoming.directory import models as m
from welcoming.directory import selectors as directory
from welcoming.directory.needs import NEED_DESCRIPTIONS, NEED_SLUGS
from welcoming.lib.i18n import LANGUAGE_CODES, normalise_language
from welcoming.lib.qr import qr_svg
from welcoming.places.models import Jurisdiction
from welcoming.places.selectors import UnknownJurisdiction, area_for_postal_code, jurisdiction_for_request
from welcoming.portal import pages
from welcoming.portal import services as portal_services
from welcoming.portal.forms import ConsentForm, FindForm, ProblemForm, RegisterForm
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


# --- self-registration -------------------------------------------------------------------------

# A bounded check against a flood of pending records: enough for a family, a library computer or a
# settlement worker helping several people in an hour, too few to fill the counters' queue.
REGISTRATIONS_PER_ADDRESS_PER_HOUR = 20
DONE_LINK_DAYS = 30
# what her answers are made of, for the one-time key
ANSWERS = (
    "given_name",
    "family_name",
    "birth_year",
    "birth_year_approximate",
    "languages",
    "interpreter_needed",
    "phone",
)


def register(request: HttpRequest) -> HttpResponse:
    """She registers herself: her answers, then her consent on a screen of its own, then her reference
    code. Nothing is stored before she consents; until then her answers travel in the page."""
    jurisdiction, language, context = _base(request)
    if request.method != "POST":
        form = RegisterForm(language=language, initial={"key": secrets.token_urlsafe(24), "languages": [language]})
        return render(request, "portal/register.html", {**context, "form": form})
    form = RegisterForm(request.POST, language=language)
    step = request.POST.get("step", "")
    if not form.is_valid() or step == "edit":
        return render(request, "portal/register.html", {**context, "form": form})
    consent = ConsentForm(request.POST if step == "consent" else None)
    if step != "consent" or not consent.is_valid():
        return render(
            request,
            "portal/register_consent.html",
            {**context, "form": form, "consent": consent, "answers": _answers(form, language)},
        )
    if not within_hourly_limit(request, "portal.register", REGISTRATIONS_PER_ADDRESS_PER_HOUR):
        return render(request, "portal/register_busy.html", context, status=429)
    data = form.cleaned_data
    sms = bool(consent.cleaned_data["sms"] and data["phone"])
    person = case_services.Person(
        given_name=data["given_name"],
        family_name=data["family_name"],
        birth_year=data["birth_year"],
        birth_year_approximate=data["birth_year_approximate"],
        languages=list(data["languages"]),
        interpreter_needed=data["interpreter_needed"],
        phone=data["phone"],
        preferred_channel=Client.Channel.SMS if sms else "",
    )
    try:
        client = case_services.self_register(
            jurisdiction=jurisdiction,
            person=person,
            sms=sms,
            statistics=consent.cleaned_data["statistics"],
            submission=_submission(data["key"], data),
        )
    except case_services.Invalid:
        # the form checks what the service checks; should they ever disagree, she sees her answers again
        form.add_error(None, _("Please check your answers and send them again."))
        return render(request, "portal/register.html", {**context, "form": form})
    if not client.reference:
        # this very page was sent before, and that registration has since been erased at her request
        answers = request.POST.copy()
        answers["key"] = secrets.token_urlsafe(24)
        fresh = RegisterForm(answers, language=language)
        fresh.is_valid()
        fresh.add_error(None, _("This form was already used. Please check your answers and send them again."))
        return render(request, "portal/register.html", {**context, "form": fresh})
    done = reverse("portal:register-done", args=[_done_signer(jurisdiction.code).sign(client.reference)])
    return redirect(done + (f"?{context['city_query']}" if context["city_query"] else ""))


def register_done(request: HttpRequest, token: str) -> HttpResponse:
    """Her reference code, large, with a QR code of it alone, and where to bring it. The link is
    signed, so it shows only a code this city gave, and it lasts long enough to find it again."""
    jurisdiction, language, context = _base(request)
    try:
        reference = _done_signer(jurisdiction.code).unsign(token, max_age=dt.timedelta(days=DONE_LINK_DAYS))
    except signing.BadSignature as exc:
        raise Http404("no such registration") from exc
    context.update(
        {
            "reference": reference,
            "qr": qr_svg(reference, scale=6),  # the reference alone: never a link or a name
            "counters": [
                _counter(agency, jurisdiction, language) for agency in cases.registration_counters(jurisdiction)
            ],
        }
    )
    response = render(request, "portal/register_done.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _done_signer(jurisdiction_code: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"welcoming.portal.register:{jurisdiction_code}")


def _submission(key: str, data: dict[str, Any]) -> str:
    """The page's one-time key bound to her answers: the same page sent twice (a double tap, a resend
    on a bad connection) is one record, while a page kept on a shared phone and filled in again by
    someone else is a new one."""
    answers = json.dumps({name: data[name] for name in ANSWERS}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{key}\n{answers}".encode()).hexdigest()


def _address(request: HttpRequest) -> str:
    """Where the request came from. In production the app runs behind one reverse proxy: the last
    address in X-Forwarded-For is the one it added, which a visitor cannot forge."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.PRODUCTION and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def within_hourly_limit(request: HttpRequest, scope: str, limit: int) -> bool:
    """Counts the requests of one kind (`scope`) per address in fixed one-hour windows, in the cache
    only and under a keyed hash: the address itself is never stored."""
    key = f"{scope}:" + salted_hmac(f"welcoming.{scope}.rate", _address(request)).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit


def _answers(form: RegisterForm, language: str) -> list[dict[str, Any]]:
    """Her answers read back to her on the consent screen, in her language."""
    data = form.cleaned_data
    year = str(data["birth_year"])
    names = dict(form.fields["languages"].choices)  # type: ignore[attr-defined]
    return [
        {"label": _("Given name"), "value": data["given_name"], "own": True},
        {"label": _("Family name"), "value": data["family_name"] or "—", "own": bool(data["family_name"])},
        {
            "label": _("Year of birth"),
            "value": _("About %(year)s") % {"year": year} if data["birth_year_approximate"] else year,
        },
        {"label": _("Languages"), "value": ", ".join(str(names.get(code, code)) for code in data["languages"])},
        {"label": _("Interpreter"), "value": _("Needed") if data["interpreter_needed"] else _("Not needed")},
        {"label": _("Phone"), "value": data["phone"] or _("Not given"), "own": bool(data["phone"])},
    ]


def _counter(agency: Agency, jurisdiction: Jurisdiction, language: str) -> dict[str, Any]:
    """An agency she can bring her code to, from its directory entry; the addresses of confidential
    places stay hidden, as everywhere on the portal."""
    organization = agency.organization
    assert organization is not None  # registration_counters keeps only agencies in the directory
    name = organization.localized("name", language, jurisdiction.default_language)
    return {
        "name": {"text": name.text, "language": name.language},
        "addresses": [
            ", ".join(part for part in (a.address_1, a.address_2, a.city, a.postal_code) if part)
            for location in organization.hsds_locations.all()
            if not location.confidential
            for a in location.addresses.all()
        ],
        "phones": [pages._phone(phone.number) for phone in organization.phones.all()],
    }
