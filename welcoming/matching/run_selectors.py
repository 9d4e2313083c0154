"""Reading match runs, their proposals and the follow-up check-ins, scoped to the acting user.

Runs are city-wide: the coordinator (and the platform admin) reads them whole. An analyst reads the
list of runs with their figures (counts, scores, shares per group: no person in them) and nothing
else. Agency staff do not see runs; they see the check-ins of the households whose record they hold.
Anything outside the scope is `NotFound`, like an id that does not exist; a role refused the page
itself is `NotAllowed`. Showing households on a run's page is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from welcoming.accounts.actors import Actor
from welcoming.accounts.audit import audit_many
from welcoming.accounts.models import AuditEntry, Role
from welcoming.cases import selectors as case_selectors
from welcoming.cases.selectors import NotFound
from welcoming.cases.services import NotAllowed
from welcoming.community import vocab
from welcoming.matching.models import Allocation, CheckIn, MatchRun, Proposal, Request
from welcoming.matching.run_services import runs_matching

PROPOSALS_PER_PAGE = 50
RUNS_LISTED = 50
#: check-ins listed ahead of their day
CHECK_IN_HORIZON_DAYS = 7


def sees_run_figures(actor: Actor) -> bool:
    return runs_matching(actor) or Role.ANALYST in actor.roles


def _parse(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound(value) from exc


def group_label(kind: str, group: str) -> str:
    """A fairness group's name. The candidate builder groups households by size for homes and goods
    ("1", "2", "3-4", "5+") and people by their first language for the other kinds ("?": not said)."""
    from django.utils.translation import get_language, ngettext
    from django.utils.translation import gettext as _

    from welcoming.triage.wording import language_name

    if kind in (Request.Kind.HOUSING, Request.Kind.HOST_ROOM, Request.Kind.GOODS):
        if group.isdigit():
            return ngettext("Households of %(n)s person", "Households of %(n)s people", int(group)) % {"n": group}
        low, _dash, high = group.partition("-")
        if low.isdigit() and high.isdigit():
            return _("Households of %(low)s to %(high)s people") % {"low": low, "high": high}
        if group.endswith("+") and group[:-1].isdigit():
            return _("Households of %(n)s people or more") % {"n": group[:-1]}
    elif group == "?":
        return _("First language not known")
    elif group:
        return _("First language: %(language)s") % {"language": language_name(group, get_language() or "en")}
    return group or _("Everyone")


# --- runs -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """A run's figures, read for a page."""

    matched: int
    proposals: int
    requests: int
    offers: int
    candidates: int
    objective: float
    upper_bound: float
    gap: float
    gap_share: float | None
    greedy_objective: float
    gain_over_greedy: float
    gain_share: float | None
    seconds: float
    mean_rank: float | None
    envious: int
    groups: list[dict[str, Any]]

    @classmethod
    def of(cls, run: MatchRun) -> Figures | None:
        raw = run.figures or {}
        if run.state != MatchRun.State.DONE or "objective" not in raw:
            return None
        objective = float(raw.get("objective", 0.0))
        bound = float(raw.get("upper_bound", objective))
        greedy = float(raw.get("greedy_objective", 0.0))
        overall = raw.get("overall") or {}
        return cls(
            matched=int(raw.get("matched", 0)),
            proposals=int(raw.get("proposals", 0)),
            requests=int(raw.get("requests", 0)),
            offers=int(raw.get("offers", 0)),
            candidates=int(raw.get("candidates", 0)),
            objective=objective,
            upper_bound=bound,
            gap=max(bound - objective, 0.0),
            gap_share=max(bound - objective, 0.0) / bound * 100 if bound > 0 else None,
            greedy_objective=greedy,
            gain_over_greedy=objective - greedy,
            gain_share=(objective - greedy) / greedy * 100 if greedy > 0 else None,
            seconds=float(raw.get("seconds", 0.0)),
            mean_rank=overall.get("mean_rank"),
            envious=int(overall.get("envious", 0)),
            groups=[
                {
                    **group,
                    "label": group_label(run.kind, str(group.get("group", ""))),
                    "share_percent": float(group.get("share_matched", 0.0)) * 100,
                }
                for group in raw.get("fairness") or []
            ],
        )


