"""Reading clients and referrals, scoped to what the acting user may see, in the style of Primero.

Scopes: a coordinator (and the platform admin) sees the whole jurisdiction; an agency manager the
agency's clients; a caseworker her own; and every agency member the clients referred to the agency
(while the referral is live and her consent to share with that agency stands), but only the parts
the referral shares. Analysts and volunteer coordinators see no person. Anything outside the scope
is `NotFound`, exactly like an id that does not exist. Every read of a person writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit, audit_many
from welcoming.accounts.models import AuditEntry, Role
from welcoming.cases import codes, dedupe
from welcoming.cases.models import Client, Consent, NameKey, Note, Referral, Task
from welcoming.lib import names
from welcoming.lib.crypto import keyring


class NotFound(Exception):
    """Not there, or not for this user: the two are never told apart."""


# while a referral is in one of these states, the receiving agency may read what it shares
RECEIVER_READS = (
    Referral.State.SENT,
    Referral.State.ACCEPTED,
    Referral.State.IN_PROGRESS,
    Referral.State.COMPLETED,
    Referral.State.UNRESOLVED,
)
LIVE = (Client.State.PENDING, Client.State.ACTIVE)

# the client's fields in each part a referral can share
GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("given_name", "family_name", "given_name_latin", "family_name_latin"),
    "contact": ("phone", "email", "preferred_channel"),
    "languages": ("languages", "interpreter_needed"),
    "household": ("household", "relationship"),
    "needs": ("assessments",),
    "birth": ("birth_date", "birth_year"),
}
FULL_ONLY = ("gender", "area", "notes", "tasks", "consents", "referrals", "documents")
ALL_GROUPS = frozenset(GROUP_FIELDS)


def _sharing_consent() -> Exists:
    return Exists(
        Consent.objects.filter(
            client=OuterRef("client"),
            purpose=Consent.Purpose.SHARING,
            agency=OuterRef("to_agency"),
            withdrawn_at__isnull=True,
        )
    )


def referrals_received(actor: Actor) -> QuerySet[Referral]:
    """Referrals to the actor's agencies that the agency may act on and read."""
    if not actor.agency_ids or not (actor.roles & {Role.MANAGER, Role.CASEWORKER}):
        return Referral.objects.none()
    return Referral.objects.filter(
        to_agency_id__in=actor.agency_ids,
        client__jurisdiction=actor.jurisdiction,
        client__state__in=LIVE,
    ).exclude(state__in=[Referral.State.DRAFT, Referral.State.WITHDRAWN])


def _full_scope(actor: Actor) -> Q | None:
    """The clients this actor may read in full, or None for none."""
    if actor.sees_whole_jurisdiction:
        return Q()
    parts: list[Q] = []
    managed = [agency for agency in actor.agency_ids if actor.manages(agency)]
    if managed:
        parts.append(Q(agency_id__in=managed))
    if Role.CASEWORKER in actor.roles:
        parts.append(Q(caseworker_id=actor.user.pk, agency_id__in=actor.agency_ids))
    if not parts:
        return None
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


def clients_in_scope(actor: Actor) -> QuerySet[Client]:
    """Every live client the actor may see at all, fully or through a referral. Pending
    self-registrations only for the whole-jurisdiction scope (others find them by reference)."""
    base = Client.objects.filter(jurisdiction=actor.jurisdiction, state__in=LIVE)
    if actor.sees_whole_jurisdiction:
        return base
    if not actor.works_with_clients:
        return base.none()
    full = _full_scope(actor)
    referred = referrals_received(actor).filter(state__in=RECEIVER_READS).filter(_sharing_consent())
    scope = Q(pk__in=referred.values("client_id"))
    if full is not None:
        scope = full | scope
    return base.filter(scope, state=Client.State.ACTIVE)


@dataclass(frozen=True)
class ClientAccess:
    client: Client
    full: bool
    shared: frozenset[str]

    def can_see(self, part: str) -> bool:
        return self.full or part in self.shared

    @property
    def fields(self) -> list[str]:
        if self.full:
            return [f for group in GROUP_FIELDS.values() for f in group] + list(FULL_ONLY)
        return [f for group in sorted(self.shared) for f in GROUP_FIELDS[group]]


