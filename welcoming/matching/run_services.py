"""Match runs and what comes of them: starting a run, the run itself (on the task queue), confirming or
rejecting its proposals, ending an allocation, and recording the follow-up check-ins.

Every change is one transaction with its audit entry. Confirming allocates atomically: the offer and
the request are locked (offer first, then request, then proposals, always in that order, so two
confirmations wait for each other and never deadlock), their remaining capacity is read again, and
the counters move with F() expressions under the database's CheckConstraints. Whatever two
coordinators do at once, one unit is never given twice: the second one finds the proposal no longer
possible and it is marked STALE.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import random
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.audit import audit, audit_many
from welcoming.accounts.models import AuditEntry
from welcoming.cases import selectors as case_selectors
from welcoming.cases.models import Client
from welcoming.cases.services import Invalid, NotAllowed
from welcoming.community.models import Offer
from welcoming.matching import engine
from welcoming.matching.models import Allocation, CheckIn, MatchRun, Proposal, Request

logger = logging.getLogger(__name__)

#: A criterion's weight on the start form: points, as the defaults are (they sum to 100 per kind).
WEIGHT_MIN = 0.0
WEIGHT_MAX = 100.0
#: Follow-up check-ins after a placement, in days.
CHECK_IN_DAYS = (7, 30, 90)
ACTIVE = (MatchRun.State.QUEUED, MatchRun.State.RUNNING)

__all__ = [
    "CHECK_IN_DAYS",
    "Invalid",
    "NoLongerPossible",
    "NotAllowed",
    "allocation_end",
    "check_in_record",
    "execute_run",
    "proposal_confirm",
    "proposal_reject",
    "run_start",
]


class NoLongerPossible(Exception):
    """The proposal cannot happen any more (the offer is taken or withdrawn, the household served or
    closed, or the units are gone). It has been marked STALE; `reason` is a code for the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def runs_matching(actor: Actor) -> bool:
    """Match runs are city-wide: the city's coordinator and the platform admin run and review them."""
    return actor.sees_whole_jurisdiction


def _require_matching(actor: Actor) -> None:
    if not runs_matching(actor):
        raise NotAllowed("only the city's coordinator runs matching and decides on its proposals")


# --- starting a run -----------------------------------------------------------------------------------


def clean_weights(kind: str, weights: Mapping[str, object] | None) -> dict[str, float]:
    """The kind's default weights with `weights` applied, each within [WEIGHT_MIN, WEIGHT_MAX];
    `Invalid` names the criterion that is unknown or out of bounds."""
    from welcoming.matching import candidates

    defaults = candidates.DEFAULT_WEIGHTS.get(kind)
    if defaults is None:
        raise Invalid({"kind": f"no such kind of request: {kind!r}"})
    cleaned = dict(defaults)
    errors: dict[str, str] = {}
    for name, value in (weights or {}).items():
        if name not in defaults:
            errors[name] = f"{kind} has no criterion {name!r}"
            continue
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise TypeError(value)
            number = float(value)
        except (TypeError, ValueError):
            errors[name] = f"must be a number, not {value!r}"
            continue
        if not math.isfinite(number) or not WEIGHT_MIN <= number <= WEIGHT_MAX:
            errors[name] = f"must be between {WEIGHT_MIN:g} and {WEIGHT_MAX:g}"
            continue
        cleaned[name] = number
    if not errors and not any(cleaned.values()):
        errors["weights"] = "at least one criterion needs a weight above 0"
    if errors:
        raise Invalid(errors)
    return cleaned


def _enqueue(run_id: uuid.UUID) -> None:
    from welcoming.matching.tasks import run_match

    result = run_match.enqueue(str(run_id))
    MatchRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def _queue_gone(run: MatchRun) -> bool:
    """A queued or running run whose task has finished (or was never written) without finishing the
    run: the worker died in it. Such a run blocks no new start."""
    from django_tasks_db.models import DBTaskResult

    if not run.task_id:
        return run.created_at < timezone.now() - dt.timedelta(minutes=10)
    status = DBTaskResult.objects.filter(pk=run.task_id).values_list("status", flat=True).first()
    return status is None or status in ("SUCCESSFUL", "FAILED")


