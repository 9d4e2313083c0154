"""Writes of community offers: made on the public form, confirmed by e-mail, moderated by the city,
changed, withdrawn or erased through her private link.

An offer moves: unverified -> (her e-mail link) pending -> (a coordinator) published | rejected; a
change to what a published (or rejected) offer gives sends it back to pending; she may withdraw it
at any time, and a withdrawn offer leaves matching at once (only published offers are matched). What
is already allocated stays allocated.

Her links carry random tokens; only their SHA-256 is kept, so a copy of the database opens no offer.
E-mails go out after the transaction commits, in the language she wrote in, and never carry more
personal data than she gave us herself.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit
from welcoming.accounts.models import AuditEntry
from welcoming.cases.selectors import NotFound
from welcoming.cases.services import NotAllowed
from welcoming.community import kinds
from welcoming.community.models import Offer, Offerer
from welcoming.community.selectors import VERIFY_DAYS, can_moderate, email_index, offer_by_token, token_hash
from welcoming.lib.addresses import building_index
from welcoming.places.models import Area, Jurisdiction

__all__ = [
    "VERIFY_DAYS",
    "Contact",
    "Invalid",
    "NotAllowed",
    "NotFound",
    "offer_publish",
    "offer_reject",
    "offer_submit",
    "offer_update",
    "offer_verify",
    "offer_withdraw",
    "offerer_erase",
    "token_hash",
]

# offers waiting for the confirmation of one e-mail address within a day: enough for a family or a
# parish giving several things at once, too few to flood someone's inbox with our e-mails
UNVERIFIED_PER_EMAIL_PER_DAY = 8
LONGEST_REASON = 1000

EDITABLE = (Offer.State.UNVERIFIED, Offer.State.PENDING, Offer.State.PUBLISHED, Offer.State.REJECTED)
LIVE = (Offer.State.UNVERIFIED, Offer.State.PENDING, Offer.State.PUBLISHED, Offer.State.REJECTED, Offer.State.TAKEN)
CONTACT_FIELDS = ("name", "email", "phone", "organisation")


class Invalid(Exception):
    """The answers do not make an offer: what is wrong, per field, in words she can act on."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        self.errors = {field: str(message) for field, message in errors.items()}
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str = ""
    organisation: str = ""

    def cleaned(self) -> Contact:
        contact = Contact(
            name=" ".join(self.name.split()),
            email=self.email.strip(),
            phone=" ".join(self.phone.split()),
            organisation=" ".join(self.organisation.split()),
        )
        errors: dict[str, Any] = {}
        if not contact.name or len(contact.name) > 100:
            errors["name"] = translation.gettext("Write your name.")
        try:
            validate_email(contact.email)
        except ValidationError:
            errors["email"] = translation.gettext("Write your e-mail address, for example maria@example.org.")
        if len(contact.phone) > 30:
            errors["phone"] = translation.gettext("This phone number is too long.")
        if len(contact.organisation) > 200:
            errors["organisation"] = translation.gettext("Please write at most %(count)d characters.") % {"count": 200}
        if errors:
            raise Invalid(errors)
        return contact


def _locked(pk: uuid.UUID) -> Offer:
    """The offer, locked for the rest of the transaction (only its own row: PostgreSQL cannot lock the
    nullable side of the outer join to its area)."""
    return Offer.objects.select_for_update(of=("self",)).select_related("offerer", "area", "jurisdiction").get(pk=pk)


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _has_areas(jurisdiction: Jurisdiction) -> bool:
    return Area.objects.filter(jurisdiction=jurisdiction).exists()


