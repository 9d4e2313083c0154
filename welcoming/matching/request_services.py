"""Making, changing and closing requests: what a client's household waits for, made by the staff who
hold her record, each change in one transaction with its audit entry.

A request is made for a client whose whole record the actor holds (her caseworker, her agency's
manager, the city's coordinator); anyone else gets the `NotFound` of a record that does not exist,
or `NotAllowed` when she is seen only through a referral. The request belongs to the agency that
holds her record. Its facts are checked here, each error named by its fact (`Invalid`), and nothing
is written unless all are right. A form's one-time key (`submission`) makes a resend the same
request; she has at most one open request of each kind (`AlreadyOpen` says which).

Facts (keyword arguments; the ones a kind does not use are kept but not required):

- the household, for a flat or a room: `adults` (>= 1), `couple`, `children` ([[age, "m" | "f" |
  ""], ...], ages 0-17: the occupancy standard counts bedrooms by age and sex; "" when she did not
  say, and the rules then try both), `monthly_income` (kept encrypted), `step_free` (someone cannot
  use stairs), `pets`, `max_rent`;
- where: `areas` (ids of the neighbourhoods she prefers), `school_area`, `work_area` (ids);
- `languages` (codes, hers first);
- goods: `items` ({item slug of `community.vocab.ITEMS`: quantity}); `wanted` is their sum;
- volunteer, mentoring, job: `skills` (slugs of `vocab.SKILLS`), `profession`, `sector`;
- `note` (kept encrypted), `waiting_since` (a date, not in the future; today by default, or the
  day of the assessment the request comes from).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit
from welcoming.accounts.models import AuditEntry
from welcoming.cases import selectors as cases_selectors
from welcoming.cases.models import Client, NeedsAssessment
from welcoming.cases.services import Invalid, NotAllowed
from welcoming.community import vocab
from welcoming.matching import request_selectors as selectors
from welcoming.matching.models import Proposal, Request
from welcoming.places.models import Area

__all__ = [
    "AlreadyOpen",
    "Invalid",
    "NotAllowed",
    "request_close",
    "request_create",
    "request_from_assessment",
    "request_update",
]

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
MAX_PEOPLE = 20
MAX_QUANTITY = 99

FACTS = selectors.FACTS
# the plain columns among the facts (areas is a many-to-many, the two areas are foreign keys)
COLUMNS = tuple(f for f in FACTS if f not in ("areas", "school_area", "work_area"))


class AlreadyOpen(Invalid):
    """She already waits for this kind of thing: the open request is `request`."""

    def __init__(self, request: Request) -> None:
        super().__init__({"kind": f"she already has an open {request.kind} request ({request.pk})"})
        self.request = request


def _holder(actor: Actor, client: Client) -> None:
    """NotFound when she is not the actor's to see; NotAllowed when only through a referral."""
    access = cases_selectors.access_to(actor, client)
    if not access.full:
        raise NotAllowed("only the agency that holds her record makes requests for her")
    if client.state != Client.State.ACTIVE or client.agency_id is None:
        raise Invalid({"client": "her record is not verified yet: verify it, then make the request"})


# --- checking the facts ---------------------------------------------------------------------------


def _int(value: Any, name: str, errors: dict[str, str], low: int, high: int) -> int:
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = f"a whole number from {low} to {high}, not {value!r}"
        return low
    if not low <= number <= high:
        errors[name] = f"must be from {low} to {high}, not {number}"
    return number