def run_start(*, actor: Actor, kind: str, weights: Mapping[str, object] | None = None) -> MatchRun:
    """Queue a run of `kind` for the actor's city. One queued or running run per city and kind: a
    second start returns the one already under way (a database constraint holds this too)."""
    _require_matching(actor)
    if kind not in Request.Kind.values:
        raise Invalid({"kind": f"no such kind of request: {kind!r}"})
    cleaned = clean_weights(kind, weights)
    jurisdiction = actor.jurisdiction
    try:
        with transaction.atomic():
            active = (
                MatchRun.objects.select_for_update()
                .filter(jurisdiction=jurisdiction, kind=kind, state__in=ACTIVE)
                .first()
            )
            if active is not None:
                if not _queue_gone(active):
                    return active
                _fail(active.pk, "the worker stopped before the run finished")
            run = MatchRun.objects.create(
                jurisdiction=jurisdiction, kind=kind, weights=cleaned, started_by=actor.user, stage="queued"
            )
            audit(actor, AuditEntry.Action.CREATE, record_type="matching.matchrun", record_id=run.pk, purpose=kind)
            transaction.on_commit(lambda: _enqueue(run.pk))
    except IntegrityError:
        # another coordinator started the same run a moment ago
        existing = MatchRun.objects.filter(jurisdiction=jurisdiction, kind=kind, state__in=ACTIVE).first()
        if existing is None:
            raise
        return existing
    return run


# --- the run itself (the task queue's worker calls this) -------------------------------------------------

# how much of the bar each step fills
GATHER_SHARE = 70
SOLVED_AT = 85


def _progress(run_id: uuid.UUID, percent: float, stage: str) -> None:
    """Each step in a short transaction of its own (autocommit), so the run's page sees it at once."""
    MatchRun.objects.filter(pk=run_id).update(progress=max(0, min(100, int(percent))), stage=stage[:40])


def _fail(run_id: uuid.UUID, error: str) -> None:
    MatchRun.objects.filter(pk=run_id).update(
        state=MatchRun.State.FAILED, stage="failed", error=error[:4000], finished_at=timezone.now()
    )


def _figures(gathered: Any, result: engine.Result, seconds: float) -> dict[str, Any]:
    requests = {request_id for request_id, _item in gathered.pairs.values()}
    matched_requests = {gathered.pairs[match.left][0] for match in result.matches}
    return {
        "matched": len(matched_requests),
        "proposals": len(result.matches),
        "units": sum(match.quantity for match in result.matches),
        "objective": result.objective,
        "upper_bound": result.upper_bound,
        "greedy_objective": result.greedy_objective,
        "greedy_matched": result.greedy_matched,
        "seconds": seconds,
        "solve_seconds": result.seconds,
        "requests": len(requests),
        "offers": len(gathered.offers),
        "candidates": len(gathered.problem.score),
        "fairness": [dataclasses.asdict(group) for group in result.fairness],
        "overall": dataclasses.asdict(result.overall),
        "gathering": dict(getattr(gathered, "figures", None) or {}),
    }


def execute_run(run_id: str | uuid.UUID) -> dict[str, Any]:
    """Run a queued match run: gather the open requests and published offers, solve, and write every
    proposal with its explanation and the run's figures in one transaction (a failed run writes no
    proposal and says why). A run that is not queued any more is left alone, so a task delivered
    twice runs once."""
    from welcoming.matching import candidates

    run_uuid = uuid.UUID(str(run_id))
    claimed = MatchRun.objects.filter(pk=run_uuid, state=MatchRun.State.QUEUED).update(
        state=MatchRun.State.RUNNING, started_at=timezone.now(), progress=0, stage="starting"
    )
    if not claimed:
        return {"run": str(run_uuid), "skipped": True}
    run = MatchRun.objects.select_related("jurisdiction", "started_by").get(pk=run_uuid)
    started = time.perf_counter()
    try:

        def gathering(percent: int, stage: str) -> None:
            _progress(run_uuid, percent * GATHER_SHARE / 100, stage)

        gathered = candidates.gather(run.jurisdiction, run.kind, run.weights or None, progress=gathering)
        _progress(run_uuid, GATHER_SHARE, "solving")
        result = engine.solve(gathered.problem)
        _progress(run_uuid, SOLVED_AT, "saving")
        proposals = [
            Proposal(
                run=run,
                request_id=gathered.pairs[match.left][0],
                offer_id=gathered.offers[match.right],
                item=gathered.pairs[match.left][1] or "",
                units=match.quantity,
                score=match.score,
                rank=min(match.rank, 32767),
                explanation=candidates.explanation(gathered, match),
            )
            for match in result.matches
        ]
        figures = _figures(gathered, result, time.perf_counter() - started)
        with transaction.atomic():
            Proposal.objects.bulk_create(proposals, batch_size=500)
            if run.started_by is not None and proposals:
                clients = dict(
                    Request.objects.filter(pk__in={p.request_id for p in proposals}).values_list("pk", "client_id")
                )
                audit_many(
                    actor_for(run.started_by, run.jurisdiction, via="task"),
                    AuditEntry.Action.CREATE,
                    [("matching.proposal", p.pk, clients.get(p.request_id)) for p in proposals],
                    fields=["request"],
                    purpose=f"match run {run.pk}",
                )
            MatchRun.objects.filter(pk=run_uuid).update(
                state=MatchRun.State.DONE, progress=100, stage="done", figures=figures, finished_at=timezone.now()
            )
    except Exception as exc:
        logger.exception("match run %s failed", run_uuid)
        _fail(run_uuid, f"{type(exc).__name__}: {exc}")
        raise
    return {"run": str(run_uuid), "proposals": len(proposals), "objective": figures["objective"]}


