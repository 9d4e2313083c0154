"""Reading requests, scoped as client records are (`cases/selectors.py`) and audited.

A request holds her household's composition, income and languages, so it is read only by those
who hold her whole record: the city's coordinator (and the platform admin), her agency's manager
and her own caseworker. An agency that sees her through a referral does not see her requests, and
analysts and volunteer coordinators see only counts (`request_counts`), never a request. Anything
outside the scope is `NotFound`, exactly like an id that does not exist.

Which kinds of request each need of an assessment suggests, and what a new request is prefilled
with (her household's adults and children from the members' years of birth, her languages, the
goods or skills her needs call for), is read here too.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit, audit_many
from welcoming.accounts.models import AuditEntry
from welcoming.cases import selectors as cases
from welcoming.cases.models import Client, NeedsAssessment
from welcoming.matching.models import Allocation, Proposal, Request

NotFound = cases.NotFound

KINDS: tuple[str, ...] = tuple(Request.Kind.values)
PERSON_KINDS = ("volunteer", "mentoring", "job")
HOUSEHOLD_KINDS = ("housing", "host_room")

# Which requests each need of the triage (`directory/needs.py`) can lead to, the likeliest first.
NEED_KINDS: dict[str, tuple[str, ...]] = {
    "housing": ("housing", "host_room", "goods", "volunteer"),
    "safety": ("host_room", "housing"),
    "employment": ("job", "mentoring", "volunteer"),
    "education": ("mentoring", "volunteer", "goods"),
    "language": ("volunteer", "mentoring"),
    "childcare": ("volunteer", "goods"),
    "financial": ("goods", "job"),
    "transport": ("goods", "volunteer"),
    "documents": ("volunteer",),
    "legal": ("volunteer",),
    "health": ("volunteer",),
    "mental-health": ("volunteer",),
    "community": ("volunteer", "mentoring"),
    "food": ("goods",),
}
# what a goods request made from a need starts with, per person of the household ("each") or once
NEED_ITEMS: dict[str, dict[str, str]] = {
    "housing": {"bed": "each", "bedding": "each", "kitchen_set": "once", "table": "once", "chair": "each"},
    "childcare": {"cot": "once", "stroller": "once"},
    "education": {"school_bag": "children", "laptop": "once"},
    "transport": {"bicycle": "adults"},
    "financial": {"winter_coat_adult": "adults", "winter_coat_child": "children", "winter_boots": "each"},
    "food": {"kitchen_set": "once", "fridge": "once"},
}
# what a volunteer request made from a need asks for
NEED_SKILLS: dict[str, tuple[str, ...]] = {
    "housing": ("moving",),
    "language": ("language_practice",),
    "documents": ("paperwork",),
    "legal": ("paperwork", "accompany"),
    "health": ("accompany", "interpreting"),
    "mental-health": ("accompany",),
    "childcare": ("childcare",),
    "education": ("tutoring",),
    "employment": ("cv_help",),
    "transport": ("driving",),
    "community": ("language_practice",),
}

# the facts of a request (its services take them as keyword arguments)
FACTS = (
    "adults",
    "couple",
    "children",
    "monthly_income",
    "step_free",
    "pets",
    "max_rent",
    "areas",
    "school_area",
    "work_area",
    "languages",
    "items",
    "skills",
    "profession",
    "sector",
    "note",
    "waiting_since",
)
# what a request's page and the list reveal of her, for the audit log
REQUEST_FIELDS = ("kind", *FACTS)
LIST_FIELDS = ("kind", "waiting_since", "adults", "children", "items", "profession", "sector", "skills")


def suggested_kinds(needs: Iterable[str]) -> list[str]:
    """The kinds of request her needs suggest, in the order of her needs, each once."""
    found: dict[str, None] = {}
    for need in needs:
        for kind in NEED_KINDS.get(need, ()):
            found.setdefault(kind, None)
    return list(found)


# --- scope ---------------------------------------------------------------------------------------


def requests_in_scope(actor: Actor) -> QuerySet[Request]:
    """The requests of the clients whose whole record the actor reads (none for the roles that see
    no person)."""
    clients = cases.clients_in_full_scope(actor)
    return Request.objects.filter(jurisdiction=actor.jurisdiction, client__in=clients.values("pk"))


def _audit_request(actor: Actor, request: Request, fields: Sequence[str], purpose: str) -> None:
    audit(
        actor,
        AuditEntry.Action.READ,
        record_type="matching.request",
        record_id=request.pk,
        client_id=request.client_id,
        fields=list(fields),
        purpose=purpose,
    )


def request_for(actor: Actor, request_id: object, *, purpose: str) -> Request:
    """One request the actor may read, its reading audited; NotFound otherwise."""
    try:
        key = uuid.UUID(str(request_id))
    except ValueError as exc:
        raise NotFound from exc
    request = (
        requests_in_scope(actor)
        .select_related("client", "agency", "assessment", "school_area", "work_area", "created_by")
        .filter(pk=key)
        .first()
    )
    if request is None:
        raise NotFound
    _audit_request(actor, request, REQUEST_FIELDS, purpose)
    return request


def days_waiting(request: Request, today: dt.date | None = None) -> int:
    return max(((today or timezone.localdate()) - request.waiting_since).days, 0)


# --- the list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    request: Request
    days: int

    @property
    def remaining(self) -> int:
        return self.request.wanted - self.request.allocated


def request_rows(
    actor: Actor,
    *,
    kind: str = "",
    client_id: object = None,
    state: str = Request.State.OPEN,
    limit: int = 200,
) -> list[RequestRow]:
    """Requests in the actor's scope, longest waiting first: open ones by default (`state=""` for
    all), of one kind or all, of one client or all. The rows shown are audited."""
    qs = requests_in_scope(actor).select_related("client")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if client_id is not None:
        try:
            qs = qs.filter(client_id=uuid.UUID(str(client_id)))
        except ValueError:
            return []
    found = list(qs.order_by("waiting_since", "created_at")[:limit])
    if found:
        audit_many(
            actor,
            AuditEntry.Action.READ,
            [("matching.request", r.pk, r.client_id) for r in found],
            fields=list(LIST_FIELDS),
            purpose="requests list",
        )
    today = timezone.localdate()
    return [RequestRow(request=r, days=days_waiting(r, today)) for r in found]


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: Any
    open: int
    longest_days: int | None


def request_counts(actor: Actor) -> list[KindCount]:
    """Open requests of the whole city by kind, and the longest wait of each: figures without a
    person, for every role (analysts see only these)."""
    rows = {
        row["kind"]: row
        for row in Request.objects.filter(
            jurisdiction=actor.jurisdiction, state=Request.State.OPEN, client__state__in=cases.LIVE
        )
        .values("kind")
        .annotate(open=Count("pk"), oldest=Min("waiting_since"))
    }
    today = timezone.localdate()
    out = []
    for kind, label in Request.Kind.choices:
        row = rows.get(kind)
        out.append(
            KindCount(
                kind=kind,
                label=label,
                open=row["open"] if row else 0,
                longest_days=(today - row["oldest"]).days if row else None,
            )
        )
    return out


# --- one request's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestPage:
    request: Request
    days: int
    area_ids: list[int]
    proposals: list[Proposal]
    allocations: list[Allocation]


def request_page(actor: Actor, request_id: object) -> RequestPage:
    """A request with what matching proposed for it and what it was given, the reading audited."""
    request = request_for(actor, request_id, purpose="request page")
    return RequestPage(
        request=request,
        days=days_waiting(request),
        area_ids=list(request.areas.values_list("pk", flat=True)),
        proposals=list(
            Proposal.objects.filter(request=request)
            .select_related("offer", "run")
            .order_by("-run__created_at", "-score")
        ),
        allocations=list(Allocation.objects.filter(request=request).select_related("offer")),
    )


def client_for_request(actor: Actor, client_id: object) -> cases.ClientAccess:
    """The client a new request is for, as the actor sees her (audited by the cases selector)."""
    return cases.client_for(actor, client_id, purpose="new request")


def assessment_of(client: Client, assessment_id: object) -> NeedsAssessment:
    """One of her assessments, by id (from a link on her page)."""
    try:
        key = int(str(assessment_id))
    except ValueError as exc:
        raise NotFound from exc
    assessment = NeedsAssessment.objects.filter(client=client, pk=key).first()
    if assessment is None:
        raise NotFound
    return assessment


def latest_assessment(client: Client) -> NeedsAssessment | None:
    return NeedsAssessment.objects.filter(client=client).order_by("-assessed_at", "-pk").first()


# --- what a new request starts with ------------------------------------------------------------

# her gender is written in her own words; only these clear words say a child's sex for the occupancy
# standard, anything else leaves it for the worker to ask
_GIRL = re.compile(r"^(f|female|woman|girl|femme|fille|mujer|niña|nina|жінка|дівчина|дівчинка|امرأة|بنت|زن|دختر)$")
_BOY = re.compile(r"^(m|male|man|boy|homme|garçon|garcon|hombre|niño|nino|чоловік|хлопець|хлопчик|رجل|ولد|مرد|پسر)$")


def sex_in_words(gender: str) -> str:
    text = (gender or "").strip().lower()
    if _GIRL.match(text):
        return "f"
    if _BOY.match(text):
        return "m"
    return ""


def _age(member: Client, today: dt.date) -> int | None:
    born = member.birth_date
    if isinstance(born, dt.date):
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if member.birth_year:
        return today.year - member.birth_year
    return None


@dataclass(frozen=True)
class HouseholdFacts:
    adults: int
    couple: bool
    children: list[list[Any]]  # [[age, "m" | "f" | ""], ...], youngest last


def household_of(actor: Actor, client: Client) -> HouseholdFacts:
    """Adults and children of her household from the members' years of birth (an unknown age counts
    as an adult), and whether a couple leads it. Only members the actor may read are counted, and
    reading their years of birth is audited."""
    today = timezone.localdate()
    members = [client]
    if client.household_id:
        members += list(
            cases.clients_in_scope(actor).filter(household_id=client.household_id).exclude(pk=client.pk).order_by("pk")
        )
    others = members[1:]
    if others:
        audit_many(
            actor,
            AuditEntry.Action.READ,
            [("cases.client", m.pk, m.pk) for m in others],
            fields=["birth_date", "birth_year", "gender", "relationship"],
            purpose=f"request for {client.code or client.pk}: household",
        )
    adults = 0
    children: list[list[Any]] = []
    for member in members:
        age = _age(member, today)
        if age is not None and age < 18:
            children.append([max(age, 0), sex_in_words(member.gender)])
        else:
            adults += 1
    relationships = {m.relationship for m in members}
    couple = Client.Relationship.PARTNER in relationships and adults >= 2
    children.sort(key=lambda child: -child[0])
    return HouseholdFacts(adults=max(adults, 1), couple=couple, children=children)


def request_defaults(actor: Actor, client: Client, kind: str, needs: Sequence[str] = ()) -> dict[str, Any]:
    """What a new request of `kind` for her starts with: her household (for a flat or a room, and to
    size the goods), her languages and neighbourhood, and the goods or skills her `needs` call for.
    The worker checks and completes it with her."""
    facts: dict[str, Any] = {"languages": list(client.languages)}
    if client.area_id:
        facts["areas"] = [client.area_id]
    if kind in HOUSEHOLD_KINDS or kind == "goods":
        household = household_of(actor, client)
        if kind in HOUSEHOLD_KINDS:
            facts.update(adults=household.adults, couple=household.couple, children=household.children)
        else:
            facts["items"] = _items_for(needs, household)
    if kind == "volunteer":
        facts["skills"] = list(dict.fromkeys(skill for need in needs for skill in NEED_SKILLS.get(need, ())))
    return facts


def _items_for(needs: Sequence[str], household: HouseholdFacts) -> dict[str, int]:
    size = household.adults + len(household.children)
    per = {"each": size, "adults": household.adults, "children": len(household.children), "once": 1}
    items: dict[str, int] = {}
    for need in needs:
        for item, how in NEED_ITEMS.get(need, {}).items():
            if per[how] > 0:
                items.setdefault(item, per[how])
    return items
