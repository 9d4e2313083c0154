"""Staff pages of match runs and follow-up check-ins: thin views over `run_selectors` (reads, scoped
and audited) and `run_services` (writes). Every form is a plain POST that works without JavaScript;
the run's page refreshes itself while the run goes on (a static script polls its progress, or a
<meta> refresh without scripts)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from welcoming.accounts.staff import StaffRequest, staff_view
from welcoming.cases.forms import SERVICE_MESSAGES
from welcoming.matching import run_selectors, run_services
from welcoming.matching.models import CheckIn, MatchRun, Proposal
from welcoming.matching.run_services import Invalid, NoLongerPossible

# what the run is doing, by its stage code; a stage of the gathering not named here reads as gathering
STAGES: dict[str, Promise] = {
    "queued": gettext_lazy("Waiting for the worker to pick the run up"),
    "starting": gettext_lazy("Starting"),
    # the candidate builder's steps (candidates.gather)
    "loading": gettext_lazy("Reading the waiting households and the published offers"),
    "loaded": gettext_lazy("Reading the waiting households and the published offers"),
    "constraints": gettext_lazy("Checking which households and offers may be paired"),
    "rules": gettext_lazy("Checking the housing rules"),
    "scores": gettext_lazy("Scoring the pairs that are allowed"),
    "gathered": gettext_lazy("Scoring the pairs that are allowed"),
    "solving": gettext_lazy("Finding the best set of matches"),
    "saving": gettext_lazy("Saving the proposals"),
    "done": gettext_lazy("Done"),
    "failed": gettext_lazy("Failed"),
}
GATHERING = gettext_lazy("Gathering the waiting households and the published offers")

CRITERIA: dict[str, Promise] = {
    "fit": gettext_lazy("Fit (rooms, beds, condition, profession or skills)"),
    "waiting": gettext_lazy("Time waiting"),
    "school": gettext_lazy("Close to the children's school"),
    "work": gettext_lazy("Close to work"),
    "services": gettext_lazy("Close to the neighbourhoods she prefers"),
    "distance": gettext_lazy("Distance"),
    "language": gettext_lazy("Language"),
    "preferences": gettext_lazy("Her preferences (neighbourhood, rent)"),
}

# why a proposal could not be confirmed, by the service's reason code
NOT_POSSIBLE: dict[str, Promise] = {
    "offer-taken": gettext_lazy("The offer has no units left: another proposal took them."),
    "offer-not-available": gettext_lazy("The offer is no longer published (taken, withdrawn or rejected)."),
    "request-not-open": gettext_lazy("The household is no longer waiting for this."),
    "request-served": gettext_lazy("The household already has what she asked for."),
    "no-units-left": gettext_lazy("Someone else confirmed a match for the same units a moment ago."),
    "already-confirmed": gettext_lazy("This proposal is already confirmed."),
    "already-rejected": gettext_lazy("This proposal is already rejected."),
    "already-stale": gettext_lazy("This proposal is no longer possible."),
}


def stage_label(run: MatchRun | dict[str, object]) -> str:
    stage = str(run["stage"] if isinstance(run, dict) else run.stage)
    return str(STAGES.get(stage, GATHERING))


def not_possible(reason: str) -> str:
    return str(NOT_POSSIBLE.get(reason, _("This proposal is no longer possible.")))


def criterion_label(name: str) -> str:
    return str(CRITERIA.get(name, name))


# --- runs ----------------------------------------------------------------------------------------------


@staff_view
def runs(request: StaffRequest) -> HttpResponse:
    page = run_selectors.runs_page(request.actor)
    kinds = [
        {
            "kind": kind,
            "weights": [
                {"name": name, "label": criterion_label(name), "value": value} for name, value in kind.weights.items()
            ],
        }
        for kind in page.kinds
    ]
    return render(
        request,
        "runs/runs.html",
        {"page": page, "kinds": kinds, "weight_min": run_services.WEIGHT_MIN, "weight_max": run_services.WEIGHT_MAX},
    )


@require_POST
@staff_view
def run_start(request: StaffRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    weights = {
        name.removeprefix("w_"): request.POST.get(name, "").strip()
        for name in request.POST
        if name.startswith("w_") and request.POST.get(name, "").strip()
    }
    try:
        run = run_services.run_start(actor=request.actor, kind=kind, weights=weights)
    except Invalid as exc:
        for key, text in exc.errors.items():
            label = criterion_label(key) if key not in ("kind", "weights") else ""
            messages.error(
                request,
                _("%(criterion)s: the weight must be a number from %(min)s to %(max)s.")
                % {
                    "criterion": label,
                    "min": f"{run_services.WEIGHT_MIN:g}",
                    "max": f"{run_services.WEIGHT_MAX:g}",
                }
                if label
                else (_("Give at least one criterion a weight above 0.") if key == "weights" else str(text)),
            )
        return redirect("staff:matching")
    return redirect("staff:run", run_id=run.pk)


def _back_to_run(run_id: uuid.UUID, request: StaffRequest, anchor: str = "") -> HttpResponse:
    query = {
        key: request.POST[key] for key in ("state", "page") if request.POST.get(key, "").replace("_", "").isalnum()
    }
    url = reverse("staff:run", kwargs={"run_id": run_id})
    return redirect(url + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else ""))


@staff_view
def run(request: StaffRequest, run_id: uuid.UUID) -> HttpResponse:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = run_selectors.run_page(request.actor, run_id, state=request.GET.get("state", ""), page=number)
    going = page.run.state in (MatchRun.State.QUEUED, MatchRun.State.RUNNING)
    states = [(value, label, page.counts.get(value, 0)) for value, label in Proposal.State.choices]
    return render(
        request,
        "runs/run.html",
        {
            "page": page,
            "going": going,
            "stage": stage_label(page.run),
            "states": states,
            "total": sum(page.counts.values()),
            "weights": [(criterion_label(name), value) for name, value in (page.run.weights or {}).items()],
        },
    )


@staff_view
def run_progress(request: StaffRequest, run_id: uuid.UUID) -> HttpResponse:
    progress = run_selectors.run_progress(request.actor, run_id)
    return JsonResponse(
        {
            **progress,
            "stage_label": stage_label(progress),
            "state_label": str(MatchRun.State(progress["state"]).label),
        },
        headers={"Cache-Control": "no-store"},
    )


@require_POST
@staff_view
def proposal_confirm(request: StaffRequest, proposal_id: uuid.UUID) -> HttpResponse:
    proposal = run_selectors.proposal_for(request.actor, proposal_id)
    try:
        run_services.proposal_confirm(actor=request.actor, proposal=proposal)
    except NoLongerPossible as exc:
        messages.error(request, not_possible(exc.reason))
    else:
        messages.success(
            request,
            _(
                "Confirmed: the units are allocated, the offerer and the household's caseworker are told, "
                "and check-ins are planned."
            ),
        )
    return _back_to_run(proposal.run_id, request, anchor=f"p-{proposal.pk}")


@require_POST
@staff_view
def proposal_reject(request: StaffRequest, proposal_id: uuid.UUID) -> HttpResponse:
    proposal = run_selectors.proposal_for(request.actor, proposal_id)
    try:
        run_services.proposal_reject(actor=request.actor, proposal=proposal, reason=request.POST.get("reason", ""))
    except Invalid:
        messages.error(request, _("Say why the proposal is rejected."))
    except NoLongerPossible as exc:
        messages.error(request, not_possible(exc.reason))
    else:
        messages.success(request, _("The proposal is rejected."))
    return _back_to_run(proposal.run_id, request, anchor=f"p-{proposal.pk}")


@require_POST
@staff_view
def allocation_end(request: StaffRequest, allocation_id: uuid.UUID) -> HttpResponse:
    allocation = run_selectors.allocation_for(request.actor, allocation_id)
    try:
        run_services.allocation_end(actor=request.actor, allocation=allocation, reason=request.POST.get("reason", ""))
    except Invalid:
        messages.error(request, _("Say why the placement ended."))
    else:
        messages.success(request, _("The placement has ended: the units are free again."))
    if allocation.proposal is not None and run_services.runs_matching(request.actor):
        return _back_to_run(allocation.proposal.run_id, request, anchor=f"p-{allocation.proposal_id}")
    return redirect("staff:check-ins")


# --- check-ins ------------------------------------------------------------------------------------------


@staff_view
def check_ins(request: StaffRequest) -> HttpResponse:
    rows = run_selectors.check_ins_due(request.actor)
    return render(request, "checkins/check_ins.html", {"rows": rows})


@staff_view
def check_in(request: StaffRequest, check_in_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    row = run_selectors.check_in_for(actor, check_in_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        outcome = request.POST.get("outcome", "")
        note = request.POST.get("note", "")
        try:
            run_services.check_in_record(actor=actor, check_in=row, outcome=outcome, note=note)
        except Invalid as exc:
            errors = {
                key: str(
                    {
                        "outcome": _("Choose how the placement is going."),
                        "note": _("Say why the placement ended."),
                    }.get(key, SERVICE_MESSAGES.get(key, text))
                )
                for key, text in exc.errors.items()
            }
        else:
            messages.success(request, _("The check-in is recorded."))
            return redirect("staff:check-ins")
    return render(
        request,
        "checkins/check_in.html",
        {
            "row": row,
            "history": run_selectors.check_in_history(row),
            "outcomes": CheckIn.Outcome.choices,
            "errors": errors,
            "chosen": request.POST.get("outcome", ""),
            "note": request.POST.get("note", ""),
        },
        status=400 if errors else 200,
    )
