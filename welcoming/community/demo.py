"""The demo city's community offers, from `demo/offers.yaml`.

Offers are made through the same services the public form and the coordinator's pages use, never by
writing rows: submitted, confirmed with her e-mail link, then published (or rejected, or withdrawn)
by the city's coordinator, so the demo holds what real use would, audit entries included. Each offer
has a fixed submission key, so loading twice changes nothing. Her links' tokens are derived from the
deployment's secret key: stable across loads, and unguessable without it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.models import Membership, Role, User
from welcoming.community import services
from welcoming.community.models import Offer
from welcoming.places.models import Area, Jurisdiction

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "offers.yaml"
SUBMISSIONS = uuid.UUID("5b0c6f0e-8d1e-4f4e-9a57-3c1f0d6a2e11")


def read(path: Path = DEMO_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def demo_token(key: str, purpose: str) -> str:
    """The token of a demo offer's link ("verify" or "manage")."""
    return salted_hmac("welcoming.community.demo", f"{key}:{purpose}").hexdigest()[:43]


def demo_manage_links(jurisdiction: Jurisdiction, path: Path = DEMO_FILE) -> list[tuple[str, str]]:
    """(offer, path of her private page) for a few demo offers, so the demo can show the offerer's side."""
    spec = read(path)
    if jurisdiction.code != spec["jurisdiction"]:
        return []
    shown = []
    for entry in spec["offers"][:3]:
        shown.append((entry["key"], f"/{entry['language']}/offer/manage/{demo_token(entry['key'], 'manage')}/"))
    return shown


def load_demo_offers(jurisdiction: Jurisdiction, path: Path = DEMO_FILE) -> int:
    """Makes the demo offers the file gives for `jurisdiction` that it does not have yet; returns how
    many were made (0 the second time)."""
    spec = read(path)
    if jurisdiction.code != spec["jurisdiction"]:
        return 0
    entries = [
        entry
        for entry in spec["offers"]
        if not Offer.objects.filter(jurisdiction=jurisdiction, submission=_submission(jurisdiction, entry)).exists()
    ]
    if not entries:
        return 0
    moderator = _moderator(jurisdiction)
    areas = {area.code: area for area in Area.objects.filter(jurisdiction=jurisdiction)}
    today = timezone.localdate()
    # e-mails to the fictional offerers would flood the console while loading
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        for entry in entries:
            _offer(jurisdiction, entry, moderator, areas, today)
    return len(entries)


def _submission(jurisdiction: Jurisdiction, entry: dict[str, Any]) -> uuid.UUID:
    return uuid.uuid5(SUBMISSIONS, f"{jurisdiction.code}:{entry['key']}")


def _moderator(jurisdiction: Jurisdiction) -> Actor:
    membership = (
        Membership.objects.filter(jurisdiction=jurisdiction, role=Role.COORDINATOR).select_related("user").first()
    )
    user = membership.user if membership else User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise ValueError(f"the demo offers of {jurisdiction.code} need the city's coordinator: load the staff first")
    return actor_for(user, jurisdiction, via="command")


def _facts(entry: dict[str, Any], areas: dict[str, Area], today: dt.date) -> dict[str, Any]:
    facts = dict(entry["facts"])
    if "area" in facts:
        facts["area"] = areas.get(facts["area"])
    for name, field in (("from_days", "available_from"), ("until_days", "available_until")):
        if name in facts:
            facts[field] = today + dt.timedelta(days=facts.pop(name))
    if "household" in entry:
        facts["host_household"] = entry["household"]
    if entry.get("description"):
        facts["description"] = entry["description"]
    if "rent_monthly" in facts:
        facts["rent_monthly"] = Decimal(str(facts["rent_monthly"]))
    return facts


def _offer(
    jurisdiction: Jurisdiction, entry: dict[str, Any], moderator: Actor, areas: dict[str, Area], today: dt.date
) -> Offer:
    key = entry["key"]
    offer = services.offer_submit(
        jurisdiction=jurisdiction,
        kind=entry["kind"],
        facts=_facts(entry, areas, today),
        contact=services.Contact(**entry["contact"]),
        language=entry["language"],
        submission=_submission(jurisdiction, entry),
    )
    Offer.objects.filter(pk=offer.pk).update(
        verify_token_hash=services.token_hash(demo_token(key, "verify")),
        manage_token_hash=services.token_hash(demo_token(key, "manage")),
    )
    state = entry.get("state", Offer.State.PUBLISHED)
    if state == Offer.State.UNVERIFIED:
        return offer
    offer = services.offer_verify(jurisdiction=jurisdiction, token=demo_token(key, "verify"))
    if state == Offer.State.PENDING:
        return offer
    if state == Offer.State.REJECTED:
        return services.offer_reject(actor=moderator, offer=offer, reason=entry["reason"])
    offer = services.offer_publish(actor=moderator, offer=offer)
    if state == Offer.State.WITHDRAWN:
        offer = services.offer_withdraw(offer=offer)
    return offer
