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

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit, audit_many
from welcoming.accounts.models import Agency, AuditEntry, Role, User
from welcoming.cases import codes, dedupe
from welcoming.cases.models import Client, Consent, NameKey, NeedsAssessment, Note, Referral, ReferralEvent, Task
from welcoming.directory.models import Service
from welcoming.lib import names
from welcoming.lib.crypto import keyring
from welcoming.places.models import Area, Jurisdiction


def audit_client(actor: Actor, action: str, client: Client, fields: Iterable[str], purpose: str) -> None:
    """The audit entry of a read or change of one client's record."""
    audit(
        actor,
        action,
        record_type="cases.client",
        record_id=client.pk,
        client_id=client.pk,
        fields=list(fields),
        purpose=purpose,
    )


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


def clients_in_full_scope(actor: Actor) -> QuerySet[Client]:
    """The live clients whose whole record the actor may read: not those seen only through a
    referral, which shares named parts (and never documents or applications)."""
    full = _full_scope(actor)
    if full is None:
        return Client.objects.none()
    return clients_in_scope(actor).filter(full)


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
    access = access_to_many(actor, [client]).get(client.pk)
    if access is None:
        raise NotFound
    return access


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
    audit_client(actor, AuditEntry.Action.READ, client, access.fields, purpose)
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
    audit_client(
        actor,
        AuditEntry.Action.READ,
        client,
        ["given_name", "family_name", "birth_date", "phone", "languages"],
        "verify a self-registration",
    )
    return client


def search_clients(actor: Actor, query: str, *, limit: int = 50, offset: int = 0) -> list[Client]:
    """By client code, reference, phone number or name in any script, among the clients in scope.
    Names are matched by sound skeleton through the blind index, so "Muhammad" finds "محمد".
    `offset` pages through the results; only the page returned is audited as read."""
    query = query.strip()
    scoped = clients_in_scope(actor).select_related("agency")
    if not query:
        found = list(scoped[offset : offset + limit])
    elif codes.is_valid_client_code(query):
        found = list(scoped.filter(code=codes.normalise_client_code(query)))[offset : offset + limit]
    elif codes.normalise_reference(query):
        found = list(scoped.filter(reference=codes.normalise_reference(query)))[offset : offset + limit]
    elif sum(ch.isdigit() for ch in query) >= 6:
        found = _showing(actor, scoped.filter(phone_index=phone_index(query)), "contact")[offset : offset + limit]
    else:
        keys = [name_key_index(key) for key in names.name_keys(query)]
        matching = NameKey.objects.filter(key__in=keys).values("client_id")
        found = _showing(actor, scoped.filter(pk__in=matching)[: (offset + limit) * 4], "name")
        found.sort(key=lambda client: -_name_score(query, client))
        found = found[offset : offset + limit]
    audit_many(
        actor,
        AuditEntry.Action.READ,
        [("cases.client", client.pk, client.pk) for client in found],
        fields=["code", "given_name", "family_name"],
        purpose="search",
    )
    return found


def _showing(actor: Actor, clients: Iterable[Client], part: str) -> list[Client]:
    """The clients whose `part` the actor may see: a referral that does not share her name does not
    let the receiving agency find her by it (the match alone would tell it)."""
    clients = list(clients)
    access = access_to_many(actor, clients)
    return [client for client in clients if client.pk in access and access[client.pk].can_see(part)]


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