def _check(jurisdiction: Jurisdiction, kind: str, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The kind's facts, complete (what the kind does not ask at its default), or Invalid."""
    found = kinds.problems(kind, facts, has_areas=_has_areas(jurisdiction))
    area = facts.get("area")
    if area is not None and (not isinstance(area, Area) or area.jurisdiction_id != jurisdiction.pk):
        found["area"] = kinds.MISSING["area"]
    if found:
        raise Invalid(found)
    complete = dict(kinds.DEFAULTS)
    complete.update({field: facts[field] for field in kinds.KIND_FIELDS[kind] if field in facts})
    for field in ("address", "host_household", "description", "profession"):
        complete[field] = (complete[field] or "").strip()
    if kind == Offer.Kind.JOB and complete["job_type"] != Offer.JobType.INTERNSHIP:
        complete["paid"] = True  # jobs and short-term work are paid (kinds.problems refused "no")
    if kind in (Offer.Kind.HOUSING, Offer.Kind.HOST_ROOM):
        complete["capacity"] = 1  # one household
    return complete


def _apply(offer: Offer, facts: Mapping[str, Any]) -> list[str]:
    """Sets the facts on the offer; returns the names of those that changed."""
    changed = []
    for field, value in facts.items():
        current = offer.area if field == "area" else getattr(offer, field)
        if current != value:
            setattr(offer, field, value)
            changed.append(field)
    if "address" in changed:
        offer.building_index = building_index(offer.address)
    offer.title = kinds.describe(offer, offer.text_language)[:200]
    return changed


def _public_audit(action: str, offer: Offer, fields: list[str], purpose: str) -> None:
    """What she did herself, through the public pages: no user, via "portal"."""
    AuditEntry.objects.create(
        action=action,
        record_type="community.offer",
        record_id=str(offer.pk),
        fields=fields,
        purpose=purpose,
        via="portal",
    )


def _link(name: str, token: str | None, language: str, jurisdiction: Jurisdiction) -> str:
    with translation.override(language):
        path = reverse(f"community:{name}", args=[token] if token else [])
    query = "" if jurisdiction.code == settings.WELCOMING_DEFAULT_JURISDICTION else f"?jurisdiction={jurisdiction.code}"
    return f"{settings.WELCOMING_BASE_URL}{path}{query}"


def _mail(offerer: Offerer, template: str, context: dict[str, Any]) -> None:
    """An e-mail to her, in her language, once the transaction has committed."""
    language = kinds.known_language(offerer.language)
    with translation.override(language):
        subject = " ".join(render_to_string(f"community/email/{template}_subject.txt", context).split())
        body = render_to_string(f"community/email/{template}.txt", context)
    recipient = offerer.email
    if not recipient:
        return
    transaction.on_commit(lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[recipient]))


def _mail_context(offer: Offer) -> dict[str, Any]:
    language = kinds.known_language(offer.offerer.language)
    return {
        "name": offer.offerer.name,
        "offer": kinds.describe(offer, language),
        "city": offer.jurisdiction.localized("name", language).text,
        "verify_days": VERIFY_DAYS,
        "lost_link": _link("lost-link", None, offer.offerer.language, offer.jurisdiction),
    }


# --- her own steps, through the public pages --------------------------------------------------------


@transaction.atomic
def offer_submit(
    *,
    jurisdiction: Jurisdiction,
    kind: str,
    facts: Mapping[str, Any],
    contact: Contact,
    language: str,
    submission: uuid.UUID | None = None,
) -> Offer:
    """Her offer as she sent it: unverified, until she follows the link e-mailed to her. The same
    submission sent twice (a double tap, a resend on a bad connection) is one offer and one e-mail."""
    if submission is not None:
        earlier = Offer.objects.filter(jurisdiction=jurisdiction, submission=submission).first()
        if earlier is not None:
            return earlier
    language = kinds.known_language(language)
    errors: dict[str, Any] = {}
    try:
        complete = _check(jurisdiction, kind, facts)
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        contact = contact.cleaned()
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    now = timezone.now()
    index = email_index(contact.email)
    waiting = Offer.objects.filter(
        jurisdiction=jurisdiction,
        offerer__email_index=index,
        state=Offer.State.UNVERIFIED,
        created_at__gte=now - dt.timedelta(days=1),
    ).count()
    if waiting >= UNVERIFIED_PER_EMAIL_PER_DAY:
        raise Invalid(
            {
                "email": translation.gettext(
                    "Several offers from this e-mail address are waiting to be confirmed. Please open the "
                    "links in the e-mails we sent you first, or try again tomorrow."
                )
            }
        )
    offerer = _offerer(jurisdiction, contact, index, language, now)
    verify_token, verify_hash = _new_token()
    manage_token, manage_hash = _new_token()
    offer = Offer(
        jurisdiction=jurisdiction,
        offerer=offerer,
        kind=kind,
        state=Offer.State.UNVERIFIED,
        text_language=language,
        submission=submission,
        verify_token_hash=verify_hash,
        manage_token_hash=manage_hash,
    )
    changed = _apply(offer, complete)
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        # two taps raced: the other one saved first, and its offer is hers
        earlier = Offer.objects.filter(jurisdiction=jurisdiction, submission=submission).first()
        if submission is None or earlier is None:
            raise
        return earlier
    _public_audit(AuditEntry.Action.CREATE, offer, [*CONTACT_FIELDS, *changed], "offer submitted")
    _mail(
        offerer,
        "verify",
        {
            **_mail_context(offer),
            "verify_link": _link("verify", verify_token, language, jurisdiction),
            "manage_link": _link("manage", manage_token, language, jurisdiction),
        },
    )
    return offer