# --- deciding on proposals ------------------------------------------------------------------------------


def _audit_proposal(actor: Actor, action: str, proposal: Proposal, client_id: uuid.UUID, purpose: str) -> None:
    audit(
        actor,
        action,
        record_type="matching.proposal",
        record_id=proposal.pk,
        client_id=client_id,
        fields=["state"],
        purpose=purpose,
    )


def _item_remaining(request: Request, item: str) -> int | None:
    """For goods: how many of `item` she still needs; None when the request is not about items."""
    if request.kind != Request.Kind.GOODS or not item or not request.items:
        return None
    given = (
        Allocation.objects.filter(request=request, item=item, ended_at__isnull=True).aggregate(n=Sum("units"))["n"] or 0
    )
    return int(request.items.get(item, 0)) - int(given)


def _why_not(proposal: Proposal, offer: Offer, request: Request) -> str:
    """'' if the proposal can still be confirmed, else a code for why not."""
    if proposal.state != Proposal.State.PROPOSED:
        return f"already-{proposal.state}"
    if offer.state != Offer.State.PUBLISHED:
        return "offer-not-available"
    if request.state != Request.State.OPEN or request.client.state != Client.State.ACTIVE:
        return "request-not-open"
    if offer.capacity - offer.allocated < proposal.units:
        return "offer-taken"
    if request.wanted - request.allocated < proposal.units:
        return "request-served"
    remaining = _item_remaining(request, proposal.item)
    if remaining is not None and remaining < proposal.units:
        return "request-served"
    return ""


def _stale_others(offer: Offer, request: Request, *, except_id: uuid.UUID) -> int:
    """Mark STALE the undecided proposals (of any run) that the offer's and the request's remaining
    units can no longer carry."""
    now = timezone.now()
    offer_left = offer.capacity - offer.allocated if offer.state == Offer.State.PUBLISHED else 0
    request_left = request.wanted - request.allocated if request.state == Request.State.OPEN else 0
    undecided = Proposal.objects.filter(state=Proposal.State.PROPOSED).exclude(pk=except_id)
    stale = Q(offer=offer, units__gt=offer_left) | Q(request=request, units__gt=request_left)
    count = undecided.filter(stale).update(state=Proposal.State.STALE, decided_at=now, reason="superseded")
    if request.kind == Request.Kind.GOODS and request.items:
        for item in {i for i in undecided.filter(request=request).values_list("item", flat=True) if i}:
            left = _item_remaining(request, item) or 0
            count += undecided.filter(request=request, item=item, units__gt=left).update(
                state=Proposal.State.STALE, decided_at=now, reason="superseded"
            )
    return count


def _mark_stale(proposal_id: uuid.UUID, reason: str) -> None:
    Proposal.objects.filter(pk=proposal_id, state=Proposal.State.PROPOSED).update(
        state=Proposal.State.STALE, decided_at=timezone.now(), reason=reason
    )


def _lock(proposal_id: uuid.UUID) -> tuple[Proposal, Offer, Request]:
    """Lock the offer, then the request, then the proposal: the one order every writer here uses."""
    offer_id, request_id = Proposal.objects.filter(pk=proposal_id).values_list("offer_id", "request_id").get()
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    # of=("self",): lock these rows only, not the client, agency or run they are read with
    request = Request.objects.select_for_update(of=("self",)).select_related("client", "agency").get(pk=request_id)
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("run").get(pk=proposal_id)
    return proposal, offer, request


