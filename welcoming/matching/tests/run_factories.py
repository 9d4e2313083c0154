"""Households, offers, runs and proposals for the tests of match runs, allocations and check-ins (and the
role matrix and IDOR tests, which open their pages).

Households are registered through the case services (as staff do); requests, offers and proposals
are written directly, as the request and offer forms and a run would leave them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import User
from welcoming.cases import services as case_services
from welcoming.cases.models import Client
from welcoming.cases.services import Person
from welcoming.community.models import Offer, Offerer
from welcoming.lib.crypto import keyring
from welcoming.matching.models import MatchRun, Proposal, Request
from welcoming.places.models import Jurisdiction


def household(
    caseworker: User,
    jurisdiction: Jurisdiction,
    *,
    given: str = "Olena",
    family: str = "Koval",
    email: str = "",
    channel: str = "",
    languages: Sequence[str] = ("uk",),
) -> Client:
    return case_services.client_register(
        actor=actor_for(caseworker, jurisdiction),
        person=Person(
            given_name=given, family_name=family, email=email, preferred_channel=channel, languages=list(languages)
        ),
        consent_method="written",
    )


def open_request(
    client: Client,
    *,
    kind: str = Request.Kind.HOUSING,
    wanted: int = 1,
    items: dict[str, int] | None = None,
    adults: int = 2,
    couple: bool = True,
    children: Sequence[tuple[int, str]] = ((6, "f"), (9, "m")),
    waited_days: int = 120,
) -> Request:
    assert client.agency_id is not None
    return Request.objects.create(
        jurisdiction_id=client.jurisdiction_id,
        client=client,
        agency_id=client.agency_id,
        kind=kind,
        waiting_since=timezone.localdate() - dt.timedelta(days=waited_days),
        wanted=wanted,
        items=items or {},
        adults=adults,
        couple=couple and adults >= 2,
        children=[list(child) for child in children],
        monthly_income="2400",
    )


def offerer(
    jurisdiction: Jurisdiction, *, name: str = "Marie Dubois", email: str = "marie@example.org", language: str = "fr"
) -> Offerer:
    return Offerer.objects.create(
        jurisdiction=jurisdiction,
        name=name,
        email=email,
        email_index=keyring().blind_index(email.lower(), "email"),
        language=language,
        consent_at=timezone.now(),
    )


def published_offer(
    jurisdiction: Jurisdiction,
    *,
    by: Offerer | None = None,
    kind: str = Offer.Kind.HOUSING,
    title: str = "Three-bedroom flat near the park",
    capacity: int = 1,
    item: str = "",
    **facts: Any,
) -> Offer:
    defaults: dict[str, Any] = {"bedrooms": 3, "beds": 4, "rent_monthly": "700"} if kind == Offer.Kind.HOUSING else {}
    return Offer.objects.create(
        jurisdiction=jurisdiction,
        offerer=by or offerer(jurisdiction),
        kind=kind,
        state=Offer.State.PUBLISHED,
        title=title,
        text_language="en",
        capacity=capacity,
        item=item,
        **{**defaults, **facts},
    )


def done_run(
    jurisdiction: Jurisdiction,
    pairs: Sequence[tuple[Request, Offer, float]],
    *,
    kind: str = Request.Kind.HOUSING,
    started_by: User | None = None,
    units: int = 1,
    item: str = "",
) -> tuple[MatchRun, list[Proposal]]:
    """A finished run with one proposal per (request, offer, score), as the worker would leave it."""
    run = MatchRun.objects.create(
        jurisdiction=jurisdiction,
        kind=kind,
        state=MatchRun.State.DONE,
        progress=100,
        stage="done",
        started_by=started_by,
        figures={
            "matched": len(pairs),
            "proposals": len(pairs),
            "objective": sum(score for _r, _o, score in pairs),
            "upper_bound": sum(score for _r, _o, score in pairs),
            "greedy_objective": sum(score for _r, _o, score in pairs),
            "requests": len({r.pk for r, _o, _s in pairs}),
            "offers": len({o.pk for _r, o, _s in pairs}),
            "candidates": len(pairs),
            "seconds": 0.01,
            "fairness": [],
            "overall": {"mean_rank": 1.0, "envious": 0},
        },
        finished_at=timezone.now(),
    )
    proposals = [
        Proposal.objects.create(
            run=run,
            request=request,
            offer=offer,
            item=item,
            units=units,
            score=score,
            rank=1,
            explanation=[{"code": "criterion.waiting", "params": {"points": score, "days": 120}}],
        )
        for request, offer, score in pairs
    ]
    return run, proposals


# --- a stand-in for the candidate builder, for the tests about runs rather than candidates ----------------


class StandIn:
    """`candidates.gather` and `explanation` in small: every open request of the kind with every published
    offer of the kind, scored by how long she has waited plus a little per offer, so the optimum is known.
    `fail_with` makes `gather` raise; `bogus_request` adds a pair whose request does not exist."""

    def __init__(self, *, fail_with: Exception | None = None, bogus_request: bool = False) -> None:
        self.fail_with = fail_with
        self.bogus_request = bogus_request
        self.stages: list[tuple[int, str]] = []
        self.on_progress: Any = None
        from welcoming.matching import scoring

        self.DEFAULT_WEIGHTS = scoring.DEFAULT_WEIGHTS

    def gather(self, jurisdiction: Jurisdiction, kind: str, weights: Any = None, progress: Any = None) -> Any:
        import uuid
        from types import SimpleNamespace

        from welcoming.matching import engine

        if progress is not None:
            progress(10, "requests")
            if self.on_progress is not None:
                self.on_progress()
        if self.fail_with is not None:
            raise self.fail_with
        requests = list(Request.objects.filter(jurisdiction=jurisdiction, kind=kind, state=Request.State.OPEN))
        offers = list(Offer.objects.filter(jurisdiction=jurisdiction, kind=kind, state=Offer.State.PUBLISHED))
        pairs = {f"r{i}": (request.pk, "") for i, request in enumerate(requests)}
        if self.bogus_request:
            pairs["ghost"] = (uuid.uuid4(), "")
        rights = {f"o{j}": offer.pk for j, offer in enumerate(offers)}
        today = timezone.localdate()
        edges = []
        for left, (request_id, _item) in pairs.items():
            waited = next(((today - r.waiting_since).days for r in requests if r.pk == request_id), 1000)
            for j, _offer in enumerate(offers):
                edges.append((left, f"o{j}", float(waited) + j))
        problem = engine.Problem.from_edges(
            edges,
            left_capacity={left: 1 for left in pairs},
            right_capacity={
                right: offer.capacity - offer.allocated for right, offer in zip(rights, offers, strict=True)
            },
            groups={left: "all" for left in pairs},
        )
        if progress is not None:
            progress(100, "candidates")
        return SimpleNamespace(problem=problem, pairs=pairs, offers=rights, notes={})

    def explanation(self, gathered: Any, match: Any) -> list[dict[str, Any]]:
        return [{"code": "criterion.waiting", "params": {"points": match.score}}]


def use_stand_in(monkeypatch: Any, stand_in: StandIn | None = None) -> StandIn:
    """Put the stand-in where the runs look for the candidate builder."""
    import sys
    import types

    import welcoming.matching

    stand_in = stand_in or StandIn()
    module = types.ModuleType("welcoming.matching.candidates")
    module.gather = stand_in.gather  # type: ignore[attr-defined]
    module.explanation = stand_in.explanation  # type: ignore[attr-defined]
    module.DEFAULT_WEIGHTS = stand_in.DEFAULT_WEIGHTS  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "welcoming.matching.candidates", module)
    monkeypatch.setattr(welcoming.matching, "candidates", module, raising=False)
    return stand_in


def work_off_the_queue() -> None:
    """What `manage.py db_worker --batch` does, without taking over the test process's signals: run
    every task waiting in the queue, then return. Needs a test that commits (transaction=True)."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