def access_to_many(actor: Actor, clients: Iterable[Client]) -> dict[uuid.UUID, ClientAccess]:
    """`access_to` for a page of clients, in two queries; those the actor may not see are left out."""
    clients = list(clients)
    ids = [client.pk for client in clients]
    full = _full_scope(actor)
    full_ids: set[uuid.UUID] = set()
    if full is not None and ids:
        full_ids = set(
            Client.objects.filter(full, pk__in=ids, jurisdiction=actor.jurisdiction).values_list("pk", flat=True)
        )
    shares: dict[uuid.UUID, set[str]] = {}
    rest = [pk for pk in ids if pk not in full_ids]
    if rest:
        rows = (
            referrals_received(actor)
            .filter(client_id__in=rest, state__in=RECEIVER_READS)
            .filter(_sharing_consent())
            .values_list("client_id", "shared")
        )
        for client_id, parts in rows:
            shares.setdefault(client_id, set()).update(part for part in parts if part in GROUP_FIELDS)
    out: dict[uuid.UUID, ClientAccess] = {}
    for client in clients:
        if client.pk in full_ids:
            out[client.pk] = ClientAccess(client=client, full=True, shared=ALL_GROUPS)
        elif client.pk in shares:
            out[client.pk] = ClientAccess(client=client, full=False, shared=frozenset(shares[client.pk]))
    return out


# the parts of her record shown on their own (a tab, an API sub-resource), with the fields each read reveals
PARTS: dict[str, tuple[str, ...]] = {
    "needs": ("assessments",),
    "notes": ("notes",),
    "consents": ("consents",),
    "referrals": ("referrals",),
    "tasks": ("tasks",),
}


def client_part_for(actor: Actor, client_id: object, part: str, *, purpose: str) -> ClientAccess:
    """One part of a client's record, for a page or endpoint that shows only that part; audited as a
    read of that part alone. NotFound when she is out of scope, or the part is not the actor's to see:
    notes go to every agency that works with her (each reads its own and the shared ones, `notes_for`),
    the other parts follow `ClientAccess.can_see`."""
    try:
        key = uuid.UUID(str(client_id))
    except ValueError as exc:
        raise NotFound from exc
    client = clients_in_scope(actor).filter(pk=key).first()
    if client is None:
        raise NotFound
    access = access_to(actor, client)
    if part != "notes" and not access.can_see(part):
        raise NotFound
    audit_client(actor, AuditEntry.Action.READ, client, list(PARTS[part]), purpose)
    return access


def referral_read(actor: Actor, referral_id: object, *, purpose: str) -> Referral:
    """`referral_for`, to show it: its message, the reason for a refusal and the outcome are about
    her, so the read is audited."""
    referral = referral_for(actor, referral_id)
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="cases.referral",
        record_id=referral.pk,
        client_id=referral.client_id,
        fields=["message", "decline_reason", "outcome", "outcome_note"],
        purpose=purpose,
    )
    return referral


def registration_counters(jurisdiction: Jurisdiction) -> list[Agency]:
    """Where she can bring a self-registration to be verified: the agencies with staff who work
    with clients and an entry in the directory, with their places and phone numbers."""
    return list(
        Agency.objects.filter(
            jurisdiction=jurisdiction,
            organization__isnull=False,
            memberships__role__in=[Role.MANAGER, Role.CASEWORKER],
        )
        .distinct()
        .select_related("organization")
        .prefetch_related("organization__hsds_locations__addresses", "organization__phones")
    )


# --- for the staff pages: what each page shows, scoped and audited --------------------------------


@dataclass(frozen=True)
class ClientRecord:
    """The parts of one client's record a page may show, as `access` allows."""

    access: ClientAccess
    household: list[Client]  # the other members the actor may see
    household_hidden: int  # members outside the actor's scope: counted, never shown
    assessments: list[NeedsAssessment]
    consents: list[Consent]
    referrals: list[Referral]
    notes: list[Note]
    tasks: list[Task]


