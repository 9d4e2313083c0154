"""The public offer pages under /{lang}/offer/: choose what to offer, the form of that kind, then her
e-mail link to confirm it and her private link to see, change, withdraw or erase it. No account;
everything works without JavaScript, in the portal's frame and in the six languages.

Pages opened by her private links are never cached and send no referrer, so the token in the
address stays between her and us. A wrong, expired or erased link is a plain 404 in her language.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from welcoming.community import kinds, selectors, services
from welcoming.community.forms import EraseMineForm, LostLinkForm, OfferForm, WithdrawForm
from welcoming.community.models import Offer
from welcoming.places.models import Jurisdiction
from welcoming.portal.views import _base as portal_frame
from welcoming.portal.views import within_hourly_limit

# A bounded check against a flood of unconfirmed offers from one connection: enough for a parish
# office or a library computer where several people offer in an hour, too few to fill the queue.
OFFERS_PER_ADDRESS_PER_HOUR = 20
LINKS_PER_ADDRESS_PER_HOUR = 5


def _cards() -> list[dict[str, str]]:
    """The six kinds, each with what it asks for, in the active language."""
    return [
        {"slug": "housing", "title": _("A flat or house to rent"), "text": _("A home you rent out to a family.")},
        {
            "slug": "room",
            "title": _("A room in my home"),
            "text": _("Host a person or a family in your own home for a few weeks or months."),
        },
        {
            "slug": "goods",
            "title": _("Goods"),
            "text": _("Beds, furniture, winter coats, blankets, baby cots, kitchen things, laptops."),
        },
        {
            "slug": "time",
            "title": _("My time and skills"),
            "text": _("Language practice, help with forms, going along to appointments, homework help."),
        },
        {
            "slug": "mentoring",
            "title": _("Mentoring in my profession"),
            "text": _("Help someone with the same profession find their way back into it here."),
        },
        {
            "slug": "work",
            "title": _("A job, internship or paid short-term work"),
            "text": _("For employers: positions newcomers can apply for."),
        },
    ]


def _frame(request: HttpRequest) -> tuple[Jurisdiction, str, dict[str, Any]]:
    return portal_frame(request)


def _private(response: HttpResponse) -> HttpResponse:
    """A page opened by her private link: kept by no cache, and its address sent to no other site."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _not_found(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return _private(render(request, "community/not_found.html", context, status=404))


def _with_city(url: str, context: dict[str, Any]) -> str:
    return url + (f"?{context['city_query']}" if context["city_query"] else "")


def start(request: HttpRequest) -> HttpResponse:
    """What would you like to offer?"""
    _jurisdiction, _language, context = _frame(request)
    return render(request, "community/start.html", {**context, "cards": _cards()})


def offer_form(request: HttpRequest, kind: str) -> HttpResponse:
    """The form of one kind: its facts, her contact details and her consent, on one page."""
    jurisdiction, language, context = _frame(request)
    if kind not in kinds.KIND_SLUGS:
        raise Http404("no such kind of offer")
    offer_kind = kinds.KIND_SLUGS[kind]
    context.update({"kind": kind, "kind_label": Offer.Kind(offer_kind).label})
    if request.method != "POST":
        form = OfferForm(
            kind=offer_kind, jurisdiction=jurisdiction, language=language, initial={"key": secrets.token_urlsafe(24)}
        )
        return render(request, "community/form.html", {**context, "form": form})
    form = OfferForm(request.POST, kind=offer_kind, jurisdiction=jurisdiction, language=language)
    if not form.is_valid():
        return render(request, "community/form.html", {**context, "form": form}, status=400)
    if not within_hourly_limit(request, "community.offer", OFFERS_PER_ADDRESS_PER_HOUR):
        return render(request, "community/busy.html", context, status=429)
    data = form.cleaned_data
    try:
        services.offer_submit(
            jurisdiction=jurisdiction,
            kind=offer_kind,
            facts=form.facts(),
            contact=services.Contact(
                name=data["name"], email=data["email"], phone=data["phone"], organisation=data["organisation"]
            ),
            language=language,
            submission=_submission(request),
        )
    except services.Invalid as exc:
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return render(request, "community/form.html", {**context, "form": form}, status=400)
    return redirect(_with_city(reverse("community:sent"), context))


def _submission(request: HttpRequest) -> uuid.UUID:
    """The page's one-time key bound to her answers: the same page sent twice is one offer, while a
    page kept open and filled in again for another offer is a new one."""
    answers = sorted((name, request.POST.getlist(name)) for name in request.POST if name != "csrfmiddlewaretoken")
    digest = hashlib.sha256(json.dumps(answers, ensure_ascii=False).encode("utf-8")).digest()
    return uuid.UUID(bytes=digest[:16])