@dataclass(frozen=True)
class RunRow:
    run: MatchRun
    figures: Figures | None


@dataclass(frozen=True)
class KindToStart:
    kind: str
    label: str
    weights: dict[str, float]
    active: MatchRun | None


@dataclass(frozen=True)
class RunsPage:
    rows: list[RunRow]
    kinds: list[KindToStart]
    may_start: bool
    may_open: bool


def runs_page(actor: Actor) -> RunsPage:
    if not sees_run_figures(actor):
        raise NotAllowed("your role does not see match runs")
    runs = list(MatchRun.objects.filter(jurisdiction=actor.jurisdiction).select_related("started_by")[:RUNS_LISTED])
    may_start = runs_matching(actor)
    kinds: list[KindToStart] = []
    if may_start:
        from welcoming.matching import candidates

        active = {
            run.kind: run
            for run in MatchRun.objects.filter(
                jurisdiction=actor.jurisdiction, state__in=[MatchRun.State.QUEUED, MatchRun.State.RUNNING]
            )
        }
        last = {}
        for run in reversed(runs):  # the latest run's weights are the ones shown
            last[run.kind] = run.weights
        for kind, label in Request.Kind.choices:
            defaults = dict(candidates.DEFAULT_WEIGHTS.get(kind, {}))
            if not defaults:
                continue
            weights = {name: float(last.get(kind, {}).get(name, value)) for name, value in defaults.items()}
            kinds.append(KindToStart(kind=kind, label=str(label), weights=weights, active=active.get(kind)))
    return RunsPage(
        rows=[RunRow(run=run, figures=Figures.of(run)) for run in runs],
        kinds=kinds,
        may_start=may_start,
        may_open=may_start,
    )


def run_for(actor: Actor, run_id: object) -> MatchRun:
    if not runs_matching(actor):
        raise NotAllowed("only the city's coordinator reviews match runs")
    try:
        return MatchRun.objects.select_related("started_by").get(pk=_parse(run_id), jurisdiction=actor.jurisdiction)
    except MatchRun.DoesNotExist as exc:
        raise NotFound(run_id) from exc


def run_progress(actor: Actor, run_id: object) -> dict[str, Any]:
    run = MatchRun.objects.filter(pk=run_for(actor, run_id).pk).values("state", "progress", "stage").get()
    return {**run, "finished": run["state"] in (MatchRun.State.DONE, MatchRun.State.FAILED)}


@dataclass
class ProposalRow:
    proposal: Proposal
    client_code: str
    household_size: int
    item_label: str = ""
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    allocation: Allocation | None = None


@dataclass(frozen=True)
class RunPage:
    run: MatchRun
    figures: Figures | None
    rows: list[ProposalRow]
    counts: dict[str, int]
    state: str
    page: int
    pages: int