def client_record(actor: Actor, access: ClientAccess) -> ClientRecord:
    """Everything of `access.client` a page shows, in a bounded number of queries. Parts the access
    does not cover come back empty; a receiving agency sees only its own referrals of her.
    Household members' names are read here, so they are audited here."""
    client = access.client
    members: list[Client] = []
    hidden = 0
    if access.can_see("household") and client.household_id:
        others = Client.objects.filter(household_id=client.household_id, state__in=LIVE).exclude(pk=client.pk)
        visible = set(clients_in_scope(actor).filter(household_id=client.household_id).values_list("pk", flat=True))
        for member in others.order_by("created_at"):
            if member.pk in visible:
                members.append(member)
            else:
                hidden += 1
        if members:
            audit_many(
                actor,
                AuditEntry.Action.READ,
                [("cases.client", member.pk, member.pk) for member in members],
                fields=["code", "given_name", "family_name", "relationship"],
                purpose=f"household of {client.code or client.pk}",
            )
    referrals = Referral.objects.filter(client=client).select_related("from_agency", "to_agency", "service")
    if not access.full:
        referrals = referrals.filter(pk__in=referrals_received(actor).filter(client=client).values("pk"))
    return ClientRecord(
        access=access,
        household=members,
        household_hidden=hidden,
        assessments=(
            list(client.assessments.select_related("agency", "assessed_by")) if access.can_see("needs") else []
        ),
        consents=list(client.consents.select_related("agency")) if access.full else [],
        referrals=list(referrals),
        notes=list(notes_for(actor, access)),
        tasks=list(tasks_for(actor, access)),
    )


def client_in_scope_by_code(actor: Actor, code: str) -> Client:
    """A client the actor may see, by her client code (to add someone to her household)."""
    if not codes.is_valid_client_code(code):
        raise NotFound
    client = clients_in_scope(actor).filter(code=codes.normalise_client_code(code)).first()
    if client is None:
        raise NotFound
    audit_client(actor, AuditEntry.Action.READ, client, ["code", "household"], "household")
    return client


def duplicates_for(actor: Actor, client: Client) -> list[Candidate]:
    """`duplicate_candidates`, with the reading of the visible ones' names audited."""
    found = duplicate_candidates(actor, client)
    shown = [candidate.client for candidate in found if candidate.visible]
    if shown:
        audit_many(
            actor,
            AuditEntry.Action.READ,
            [("cases.client", other.pk, other.pk) for other in shown],
            fields=["code", "given_name", "family_name", "birth_year", "phone"],
            purpose=f"possible duplicates of {client.code or client.reference or client.pk}",
        )
    return found


def caseload_page(actor: Actor, *, page: int = 1, size: int = 50) -> tuple[list[Client], bool]:
    """One page of her caseload, newest first, and whether there is another; the page is audited."""
    page = max(page, 1)
    rows = list(caseload(actor).order_by("-updated_at", "pk")[(page - 1) * size : page * size + 1])
    clients, more = rows[:size], len(rows) > size
    audit_many(
        actor,
        AuditEntry.Action.READ,
        [("cases.client", client.pk, client.pk) for client in clients],
        fields=["code", "given_name", "family_name", "languages"],
        purpose="caseload",
    )
    return clients, more


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    late: bool
    name_shown: bool  # the referral shares her name and her consent to share still stands


def inbox_rows(actor: Actor, *, limit: int = 100) -> list[ReferralRow]:
    """The agency's inbox, oldest respond-by first; her name only where the referral shares it under
    a standing consent, and those reads audited."""
    today = timezone.localdate()
    referrals = list(inbox(actor).annotate(consented=_sharing_consent())[:limit])
    rows = [
        ReferralRow(
            referral=r,
            late=is_late(r, today),
            name_shown="name" in r.shared and bool(r.consented),
        )
        for r in referrals
    ]
    named = [row.referral for row in rows if row.name_shown]
    if named:
        audit_many(
            actor,
            AuditEntry.Action.READ,
            [("cases.client", r.client_id, r.client_id) for r in named],
            fields=["code", "given_name", "family_name"],
            purpose="referral inbox",
        )
    return rows


def sent_rows(actor: Actor, *, limit: int = 100) -> list[ReferralRow]:
    """Referrals the actor's agency sent, newest first, by client code only (she opens the client page
    for more)."""
    today = timezone.localdate()
    return [
        ReferralRow(referral=r, late=is_late(r, today), name_shown=False)
        for r in referrals_sent(actor).order_by("-created_at")[:limit]
    ]