def access_to(actor: Actor, client: Client) -> ClientAccess:
    """What of `client` the actor may read; NotFound when nothing."""
    full = _full_scope(actor)
    if full is not None and Client.objects.filter(full, pk=client.pk, jurisdiction=actor.jurisdiction).exists():
        return ClientAccess(client=client, full=True, shared=ALL_GROUPS)
    rows = list(
        referrals_received(actor)
        .filter(client=client, state__in=RECEIVER_READS)
        .filter(_sharing_consent())
        .values_list("shared", flat=True)
    )
    if not rows:
        raise NotFound
    shared = {part for parts in rows for part in parts if part in GROUP_FIELDS}
    return ClientAccess(client=client, full=False, shared=frozenset(shared))


def client_for(actor: Actor, client_id: object, *, purpose: str) -> ClientAccess:
    """One client, as the actor may see her; the read is audited with the fields shown."""
    try:
        key = uuid.UUID(str(client_id))
    except ValueError as exc:
        raise NotFound from exc
    client = clients_in_scope(actor).select_related("agency", "caseworker", "area", "household").filter(pk=key).first()
    if client is None:
        raise NotFound
    access = access_to(actor, client)
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="cases.client",
        record_id=client.pk,
        client_id=client.pk,
        fields=access.fields,
        purpose=purpose,
    )
    return access


def pending_by_reference(actor: Actor, reference: str) -> Client:
    """The self-registration she shows at the counter: any caseworker or manager may open it by its
    exact reference, to verify it."""
    normalised = codes.normalise_reference(reference)
    if not normalised or not actor.works_with_clients:
        raise NotFound
    client = Client.objects.filter(
        jurisdiction=actor.jurisdiction, state=Client.State.PENDING, reference=normalised
    ).first()
    if client is None:
        raise NotFound
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="cases.client",
        record_id=client.pk,
        client_id=client.pk,
        fields=["given_name", "family_name", "birth_date", "phone", "languages"],
        purpose="verify a self-registration",
    )
    return client


def search_clients(actor: Actor, query: str, *, limit: int = 50) -> list[Client]:
    """By client code, reference, phone number or name in any script, among the clients in scope.
    Names are matched by sound skeleton through the blind index, so "Muhammad" finds "محمد"."""
    query = query.strip()
    scoped = clients_in_scope(actor).select_related("agency")
    if not query:
        found = list(scoped[:limit])
    elif codes.is_valid_client_code(query):
        found = list(scoped.filter(code=codes.normalise_client_code(query)))
    elif codes.normalise_reference(query):
        found = list(scoped.filter(reference=codes.normalise_reference(query)))
    elif sum(ch.isdigit() for ch in query) >= 6:
        found = list(scoped.filter(phone_index=phone_index(query)))
    else:
        keys = [name_key_index(key) for key in names.name_keys(query)]
        matching = NameKey.objects.filter(key__in=keys).values("client_id")
        found = list(scoped.filter(pk__in=matching)[: limit * 4])
        found.sort(key=lambda client: -_name_score(query, client))
        found = found[:limit]
    audit_many(
        actor,
        AuditEntry.Action.READ,
        [("cases.client", client.pk, client.pk) for client in found],
        fields=["code", "given_name", "family_name"],
        purpose="search",
    )
    return found


def _name_score(query: str, client: Client) -> float:
    return dedupe.name_likeness(dedupe.Person((query,)), dedupe.Person(_names(client)))


def phone_index(number: str) -> str:
    digits = names.phone_digits(number)
    return keyring().blind_index(digits, "phone") if len(digits) >= 6 else ""


def name_key_index(key: str) -> str:
    return keyring().blind_index(key, "name")


def caseload(actor: Actor) -> QuerySet[Client]:
    """Her own active clients."""
    return clients_in_scope(actor).filter(caseworker_id=actor.user.pk).select_related("agency")