def _create_check_ins(allocation: Allocation, today: dt.date) -> None:
    CheckIn.objects.bulk_create(
        [CheckIn(allocation=allocation, due_on=today + dt.timedelta(days=days)) for days in CHECK_IN_DAYS]
    )


def proposal_confirm(*, actor: Actor, proposal: Proposal) -> Allocation:
    """Allocate what the proposal proposes, in one transaction: lock and re-check the offer and the
    request (published, open, enough units left), move both counters, create the allocation and its
    check-ins, mark the offer TAKEN when full and the request MATCHED when served, and mark STALE the
    other proposals that can no longer happen. The offerer and the household are told after commit.

    Raises `NoLongerPossible` (and marks the proposal STALE) when it cannot happen any more."""
    _require_matching(actor)
    if proposal.run.jurisdiction_id != actor.jurisdiction.pk:
        raise case_selectors.NotFound(proposal.pk)
    allocation = _when_unlocked(lambda: _confirm(actor, proposal.pk))
    proposal.refresh_from_db()
    return allocation


def _confirm(actor: Actor, proposal_id: uuid.UUID) -> Allocation:
    try:
        with transaction.atomic():
            locked, offer, request = _lock(proposal_id)
            reason = _why_not(locked, offer, request)
            if reason.startswith("already-"):
                raise NoLongerPossible(reason)
            allocation = None if reason else _allocate(actor, locked, offer, request)
    except IntegrityError:
        # the constraints allocated <= capacity and <= wanted: the last line of defence held
        reason, allocation = "no-units-left", None
    if allocation is None:
        _mark_stale(proposal_id, reason)
        raise NoLongerPossible(reason)
    return allocation


T = TypeVar("T")
LOCKED_RETRIES = 100


def _when_unlocked(work: Callable[[], T]) -> T:
    """SQLite writes one transaction at a time. A writer usually waits its turn (BEGIN IMMEDIATE and
    the busy timeout), but some lock conflicts (a shared-cache database, a reader upgrading to a writer)
    fail at once with "locked": the whole transaction is then tried again, a little later. Inside an
    outer transaction nothing can be retried, and PostgreSQL waits on its row locks instead."""
    for attempt in range(LOCKED_RETRIES):
        try:
            return work()
        except OperationalError as exc:
            retry = (
                connection.vendor == "sqlite"
                and "locked" in str(exc).lower()
                and not connection.in_atomic_block
                and attempt < LOCKED_RETRIES - 1
            )
            if not retry:
                raise
            time.sleep(min(0.005 * (attempt + 1), 0.1) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def _allocate(actor: Actor, proposal: Proposal, offer: Offer, request: Request) -> Allocation:
    """The writes of a confirmation, with the offer and the request locked and checked."""
    from welcoming.matching import notifications

    units = proposal.units
    Offer.objects.filter(pk=offer.pk).update(allocated=F("allocated") + units)
    Request.objects.filter(pk=request.pk).update(allocated=F("allocated") + units)
    offer.refresh_from_db(fields=["allocated", "state"])
    request.refresh_from_db(fields=["allocated", "state"])
    allocation = Allocation.objects.create(
        offer=offer, request=request, proposal=proposal, item=proposal.item, units=units, created_by=actor.user
    )
    if offer.allocated >= offer.capacity:
        Offer.objects.filter(pk=offer.pk).update(state=Offer.State.TAKEN)
        offer.state = Offer.State.TAKEN
    if request.allocated >= request.wanted:
        Request.objects.filter(pk=request.pk).update(state=Request.State.MATCHED)
        request.state = Request.State.MATCHED
    proposal.state = Proposal.State.CONFIRMED
    proposal.decided_by = actor.user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    _stale_others(offer, request, except_id=proposal.pk)
    _create_check_ins(allocation, timezone.localdate())
    _audit_proposal(actor, AuditEntry.Action.CREATE, proposal, request.client_id, "match confirmed")
    notifications.on_confirmation(actor, allocation, offer=offer, request=request)
    return allocation


def proposal_reject(*, actor: Actor, proposal: Proposal, reason: str) -> Proposal:
    """The coordinator turns a proposal down, saying why; the household and the offer stay as they are."""
    _require_matching(actor)
    if proposal.run.jurisdiction_id != actor.jurisdiction.pk:
        raise case_selectors.NotFound(proposal.pk)
    if not reason.strip():
        raise Invalid({"reason": "say why the proposal is rejected"})
    return _when_unlocked(lambda: _reject(actor, proposal, reason))


@transaction.atomic
def _reject(actor: Actor, proposal: Proposal, reason: str) -> Proposal:
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("request").get(pk=proposal.pk)
    if locked.state == Proposal.State.REJECTED:
        return locked  # the same answer sent twice
    if locked.state != Proposal.State.PROPOSED:
        raise NoLongerPossible(f"already-{locked.state}")
    locked.state = Proposal.State.REJECTED
    locked.reason = reason.strip()
    locked.decided_by = actor.user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    _audit_proposal(actor, AuditEntry.Action.UPDATE, locked, locked.request.client_id, "match rejected")
    return locked


# --- after a placement ----------------------------------------------------------------------------------


def may_follow_up(actor: Actor, client_id: uuid.UUID) -> bool:
    """Who follows a placement up: the coordinator, and those who hold the household's whole record."""
    return actor.sees_whole_jurisdiction or case_selectors.clients_in_full_scope(actor).filter(pk=client_id).exists()


def allocation_end(*, actor: Actor, allocation: Allocation, reason: str) -> Allocation:
    """The placement has ended: the units go back to the offer (published again if it was full) and the
    request waits again if it is no longer served. Ending twice changes nothing."""
    ended = _when_unlocked(lambda: _end(actor, allocation, reason))
    allocation.refresh_from_db()
    return ended


def _end(actor: Actor, allocation: Allocation, reason: str) -> Allocation:
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=allocation.offer_id)
        request = Request.objects.select_for_update().get(pk=allocation.request_id)
        locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if not may_follow_up(actor, request.client_id):
            raise NotAllowed("only the coordinator or the household's own agency ends a placement")
        if not reason.strip():
            raise Invalid({"reason": "say why the placement ended"})
        if locked.ended_at is not None:
            return locked
        Offer.objects.filter(pk=offer.pk).update(allocated=F("allocated") - locked.units)
        Request.objects.filter(pk=request.pk).update(allocated=F("allocated") - locked.units)
        if offer.state == Offer.State.TAKEN:
            Offer.objects.filter(pk=offer.pk).update(state=Offer.State.PUBLISHED)
        if request.state == Request.State.MATCHED:
            Request.objects.filter(pk=request.pk).update(state=Request.State.OPEN)
        locked.ended_at = timezone.now()
        locked.end_reason = reason.strip()
        locked.save(update_fields=["ended_at", "end_reason"])
        audit(
            actor,
            AuditEntry.Action.UPDATE,
            record_type="matching.allocation",
            record_id=locked.pk,
            client_id=request.client_id,
            fields=["ended_at", "end_reason"],
            purpose="placement ended",
        )
    return locked