def _offerer(jurisdiction: Jurisdiction, contact: Contact, index: str, language: str, now: dt.datetime) -> Offerer:
    """Her earlier record when it says exactly what she says now; else a new one. A stranger who
    knows her e-mail address can never change what we hold about her."""
    for earlier in Offerer.objects.filter(jurisdiction=jurisdiction, email_index=index).order_by("created_at"):
        same = (earlier.name, earlier.email, earlier.phone, earlier.organisation) == (
            contact.name,
            contact.email,
            contact.phone,
            contact.organisation,
        )
        if same and earlier.language == language:
            return earlier
    return Offerer.objects.create(
        jurisdiction=jurisdiction,
        name=contact.name,
        email=contact.email,
        email_index=index,
        phone=contact.phone,
        organisation=contact.organisation,
        language=language,
        consent_at=now,
    )


@transaction.atomic
def offer_verify(*, jurisdiction: Jurisdiction, token: str) -> Offer:
    """She followed the link in our e-mail: her address is hers, and the offer waits for review.
    Following it again changes nothing."""
    found = offer_by_token(jurisdiction, token, purpose="verify")
    offer = _locked(found.pk)
    if offer.state != Offer.State.UNVERIFIED:
        return offer
    offer.state = Offer.State.PENDING
    offer.verified_at = timezone.now()
    offer.save(update_fields=["state", "verified_at", "updated_at"])
    _public_audit(AuditEntry.Action.UPDATE, offer, ["state"], "e-mail address confirmed")
    return offer


@transaction.atomic
def offer_links_send(*, jurisdiction: Jurisdiction, email: str, language: str) -> int:
    """She lost her private link: every offer made with this e-mail address, but withdrawn ones, gets a
    new link, sent to that address (never shown on the page), and the old links stop working. Returns
    how many offers were sent; the page says the same whatever the answer, so nobody learns from it
    whether an address made offers."""
    offers = list(
        Offer.objects.select_for_update(of=("self",))
        .select_related("offerer", "jurisdiction")
        .filter(jurisdiction=jurisdiction, offerer__email_index=email_index(email))
        .exclude(state=Offer.State.WITHDRAWN)
        .order_by("created_at")
    )
    if not offers:
        return 0
    links = []
    for offer in offers:
        token, offer.manage_token_hash = _new_token()
        offer.save(update_fields=["manage_token_hash", "updated_at"])
        _public_audit(AuditEntry.Action.UPDATE, offer, ["manage_token_hash"], "private link sent again")
        described = kinds.describe(offer, kinds.known_language(offer.offerer.language))
        links.append({"offer": described, "link": _link("manage", token, offer.offerer.language, jurisdiction)})
    first = offers[0].offerer
    city = jurisdiction.localized("name", kinds.known_language(first.language)).text
    _mail(first, "links", {"name": first.name, "city": city, "links": links})
    return len(offers)


@dataclass(frozen=True)
class Updated:
    offer: Offer
    changed: list[str]
    back_to_review: bool