def _words(explanation: Iterable[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The explanation's reasons (criteria) and flags (rule findings to check), each one sentence."""
    from welcoming.matching import wording

    reasons: list[str] = []
    flags: list[str] = []
    for item in explanation:
        if not isinstance(item, dict) or "code" not in item:
            continue
        code = str(item["code"])
        sentence = wording.explain(code, item.get("params") or {})
        (reasons if code.startswith("criterion.") else flags).append(sentence)
    return reasons, flags


def run_page(actor: Actor, run_id: object, *, state: str = "", page: int = 1) -> RunPage:
    """A run with one page of its proposals (best score first), each with its explanation in words."""
    run = run_for(actor, run_id)
    proposals: QuerySet[Proposal] = run.proposals.select_related("request__client", "offer", "offer__area")
    counts = {value: 0 for value in Proposal.State.values}
    for value, count in _counted(run):
        counts[value] = count
    if state in Proposal.State.values:
        proposals = proposals.filter(state=state)
    else:
        state = ""
    total = counts[state] if state else sum(counts.values())
    pages = max(1, -(-total // PROPOSALS_PER_PAGE))
    page = min(max(page, 1), pages)
    chosen = list(proposals.order_by("-score", "pk")[(page - 1) * PROPOSALS_PER_PAGE : page * PROPOSALS_PER_PAGE])
    allocations = {a.proposal_id: a for a in Allocation.objects.filter(proposal__in=chosen)}
    rows = []
    for proposal in chosen:
        reasons, flags = _words(proposal.explanation or [])
        client = proposal.request.client
        rows.append(
            ProposalRow(
                proposal=proposal,
                client_code=client.code or client.reference or "",
                household_size=proposal.request.household_size,
                item_label=str(vocab.ITEMS.get(proposal.item, proposal.item)) if proposal.item else "",
                reasons=reasons,
                flags=flags,
                allocation=allocations.get(proposal.pk),
            )
        )
    if rows:
        audit_many(
            actor,
            AuditEntry.Action.READ,
            [("cases.client", row.proposal.request.client_id, row.proposal.request.client_id) for row in rows],
            fields=["code", "household"],
            purpose=f"match run {run.pk}",
        )
    return RunPage(run=run, figures=Figures.of(run), rows=rows, counts=counts, state=state, page=page, pages=pages)


def _counted(run: MatchRun) -> list[tuple[str, int]]:
    from django.db.models import Count

    return list(run.proposals.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))


def proposal_for(actor: Actor, proposal_id: object) -> Proposal:
    if not runs_matching(actor):
        raise NotAllowed("only the city's coordinator decides on proposals")
    try:
        return Proposal.objects.select_related("run", "request").get(
            pk=_parse(proposal_id), run__jurisdiction=actor.jurisdiction
        )
    except Proposal.DoesNotExist as exc:
        raise NotFound(proposal_id) from exc


def allocation_for(actor: Actor, allocation_id: object) -> Allocation:
    """An allocation of a household whose record the actor holds (the coordinator: any in the city)."""
    if not actor.works_with_clients:
        raise NotAllowed("your role does not follow placements up")
    try:
        return Allocation.objects.select_related("request", "offer", "proposal").get(
            pk=_parse(allocation_id),
            request__client__in=case_selectors.clients_in_full_scope(actor).values("pk"),
        )
    except Allocation.DoesNotExist as exc:
        raise NotFound(allocation_id) from exc


# --- check-ins -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInRow:
    check_in: CheckIn
    overdue: bool
    client_id: uuid.UUID
    client_code: str


def _check_ins(actor: Actor) -> QuerySet[CheckIn]:
    if not actor.works_with_clients:
        raise NotAllowed("your role does not follow placements up")
    return CheckIn.objects.filter(
        allocation__request__client__in=case_selectors.clients_in_full_scope(actor).values("pk"),
        allocation__request__jurisdiction=actor.jurisdiction,
    )


def check_ins_due(actor: Actor, *, today: dt.date | None = None) -> list[CheckInRow]:
    """Check-ins not yet recorded, of placements that go on, due within the horizon or overdue: the
    oldest first."""
    today = today or timezone.localdate()
    rows = (
        _check_ins(actor)
        .filter(
            done_at__isnull=True,
            allocation__ended_at__isnull=True,
            due_on__lte=today + dt.timedelta(days=CHECK_IN_HORIZON_DAYS),
        )
        .select_related("allocation__offer", "allocation__request__client")
        .order_by("due_on", "pk")
    )
    found = [
        CheckInRow(
            check_in=row,
            overdue=row.due_on < today,
            client_id=row.allocation.request.client_id,
            client_code=row.allocation.request.client.code or "",
        )
        for row in rows
    ]
    if found:
        audit_many(
            actor,
            AuditEntry.Action.READ,
            [("cases.client", row.client_id, row.client_id) for row in found],
            fields=["code", "check-ins"],
            purpose="check-ins due",
        )
    return found


def check_in_for(actor: Actor, check_in_id: object) -> CheckIn:
    try:
        found = (
            _check_ins(actor)
            .select_related("allocation__offer", "allocation__request__client")
            .get(pk=_parse(check_in_id))
        )
    except CheckIn.DoesNotExist as exc:
        raise NotFound(check_in_id) from exc
    case_selectors.audit_client(
        actor, AuditEntry.Action.READ, found.allocation.request.client, ["code", "check-ins"], "check-in"
    )
    return found


def check_in_history(check_in: CheckIn) -> list[CheckIn]:
    """The placement's check-ins, recorded or not, for the check-in's page."""
    return list(CheckIn.objects.filter(allocation_id=check_in.allocation_id).order_by("due_on"))