def _money(value: Any, name: str, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = f"an amount of money, like 1850 or 1850.50, not {value!r}"
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1000000"):
        errors[name] = "an amount from 0 to 999999.99"
        return None
    return amount.quantize(Decimal("0.01"))


def _children(value: Any, errors: dict[str, str]) -> list[list[Any]]:
    out: list[list[Any]] = []
    if value in (None, ""):
        return out
    if not isinstance(value, list | tuple):
        errors["children"] = 'a list of [age, "m" or "f"], one per child'
        return out
    for position, child in enumerate(value, start=1):
        if not isinstance(child, list | tuple) or len(child) != 2:
            errors["children"] = f'child {position}: give [age, "m" or "f"]'
            return out
        age, sex = child
        if isinstance(age, bool) or not isinstance(age, int | str) or not str(age).strip().isdigit():
            errors["children"] = f"child {position}: the age is a whole number from 0 to 17, not {age!r}"
            return out
        if not 0 <= int(age) <= 17:
            errors["children"] = f"child {position}: a child is 0 to 17 years old (18 and over count as adults)"
            return out
        sex = str(sex or "")
        if sex not in ("m", "f", ""):
            errors["children"] = f'child {position}: "m" for a boy, "f" for a girl, not {sex!r}'
            return out
        out.append([int(age), sex])
    if len(out) > MAX_PEOPLE:
        errors["children"] = f"at most {MAX_PEOPLE} children"
    out.sort(key=lambda child: -child[0])
    return out


def _codes(value: Any, name: str, errors: dict[str, str], allowed: Mapping[str, Any] | None = None) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[,;\s]+", value) if part]
    if not isinstance(value, list | tuple):
        errors[name] = "a list of codes"
        return []
    codes = [str(code).strip().lower() for code in value]
    if allowed is not None:
        wrong = [code for code in codes if code not in allowed]
        if wrong:
            errors[name] = f"unknown: {', '.join(wrong)} (choose among {', '.join(allowed)})"
    else:
        wrong = [code for code in codes if not LANGUAGE_CODE.match(code)]
        if wrong:
            errors[name] = f"not language codes: {', '.join(wrong)} (write codes like ar, uk or fa)"
    return list(dict.fromkeys(codes))


def _items(value: Any, errors: dict[str, str]) -> dict[str, int]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        errors["items"] = "a mapping of item to quantity, e.g. {'blanket': 3}"
        return {}
    items: dict[str, int] = {}
    for item, quantity in value.items():
        if item not in vocab.ITEMS:
            errors["items"] = f"unknown item {item!r} (choose among {', '.join(vocab.ITEMS)})"
            return {}
        count = _int(quantity, "items", errors, 0, MAX_QUANTITY)
        if "items" in errors:
            errors["items"] = f"{item}: a quantity from 0 to {MAX_QUANTITY}, not {quantity!r}"
            return {}
        if count:
            items[item] = count
    return items


def _area(value: Any, name: str, errors: dict[str, str], areas: dict[int, Area]) -> Area | None:
    if value in (None, ""):
        return None
    key = value.pk if isinstance(value, Area) else value
    try:
        area = areas.get(int(key))
    except (TypeError, ValueError):
        area = None
    if area is None:
        errors[name] = f"not a neighbourhood of this city: {value!r}"
    return area


def _clean(
    kind: str, facts: dict[str, Any], client: Client, *, existing: Request | None = None
) -> tuple[dict[str, Any], list[Area] | None, dict[str, str]]:
    """(column values, preferred areas or None when not given, errors). `facts` are the given facts
    on top of the request's present ones (for an update)."""
    errors: dict[str, str] = {}
    unknown = sorted(set(facts) - set(FACTS))
    if unknown:
        errors.update({name: "not a fact of a request" for name in unknown})
    if kind not in selectors.KINDS:
        errors["kind"] = f"one of {', '.join(selectors.KINDS)}"
        return {}, None, errors
    areas = {area.pk: area for area in Area.objects.filter(jurisdiction_id=client.jurisdiction_id)}
    values: dict[str, Any] = {}

    def given(name: str, default: Any) -> Any:
        if name in facts:
            return facts[name]
        return getattr(existing, name) if existing is not None else default

    values["adults"] = _int(given("adults", 1), "adults", errors, 1, MAX_PEOPLE)
    values["couple"] = bool(given("couple", False))
    if values["couple"] and values["adults"] < 2 and "adults" not in errors:
        errors["couple"] = "a couple is two adults: say there are at least 2"
    values["children"] = _children(given("children", []), errors)
    income = _money(given("monthly_income", ""), "monthly_income", errors)
    values["monthly_income"] = "" if income is None else str(income)
    values["max_rent"] = _money(given("max_rent", None), "max_rent", errors)
    values["step_free"] = bool(given("step_free", False))
    values["pets"] = bool(given("pets", False))
    values["languages"] = _codes(given("languages", []), "languages", errors)
    values["items"] = _items(given("items", {}), errors)
    values["skills"] = _codes(given("skills", []), "skills", errors, vocab.SKILLS)
    values["profession"] = str(given("profession", "") or "").strip()[:120]
    sector = str(given("sector", "") or "")
    if sector and sector not in vocab.SECTORS:
        errors["sector"] = f"unknown sector {sector!r} (choose among {', '.join(vocab.SECTORS)})"
    values["sector"] = sector
    values["note"] = str(given("note", "") or "")
    since = given("waiting_since", None) or timezone.localdate()
    if isinstance(since, dt.datetime):
        since = timezone.localtime(since).date() if timezone.is_aware(since) else since.date()
    if isinstance(since, str):
        try:
            since = dt.date.fromisoformat(since)
        except ValueError:
            errors["waiting_since"] = f"a date like 2026-03-01, not {since!r}"
            since = timezone.localdate()
    if isinstance(since, dt.date) and since > timezone.localdate():
        errors["waiting_since"] = "cannot be in the future"
    values["waiting_since"] = since
    for name in ("school_area", "work_area"):
        current = getattr(existing, f"{name}_id") if existing is not None else None
        values[name] = _area(facts.get(name, current), name, errors, areas)
    chosen: list[Area] | None = None
    if "areas" in facts:
        raw = facts["areas"] or []
        chosen = [area for a in raw if (area := _area(a, "areas", errors, areas)) is not None]
        chosen = list({area.pk: area for area in chosen}.values())

    # what each kind cannot do without
    if kind == "goods":
        values["wanted"] = sum(values["items"].values())
        if not values["items"] and "items" not in errors:
            errors["items"] = "say which goods she needs, and how many"
    else:
        values["wanted"] = 1
    if kind == "volunteer" and not values["skills"] and "skills" not in errors:
        errors["skills"] = "say what help she needs from a volunteer"
    if kind == "mentoring" and not values["profession"]:
        errors["profession"] = "say in which profession she wants a mentor"
    if kind == "job" and not values["sector"] and "sector" not in errors:
        errors["sector"] = "say in which sector she looks for work"
    if existing is not None and values["wanted"] < existing.allocated:
        errors["items"] = f"{existing.allocated} are already given: she cannot want fewer"
    return values, chosen, errors


def _save_areas(request: Request, areas: list[Area] | None) -> None:
    if areas is not None:
        request.areas.set(areas)


def _audit(actor: Actor, action: str, request: Request, fields: list[str], purpose: str) -> None:
    audit(
        actor,
        action,
        record_type="matching.request",
        record_id=request.pk,
        client_id=request.client_id,
        fields=fields,
        purpose=purpose,
    )


def _submission(value: Any) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise Invalid({"submission": "a form key (a UUID)"}) from exc


# --- the services --------------------------------------------------------------------------------


def request_create(*, actor: Actor, client: Client, kind: str, submission: Any = None, **facts: Any) -> Request:
    """A new open request for her. The same `submission` (the form's one-time key) gives back the
    request it made, whoever sends it again; a second open request of a kind she already waits for
    is `AlreadyOpen`."""
    return _create(actor=actor, client=client, kind=kind, submission=_submission(submission), facts=facts)


def _create(
    *,
    actor: Actor,
    client: Client,
    kind: str,
    submission: uuid.UUID | None,
    facts: dict[str, Any],
    assessment: NeedsAssessment | None = None,
) -> Request:
    if submission is not None:
        earlier = Request.objects.filter(submission=submission, jurisdiction=actor.jurisdiction).first()
        if earlier is not None:
            cases_selectors.access_to(actor, earlier.client)  # a key is no way into another's request
            return earlier
    try:
        with transaction.atomic():
            return _create_now(actor, client, kind, submission, facts, assessment)
    except IntegrityError:
        # the same form twice at once (PostgreSQL): the other copy saved first, and is hers
        earlier = Request.objects.filter(submission=submission).first() if submission else None
        if earlier is None:
            raise
        return earlier


def _create_now(
    actor: Actor,
    client: Client,
    kind: str,
    submission: uuid.UUID | None,
    facts: dict[str, Any],
    assessment: NeedsAssessment | None,
) -> Request:
    # one writer at a time per client, so that two forms cannot both find no open request
    client = Client.objects.select_for_update().get(pk=client.pk)
    _holder(actor, client)
    # her languages, unless the request says otherwise (a mentor in her second language)
    facts = {"languages": list(client.languages), **facts}
    values, areas, errors = _clean(kind, facts, client)
    if errors:
        raise Invalid(errors)
    open_one = Request.objects.filter(client=client, kind=kind, state=Request.State.OPEN).first()
    if open_one is not None:
        raise AlreadyOpen(open_one)
    request = Request.objects.create(
        jurisdiction_id=client.jurisdiction_id,
        client=client,
        agency_id=client.agency_id or "",
        assessment=assessment,
        kind=kind,
        submission=submission,
        created_by=actor.user if actor.user.pk else None,
        **values,
    )
    _save_areas(request, areas)
    given = sorted(set(facts) | {"kind"})
    _audit(actor, AuditEntry.Action.CREATE, request, given, f"{kind} request")
    return request


def request_from_assessment(
    *, actor: Actor, assessment: NeedsAssessment, kind: str, submission: Any = None, **facts: Any
) -> Request:
    """A request from her needs assessment: only a kind one of its needs calls for
    (`request_selectors.NEED_KINDS`), prefilled from her household, languages and needs
    (`request_selectors.request_defaults`), `facts` on top, waiting since the day she was assessed.
    Asked again for the same assessment and kind while that request is open, it gives it back."""
    client = assessment.client
    _holder(actor, client)
    if kind not in selectors.suggested_kinds(assessment.needs):
        raise Invalid({"kind": f"her assessment ({', '.join(assessment.needs)}) calls for no {kind} request"})
    earlier = Request.objects.filter(client=client, assessment=assessment, kind=kind, state=Request.State.OPEN).first()
    if earlier is not None:
        return earlier
    defaults = selectors.request_defaults(actor, client, kind, assessment.needs)
    defaults["waiting_since"] = timezone.localtime(assessment.assessed_at).date()
    defaults.update(facts)
    return _create(
        actor=actor,
        client=client,
        kind=kind,
        submission=_submission(submission),
        facts=defaults,
        assessment=assessment,
    )


@transaction.atomic
def request_update(*, actor: Actor, request: Request, **facts: Any) -> Request:
    """Change what she waits for. Only an open request changes, and a goods request cannot come to
    want fewer than it was already given."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    _holder(actor, request.client)
    if request.state != Request.State.OPEN:
        raise Invalid({"state": "only an open request can be changed"})
    values, areas, errors = _clean(request.kind, facts, request.client, existing=request)
    if errors:
        raise Invalid(errors)
    changed = [name for name, value in values.items() if getattr(request, name) != value]
    for name in changed:
        setattr(request, name, values[name])
    if areas is not None and {a.pk for a in areas} != set(request.areas.values_list("pk", flat=True)):
        changed.append("areas")
    if changed:
        request.save()
        _save_areas(request, areas)
        _audit(actor, AuditEntry.Action.UPDATE, request, sorted(changed), f"{request.kind} request")
    return request


@transaction.atomic
def request_close(*, actor: Actor, request: Request, reason: str) -> Request:
    """She no longer waits (housed elsewhere, moved away, no longer needed): the request leaves the
    matching, its pending proposals become stale, and the reason is added to its note. Closing a
    closed request changes nothing."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    _holder(actor, request.client)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "say why the request is closed"})
    if request.state == Request.State.CLOSED:
        return request
    now = timezone.now()
    request.state = Request.State.CLOSED
    request.closed_at = now
    stamp = timezone.localtime(now).date().isoformat()
    request.note = f"{request.note}\n\n[{stamp}] {reason}".strip()
    request.save(update_fields=["state", "closed_at", "note"])
    Proposal.objects.filter(request=request, state=Proposal.State.PROPOSED).update(state=Proposal.State.STALE)
    _audit(actor, AuditEntry.Action.UPDATE, request, ["state", "note"], "close request")
    return request