def check_in_record(*, actor: Actor, check_in: CheckIn, outcome: str, note: str = "") -> CheckIn:
    """How the placement is going; "ended" also ends the allocation and frees its units."""
    if outcome not in CheckIn.Outcome.values:
        raise Invalid({"outcome": f"must be one of {', '.join(CheckIn.Outcome.values)}"})
    if outcome == CheckIn.Outcome.ENDED and not note.strip():
        raise Invalid({"note": "say why the placement ended"})
    recorded = _when_unlocked(lambda: _record(actor, check_in, outcome, note))
    check_in.refresh_from_db()
    return recorded


def _record(actor: Actor, check_in: CheckIn, outcome: str, note: str) -> CheckIn:
    with transaction.atomic():
        # the check-in's row only: ending the placement then locks the offer and the request in the
        # order every writer here uses
        locked = (
            CheckIn.objects.select_for_update(of=("self",)).select_related("allocation__request").get(pk=check_in.pk)
        )
        client_id = locked.allocation.request.client_id
        if not may_follow_up(actor, client_id):
            raise NotAllowed("only the coordinator or the household's own agency records a check-in")
        if locked.done_at is not None:
            raise Invalid({"outcome": "this check-in is already recorded"})
        locked.outcome = outcome
        locked.note = note.strip()
        locked.done_at = timezone.now()
        locked.done_by = actor.user
        locked.save(update_fields=["outcome", "note", "done_at", "done_by"])
        audit(
            actor,
            AuditEntry.Action.UPDATE,
            record_type="matching.checkin",
            record_id=locked.pk,
            client_id=client_id,
            fields=["outcome", "note"],
            purpose="check-in",
        )
        if outcome == CheckIn.Outcome.ENDED:
            allocation_end(actor=actor, allocation=locked.allocation, reason=note)
    return locked