def inbox(actor: Actor) -> QuerySet[Referral]:
    """Referrals waiting for the agency, oldest first, with their service and sender."""
    return (
        referrals_received(actor)
        .filter(state__in=[Referral.State.SENT, Referral.State.ACCEPTED, Referral.State.IN_PROGRESS])
        .select_related("client", "from_agency", "to_agency", "service")
        .order_by("respond_by", "sent_at")
    )


def referrals_sent(actor: Actor) -> QuerySet[Referral]:
    """Referrals from the actor's agencies (whole jurisdiction for a coordinator)."""
    qs = Referral.objects.filter(client__jurisdiction=actor.jurisdiction).select_related(
        "client", "from_agency", "to_agency", "service"
    )
    if actor.sees_whole_jurisdiction:
        return qs
    if not actor.works_with_clients:
        return qs.none()
    return qs.filter(from_agency_id__in=actor.agency_ids)


def referral_for(actor: Actor, referral_id: object) -> Referral:
    """A referral the actor's agency sent or received (or any, for a coordinator); else NotFound."""
    try:
        key = uuid.UUID(str(referral_id))
    except ValueError as exc:
        raise NotFound from exc
    referral = (
        referrals_sent(actor).filter(pk=key).first()
        or referrals_received(actor)
        .select_related("client", "from_agency", "to_agency", "service")
        .filter(pk=key)
        .first()
    )
    if referral is None:
        raise NotFound
    return referral


def is_late(referral: Referral, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return referral.state == Referral.State.SENT and referral.respond_by is not None and referral.respond_by < today


def notes_for(actor: Actor, access: ClientAccess) -> QuerySet[Note]:
    """Her agency's own notes, and the notes other agencies shared."""
    qs = Note.objects.filter(client=access.client).select_related("agency", "author")
    if actor.sees_whole_jurisdiction:
        return qs
    return qs.filter(Q(shared=True) | Q(agency_id__in=actor.agency_ids))


def tasks_for(actor: Actor, access: ClientAccess) -> QuerySet[Task]:
    qs = Task.objects.filter(client=access.client).select_related("assigned_to", "agency")
    if actor.sees_whole_jurisdiction:
        return qs
    return qs.filter(agency_id__in=actor.agency_ids)


def valid_consents(client: Client, purpose: str, agency_ids: Iterable[uuid.UUID] = ()) -> QuerySet[Consent]:
    qs = client.consents.filter(purpose=purpose, withdrawn_at__isnull=True)
    agency_ids = list(agency_ids)
    if agency_ids:
        qs = qs.filter(agency_id__in=agency_ids)
    return qs


@dataclass(frozen=True)
class Candidate:
    client: Client
    likeness: dedupe.Likeness
    visible: bool  # whether the actor may open it; if not, only its code and agency are shown


def duplicate_candidates(actor: Actor, client: Client, *, limit: int = 10) -> list[Candidate]:
    """Records in the whole city that may be the same person as `client`: found through the blind
    indexes of name sounds and phone, then weighed. Staff outside the other record's scope learn
    only that it exists, its code and its agency, so they can ask the coordinator to merge."""
    keys = list(NameKey.objects.filter(client=client).values_list("key", flat=True))
    pool = Client.objects.filter(jurisdiction=client.jurisdiction, state__in=LIVE).exclude(pk=client.pk)
    near = Q(pk__in=NameKey.objects.filter(key__in=keys).values("client_id"))
    if client.phone_index:
        near |= Q(phone_index=client.phone_index)
    mine = dedupe.Person(_names(client), client.birth_year, client.phone)
    scope = set(clients_in_scope(actor).values_list("pk", flat=True))
    found = []
    for other in pool.filter(near).select_related("agency")[:200]:
        likeness = dedupe.compare(mine, dedupe.Person(_names(other), other.birth_year, other.phone))
        if likeness.is_candidate:
            found.append(Candidate(client=other, likeness=likeness, visible=other.pk in scope))
    found.sort(key=lambda c: -c.likeness.score)
    return found[:limit]


def _names(client: Client) -> tuple[str, ...]:
    return (
        f"{client.given_name} {client.family_name}",
        f"{client.given_name_latin} {client.family_name_latin}",
    )
