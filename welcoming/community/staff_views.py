"""The staff pages of offers under /staff/offers/: the moderation queue and one page per offer.

The city's coordinators (and the platform admin) review every offer, see who offers it (each view
of her contact details audited), publish or reject it, and erase an offerer on her request. Agency
staff see the published offers without who offers them or where a home is; analysts see none.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welcoming.accounts.staff import StaffRequest, staff_view
from welcoming.community import kinds, selectors, services
from welcoming.community.forms import QueueFilter, RejectForm, StaffEraseForm
from welcoming.community.models import Offer
from welcoming.lib.i18n import normalise_language
from welcoming.triage.wording import language_name

PAGE_SIZE = 50
# a pending offer waiting longer than this is marked: residents who offer lose heart when nobody answers
LATE_DAYS = 3


def _may_view(request: StaffRequest) -> None:
    if not selectors.can_view(request.actor):
        raise services.NotAllowed(_("Your role does not see community offers."))


def _language() -> str:
    return normalise_language(get_language()) or "en"


@staff_view
def offers(request: StaffRequest) -> HttpResponse:
    actor = request.actor
    _may_view(request)
    form = QueueFilter(request.GET or None)
    kind = state = ""
    number = 1
    if form.is_valid():
        kind, state = form.cleaned_data["kind"], form.cleaned_data["state"]
        number = form.cleaned_data["page"] or 1
    page = Paginator(selectors.offer_queue(actor, kind=kind, state=state), PAGE_SIZE).get_page(number)
    language = _language()
    now = timezone.now()
    rows = [
        {
            "offer": offer,
            "title": kinds.describe(offer, language),
            "area": kinds.area_name(offer, language),
            "waiting_days": (now - offer.verified_at).days
            if offer.state == Offer.State.PENDING and offer.verified_at
            else None,
        }
        for offer in page
    ]
    counts = selectors.state_counts(actor, kind=kind)
    query = {key: value for key, value in (("kind", kind), ("state", state)) if value}
    return render(
        request,
        "community/staff/offers.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "counts": [(value, Offer.State(value).label, counts[value]) for value in counts],
            "chosen_kind": kind,
            "chosen_state": state,
            "query": "&".join(f"{key}={value}" for key, value in query.items()),
            "moderates": selectors.can_moderate(actor),
            "late_days": LATE_DAYS,
        },
    )


def _offer_page(request: StaffRequest, offer: Offer, **extra: Any) -> dict[str, Any]:
    actor = request.actor
    language = _language()
    contact = selectors.offer_contact(actor, offer)
    return {
        "offer": offer,
        "title": kinds.describe(offer, language),
        "rows": kinds.fact_rows(offer, language, with_address=False),
        "contact": contact,
        "contact_language": language_name(contact.language, language) if contact else "",
        "moderates": selectors.can_moderate(actor),
        "issues": selectors.building_issues(actor, offer),
        "others": [
            {"offer": other, "title": kinds.describe(other, language)} for other in selectors.other_offers(actor, offer)
        ],
        "can_publish": offer.state in (Offer.State.PENDING, Offer.State.REJECTED),
        "can_reject": offer.state in (Offer.State.PENDING, Offer.State.PUBLISHED),
        "reject_form": extra.pop("reject_form", None) or RejectForm(),
        **extra,
    }


@staff_view
def offer(request: StaffRequest, offer_id: uuid.UUID) -> HttpResponse:
    _may_view(request)
    found = selectors.offer_for(request.actor, offer_id)
    return render(request, "community/staff/offer.html", _offer_page(request, found))


@staff_view
@require_POST
def offer_publish(request: StaffRequest, offer_id: uuid.UUID) -> HttpResponse:
    _may_view(request)
    found = selectors.offer_for(request.actor, offer_id)
    try:
        services.offer_publish(actor=request.actor, offer=found)
    except services.Invalid as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, _("The offer is published and will be matched. She is told by e-mail."))
    return redirect("staff:offer", offer_id=found.pk)


@staff_view
def offer_reject(request: StaffRequest, offer_id: uuid.UUID) -> HttpResponse:
    _may_view(request)
    actor = request.actor
    found = selectors.offer_for(actor, offer_id)
    if not selectors.can_moderate(actor):
        raise services.NotAllowed(_("Offers are reviewed by the city's coordinators."))
    if request.method != "POST":
        return redirect("staff:offer", offer_id=found.pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.offer_reject(actor=actor, offer=found, reason=form.cleaned_data["reason"])
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The offer is not accepted. She is sent your reason by e-mail."))
            return redirect("staff:offer", offer_id=found.pk)
    return render(request, "community/staff/offer.html", _offer_page(request, found, reject_form=form), status=400)


@staff_view
def offer_erase(request: StaffRequest, offer_id: uuid.UUID) -> HttpResponse:
    """On her request: every offer made with her e-mail address withdrawn, her details wiped."""
    _may_view(request)
    actor = request.actor
    found = selectors.offer_for(actor, offer_id)
    if not selectors.can_moderate(actor):
        raise services.NotAllowed(_("Erasure is done by the city's coordinators."))
    form = StaffEraseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        count = services.offerer_erase(offerer=found.offerer, actor=actor)
        messages.success(
            request,
            ngettext(
                "Her details are erased; %(count)d offer is kept without them.",
                "Her details are erased; %(count)d offers are kept without them.",
                count,
            )
            % {"count": count},
        )
        return redirect("staff:offers")
    return render(
        request,
        "community/staff/erase.html",
        {"offer": found, "title": kinds.describe(found, _language()), "form": form},
        status=400 if form.is_bound else 200,
    )