@dataclass(frozen=True)
class ReferralPage:
    referral: Referral
    access: ClientAccess | None  # what of the client the actor may read; None: only her code
    events: list[ReferralEvent]
    late: bool


def referral_page(actor: Actor, referral_id: object) -> ReferralPage:
    """A referral as one side of it sees it, the reading audited."""
    referral = referral_for(actor, referral_id)
    try:
        access: ClientAccess | None = access_to(actor, referral.client)
    except NotFound:
        access = None
    shown = ["state", "message", "outcome"] + (access.fields if access else [])
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="cases.referral",
        record_id=referral.pk,
        client_id=referral.client_id,
        fields=shown,
        purpose="referral page",
    )
    return ReferralPage(
        referral=referral,
        access=access,
        events=list(referral.events.select_related("by")),
        late=is_late(referral),
    )


@dataclass(frozen=True)
class TaskRow:
    task: Task
    late: bool


def open_tasks(actor: Actor, *, limit: int = 50) -> list[TaskRow]:
    """Tasks assigned to her and not done, soonest due first, for her live clients' agencies."""
    if not actor.works_with_clients:
        return []
    tasks = Task.objects.filter(
        assigned_to_id=actor.user.pk,
        done_at__isnull=True,
        client__jurisdiction=actor.jurisdiction,
        client__state__in=LIVE,
    ).select_related("client")
    if not actor.sees_whole_jurisdiction:
        tasks = tasks.filter(agency_id__in=actor.agency_ids)
    found = list(tasks.order_by(F("due").asc(nulls_last=True), "created_at")[:limit])
    if found:
        audit_many(
            actor,
            AuditEntry.Action.READ,
            [("cases.task", task.pk, task.client_id) for task in found],
            fields=["tasks"],
            purpose="my tasks",
        )
    today = timezone.localdate()
    return [TaskRow(task=task, late=task.due is not None and task.due < today) for task in found]


def caseworkers_of(agency_id: uuid.UUID | None) -> QuerySet[User]:
    """The caseworkers of an agency, to give a case to."""
    if agency_id is None:
        return User.objects.none()
    return (
        User.objects.filter(memberships__agency_id=agency_id, memberships__role=Role.CASEWORKER, is_active=True)
        .distinct()
        .order_by("username")
    )


def referral_targets(actor: Actor) -> list[Agency]:
    """The agencies of the city she can be referred to (not the actor's own), with their directory
    services ready to list."""
    return list(
        Agency.objects.filter(jurisdiction=actor.jurisdiction)
        .exclude(pk__in=actor.agency_ids)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "organization__services",
                queryset=Service.objects.filter(status=Service.Status.ACTIVE).order_by("name"),
            )
        )
    )


def agencies_of(actor: Actor) -> QuerySet[Agency]:
    """Every agency of the actor's city (a consent to share names one of them)."""
    return Agency.objects.filter(jurisdiction=actor.jurisdiction)


def consent_for(access: ClientAccess, consent_id: object) -> Consent:
    """One of her consents, for the agency that holds her record."""
    try:
        key = int(str(consent_id))
    except ValueError as exc:
        raise NotFound from exc
    consent = access.client.consents.filter(pk=key).select_related("agency").first() if access.full else None
    if consent is None:
        raise NotFound
    return consent


def task_for(actor: Actor, access: ClientAccess, task_id: object) -> Task:
    """One of her tasks that the actor's agency may see."""
    try:
        key = uuid.UUID(str(task_id))
    except ValueError as exc:
        raise NotFound from exc
    task = tasks_for(actor, access).filter(pk=key).first()
    if task is None:
        raise NotFound
    return task


def areas_of(actor: Actor) -> QuerySet[Area]:
    return Area.objects.filter(jurisdiction=actor.jurisdiction).select_related("jurisdiction").order_by("name")