def sent(request: HttpRequest) -> HttpResponse:
    _jurisdiction, _language, context = _frame(request)
    return render(request, "community/sent.html", {**context, "verify_days": services.VERIFY_DAYS})


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Her e-mail link: the address is hers, and the offer goes to the city's coordinators."""
    jurisdiction, _language, context = _frame(request)
    try:
        offer = services.offer_verify(jurisdiction=jurisdiction, token=token)
    except services.NotFound:
        return _not_found(request, context)
    return _private(render(request, "community/verified.html", {**context, "offer": offer}))


def lost_link(request: HttpRequest) -> HttpResponse:
    """She lost her private link: new ones go to the address she gave, and the page says the same
    whether or not that address made offers."""
    jurisdiction, language, context = _frame(request)
    form = LostLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not within_hourly_limit(request, "community.links", LINKS_PER_ADDRESS_PER_HOUR):
            return render(request, "community/busy.html", context, status=429)
        services.offer_links_send(jurisdiction=jurisdiction, email=form.cleaned_data["email"], language=language)
        return _private(render(request, "community/lost_link.html", {**context, "sent": True}))
    status = 400 if form.is_bound else 200
    return _private(render(request, "community/lost_link.html", {**context, "form": form}, status=status))


def _offer(request: HttpRequest, token: str) -> tuple[Offer | None, dict[str, Any]]:
    jurisdiction, _language, context = _frame(request)
    try:
        offer = selectors.offer_by_token(jurisdiction, token, purpose="manage")
    except services.NotFound:
        return None, context
    context.update({"offer": offer, "token": token, "city_suffix": _with_city("", context)})
    return offer, context


def manage(request: HttpRequest, token: str) -> HttpResponse:
    """Her private page: where her offer stands, what it says, and what she can do."""
    offer, context = _offer(request, token)
    if offer is None:
        return _not_found(request, context)
    language = context["language"]
    context.update(
        {
            "rows": kinds.fact_rows(offer, language, with_address=True),
            "title": kinds.describe(offer, language),
            "editable": offer.state in services.EDITABLE,
            "done": request.GET.get("done", ""),
        }
    )
    return _private(render(request, "community/manage.html", context))


def change(request: HttpRequest, token: str) -> HttpResponse:
    offer, context = _offer(request, token)
    if offer is None:
        return _not_found(request, context)
    jurisdiction, language = offer.jurisdiction, context["language"]
    manage_url = _with_city(reverse("community:manage", args=[token]), context)
    if offer.state not in services.EDITABLE:
        return redirect(manage_url)
    arguments = {"kind": offer.kind, "jurisdiction": jurisdiction, "language": language, "edit": True}
    context["title"] = kinds.describe(offer, language)
    if request.method != "POST":
        form = OfferForm(initial=OfferForm.initial_from(offer), **arguments)
        return _private(render(request, "community/change.html", {**context, "form": form}))
    form = OfferForm(request.POST, **arguments)
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.offer_update(
                offer=offer,
                facts=form.facts(),
                name=data["name"],
                phone=data["phone"],
                organisation=data["organisation"],
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            done = "review" if updated.back_to_review else ("changed" if updated.changed else "unchanged")
            return redirect(manage_url + ("&" if "?" in manage_url else "?") + f"done={done}")
    return _private(render(request, "community/change.html", {**context, "form": form}, status=400))


def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation step, then the offer leaves matching."""
    offer, context = _offer(request, token)
    if offer is None:
        return _not_found(request, context)
    manage_url = _with_city(reverse("community:manage", args=[token]), context)
    if offer.state == Offer.State.WITHDRAWN:
        return redirect(manage_url)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.offer_withdraw(offer=offer)
        return redirect(manage_url + ("&" if "?" in manage_url else "?") + "done=withdrawn")
    context.update({"form": form, "title": kinds.describe(offer, context["language"])})
    status = 400 if form.is_bound else 200
    return _private(render(request, "community/withdraw.html", context, status=status))


def erase(request: HttpRequest, token: str) -> HttpResponse:
    """She asks us to forget her: every offer of her e-mail address is withdrawn and her details wiped."""
    offer, context = _offer(request, token)
    if offer is None:
        return _not_found(request, context)
    form = EraseMineForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.offerer_erase(offerer=offer.offerer)
        return _private(render(request, "community/erased.html", context))
    context["form"] = form
    status = 400 if form.is_bound else 200
    return _private(render(request, "community/erase.html", context, status=status))
