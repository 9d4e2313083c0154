"""Reading offers for the city's staff, scoped by the acting user, in the style of `cases.selectors`.

Who sees what:
- the platform admin and the city's coordinators (who moderate) see every offer of the jurisdiction,
  in every state, and the offerer's contact details and the address of a home, each reading audited;
- agency managers, caseworkers and volunteer coordinators see the published offers (and those fully
  taken), to know what their clients may be offered, but never who offers them nor where a home is;
- analysts see no offer at all (they never see a person, and an offer names one).
An offer outside the actor's scope is `NotFound`, exactly like an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit
from welcoming.accounts.models import AuditEntry, Role
from welcoming.cases.selectors import NotFound
from welcoming.community.models import Offer
from welcoming.lib.crypto import keyring
from welcoming.places.models import Jurisdiction

VIEWER_ROLES = frozenset({Role.MANAGER, Role.CASEWORKER, Role.VOLUNTEER_COORDINATOR})
# what those who do not moderate may see: offers the city stands behind
SEEN_BY_VIEWERS = (Offer.State.PUBLISHED, Offer.State.TAKEN)


def email_index(email: str) -> str:
    """The blind index an offerer is found by: her e-mail address without case or surrounding space."""
    return keyring().blind_index(email.strip().casefold(), "offerer-email")


def can_moderate(actor: Actor) -> bool:
    return actor.sees_whole_jurisdiction


def can_view(actor: Actor) -> bool:
    return can_moderate(actor) or bool(actor.roles & VIEWER_ROLES)


def offers_in_scope(actor: Actor) -> QuerySet[Offer]:
    base = Offer.objects.filter(jurisdiction=actor.jurisdiction)
    if can_moderate(actor):
        return base
    if can_view(actor):
        return base.filter(state__in=SEEN_BY_VIEWERS)
    return base.none()


def offer_queue(actor: Actor, *, kind: str = "", state: str = "") -> QuerySet[Offer]:
    """The offers in scope, filtered; those waiting for review first, the longest waiting first, then
    the others, the most recently changed first."""
    offers = offers_in_scope(actor).select_related("area", "jurisdiction")
    if kind:
        offers = offers.filter(kind=kind)
    if state:
        offers = offers.filter(state=state)
    return offers.annotate(
        queue=Case(When(state=Offer.State.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("queue", F("verified_at").asc(nulls_last=True), "-updated_at", "pk")


def state_counts(actor: Actor, *, kind: str = "") -> dict[str, int]:
    """How many offers in scope are in each state (of the kind, when given), zeros included."""
    offers = offers_in_scope(actor)
    if kind:
        offers = offers.filter(kind=kind)
    found = dict(offers.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    states = Offer.State.values if can_moderate(actor) else list(SEEN_BY_VIEWERS)
    return {state: found.get(state, 0) for state in states}


def offer_for(actor: Actor, offer_id: uuid.UUID) -> Offer:
    offer = offers_in_scope(actor).select_related("area", "jurisdiction", "offerer", "moderated_by").filter(pk=offer_id)
    found = offer.first()
    if found is None:
        raise NotFound
    return found


@dataclass(frozen=True)
class ContactDetails:
    name: str
    email: str
    phone: str
    organisation: str
    language: str
    address: str
    erased: bool


def offer_contact(actor: Actor, offer: Offer, *, purpose: str = "offer moderation") -> ContactDetails | None:
    """Who offers it and where the home is, for the coordinators alone (None for anyone else). Each
    reading is written in the audit log."""
    if not can_moderate(actor) or offer.jurisdiction_id != actor.jurisdiction.pk:
        return None
    offerer = offer.offerer
    if not offerer.email:  # erased at her request: nothing left to reveal
        return ContactDetails(name="", email="", phone="", organisation="", language="", address="", erased=True)
    fields = ["name", "email", "phone", "organisation"]
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="community.offerer",
        record_id=offerer.pk,
        fields=fields,
        purpose=purpose,
    )
    if offer.address:
        audit(
            actor,
            AuditEntry.Action.READ,
            record_type="community.offer",
            record_id=offer.pk,
            fields=["address"],
            purpose=purpose,
        )
    return ContactDetails(
        name=offerer.name,
        email=offerer.email,
        phone=offerer.phone,
        organisation=offerer.organisation,
        language=offerer.language,
        address=offer.address,
        erased=not offerer.email,
    )


def other_offers(actor: Actor, offer: Offer) -> QuerySet[Offer]:
    """Her other offers in this city (made with the same e-mail address), for the coordinators."""
    if not can_moderate(actor) or not offer.offerer.email_index:
        return Offer.objects.none()
    return (
        offers_in_scope(actor)
        .filter(offerer__email_index=offer.offerer.email_index)
        .exclude(pk=offer.pk)
        .select_related("area", "jurisdiction")
        .order_by("-created_at")
    )


def building_issues(actor: Actor, offer: Offer) -> list[object]:
    """The open issues of the offer's building in the city's safety register, for the coordinators
    reviewing it (the building is found by its blind index; the address itself is never compared)."""
    if not can_moderate(actor) or not offer.building_index:
        return []
    from welcoming.matching.models import BuildingIssue

    return list(
        BuildingIssue.objects.filter(
            jurisdiction=actor.jurisdiction, building_index=offer.building_index, closed_on__isnull=True
        ).order_by("opened_on")
    )


# --- her own offer, through her private links ---------------------------------------------------------

# how long the link that confirms her e-mail address works
VERIFY_DAYS = 14


def token_hash(token: str) -> str:
    """What is kept of a link's token: its SHA-256, so a copy of the database opens no offer."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def offer_by_token(jurisdiction: Jurisdiction, token: str, *, purpose: str) -> Offer:
    """The offer her link opens (`purpose` "verify" or "manage"), or NotFound: a wrong token, one of
    another city, an expired confirmation link and an erased offer all look the same."""
    if not token or len(token) > 100:
        raise NotFound
    column = "verify_token_hash" if purpose == "verify" else "manage_token_hash"
    offer = (
        Offer.objects.select_related("offerer", "area", "jurisdiction")
        .filter(jurisdiction=jurisdiction, **{column: token_hash(token)})
        .first()
    )
    if offer is None:
        raise NotFound
    expired = offer.created_at < timezone.now() - dt.timedelta(days=VERIFY_DAYS)
    if purpose == "verify" and offer.state == Offer.State.UNVERIFIED and expired:
        raise NotFound
    return offer