@transaction.atomic
def offer_update(
    *, offer: Offer, facts: Mapping[str, Any], name: str, phone: str = "", organisation: str = ""
) -> Updated:
    """She changes her offer through her private link. A change to what a published offer gives
    sends it back to the coordinators before it is matched again; so does a change to a rejected
    one (she sends it again). Her e-mail address is not changed here: it is how she is reached."""
    offer = _locked(offer.pk)
    if offer.state not in EDITABLE:
        raise Invalid({"state": translation.gettext("This offer can no longer be changed.")})
    errors: dict[str, Any] = {}
    try:
        complete = _check(offer.jurisdiction, offer.kind, facts)
    except Invalid as exc:
        errors.update(exc.errors)
        complete = {}
    try:
        contact = Contact(name=name, email=offer.offerer.email, phone=phone, organisation=organisation).cleaned()
    except Invalid as exc:
        errors.update(exc.errors)
    if complete and complete["capacity"] < offer.allocated:
        errors["capacity"] = translation.gettext(
            "%(count)d have already been given: you cannot offer fewer than that."
        ) % {"count": offer.allocated}
    if errors:
        raise Invalid(errors)
    changed = _apply(offer, complete)
    back_to_review = bool(changed) and offer.state in (Offer.State.PUBLISHED, Offer.State.REJECTED)
    if back_to_review:
        offer.state = Offer.State.PENDING
        changed.append("state")
    offer.save()
    offerer = offer.offerer
    contact_changed = [
        field
        for field, value in (("name", contact.name), ("phone", contact.phone), ("organisation", contact.organisation))
        if getattr(offerer, field) != value
    ]
    for field in contact_changed:
        setattr(offerer, field, getattr(contact, field))
    if contact_changed:
        offerer.save(update_fields=contact_changed)
    if changed or contact_changed:
        _public_audit(AuditEntry.Action.UPDATE, offer, [*contact_changed, *changed], "changed by the offerer")
    return Updated(offer=offer, changed=[*contact_changed, *changed], back_to_review=back_to_review)


@transaction.atomic
def offer_withdraw(*, offer: Offer) -> Offer:
    """She withdraws her offer: it leaves matching at once. What is already given stays given."""
    offer = _locked(offer.pk)
    if offer.state == Offer.State.WITHDRAWN:
        return offer
    offer.state = Offer.State.WITHDRAWN
    offer.withdrawn_at = timezone.now()
    offer.save(update_fields=["state", "withdrawn_at", "updated_at"])
    _public_audit(AuditEntry.Action.UPDATE, offer, ["state"], "withdrawn by the offerer")
    return offer


# --- the city's side ----------------------------------------------------------------------------------


def _moderator(actor: Actor, offer: Offer) -> Offer:
    if offer.jurisdiction_id != actor.jurisdiction.pk:
        raise NotFound
    if not can_moderate(actor):
        raise NotAllowed(translation.gettext("Offers are reviewed by the city's coordinators."))
    return _locked(offer.pk)


@transaction.atomic
def offer_publish(*, actor: Actor, offer: Offer) -> Offer:
    """A coordinator publishes an offer that waits for review (or one rejected before): it is
    matched from now on, and she is told so."""
    offer = _moderator(actor, offer)
    if offer.state not in (Offer.State.PENDING, Offer.State.REJECTED):
        raise Invalid({"state": translation.gettext("Only an offer waiting for review can be published.")})
    offer.state = Offer.State.PUBLISHED
    offer.moderated_by = actor.user
    offer.moderated_at = timezone.now()
    offer.moderation_note = ""
    offer.save(update_fields=["state", "moderated_by", "moderated_at", "moderation_note", "updated_at"])
    audit(
        actor,
        AuditEntry.Action.UPDATE,
        record_type="community.offer",
        record_id=offer.pk,
        fields=["state"],
        purpose="offer published",
    )
    _mail(offer.offerer, "published", _mail_context(offer))
    return offer


@transaction.atomic
def offer_reject(*, actor: Actor, offer: Offer, reason: str) -> Offer:
    """A coordinator does not accept an offer (waiting, or published and found wrong), with a reason
    she is sent in an e-mail in her language. She may change the offer and send it again."""
    offer = _moderator(actor, offer)
    reason = reason.strip()
    if not reason:
        raise Invalid({"reason": translation.gettext("Write the reason: she will read it in the e-mail we send her.")})
    if len(reason) > LONGEST_REASON:
        raise Invalid(
            {"reason": translation.gettext("Please write at most %(count)d characters.") % {"count": LONGEST_REASON}}
        )
    if offer.state not in (Offer.State.PENDING, Offer.State.PUBLISHED):
        raise Invalid({"state": translation.gettext("Only an offer waiting for review or published can be rejected.")})
    offer.state = Offer.State.REJECTED
    offer.moderated_by = actor.user
    offer.moderated_at = timezone.now()
    offer.moderation_note = reason
    offer.save(update_fields=["state", "moderated_by", "moderated_at", "moderation_note", "updated_at"])
    audit(
        actor,
        AuditEntry.Action.UPDATE,
        record_type="community.offer",
        record_id=offer.pk,
        fields=["state", "moderation_note"],
        purpose="offer rejected",
    )
    _mail(offer.offerer, "rejected", {**_mail_context(offer), "reason": reason})
    return offer


@transaction.atomic
def offerer_erase(*, offerer: Offerer, actor: Actor | None = None) -> int:
    """Erases her: every offer made with her e-mail address in this city is withdrawn, and her name,
    e-mail, phone, organisation, the addresses of homes, what she wrote and her links are wiped. What
    stays says nothing about who she was: the kinds, areas and sizes of the offers, their states and
    what was allocated (allocations are history and are never undone). Returns the offers touched.

    By her own private link (no actor) or by the city's coordinator on her request (an actor)."""
    if actor is not None:
        if offerer.jurisdiction_id != actor.jurisdiction.pk:
            raise NotFound
        if not can_moderate(actor):
            raise NotAllowed(translation.gettext("Erasure is done by the city's coordinators."))
    same = Offerer.objects.filter(pk=offerer.pk)
    if offerer.email_index:
        same = Offerer.objects.filter(jurisdiction_id=offerer.jurisdiction_id, email_index=offerer.email_index)
    offerers = list(same.select_for_update())
    offers = list(Offer.objects.select_for_update().filter(offerer__in=offerers))
    now = timezone.now()
    for offer in offers:
        if offer.state in LIVE:
            offer.state = Offer.State.WITHDRAWN
            offer.withdrawn_at = now
        offer.address = ""
        offer.building_index = ""
        offer.description = ""
        offer.host_household = ""
        offer.moderation_note = ""
        offer.verify_token_hash = ""
        offer.manage_token_hash = ""
        offer.save()
    for person in offerers:
        person.name = person.email = person.email_index = person.phone = person.organisation = ""
        person.save()
    fields = [*CONTACT_FIELDS, "address", "description", "host_household"]
    if actor is None:
        for offer in offers:
            _public_audit(AuditEntry.Action.ERASE, offer, fields, "erased at her request, by her private link")
    else:
        for person in offerers:
            audit(
                actor,
                AuditEntry.Action.ERASE,
                record_type="community.offerer",
                record_id=person.pk,
                fields=fields,
                purpose="erased at her request",
            )
    return len(offers)


@transaction.atomic
def offers_purge_unconfirmed(*, now: dt.datetime | None = None, apply: bool = False) -> int:
    """Offers whose e-mail address was never confirmed within the link's `VERIFY_DAYS` are deleted
    with what they hold, and so is an offerer left with no offer: we keep no one's details on the
    word of a form nobody confirmed. Counts them only, unless `apply`."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=VERIFY_DAYS)
    stale = Offer.objects.filter(state=Offer.State.UNVERIFIED, created_at__lt=cutoff)
    count = stale.count()
    if not apply or not count:
        return count
    offerers = set(stale.values_list("offerer_id", flat=True))
    for offer in stale.select_for_update():
        AuditEntry.objects.create(
            action=AuditEntry.Action.DELETE,
            record_type="community.offer",
            record_id=str(offer.pk),
            fields=[*CONTACT_FIELDS, "address", "description", "host_household"],
            purpose=f"e-mail address not confirmed within {VERIFY_DAYS} days",
            via="command",
        )
    stale.delete()
    Offerer.objects.filter(pk__in=offerers, offers__isnull=True).delete()
    return count
