"""The test the issue asks for: two coordinators, each on her own database connection, confirm two
different proposals for the same one-unit offer at the same moment. Exactly one allocation exists
afterwards and the other proposal is STALE — twenty times over, so that the two really meet.

On PostgreSQL the two transactions run at once and meet on the offer's row lock; on SQLite writes
are serialised (BEGIN IMMEDIATE, with a busy timeout), so the second waits for the first and then
finds the offer taken (the in-memory test database, shared between threads, answers some conflicts
at once with "table is locked": the services try the whole transaction again). Both must end cleanly,
without a deadlock or a lock error. `make test` runs this file on both."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Membership, Role, User
from welcoming.community.models import Offer
from welcoming.matching import run_services
from welcoming.matching.models import Allocation, Proposal
from welcoming.matching.run_services import NoLongerPossible
from welcoming.matching.tests import run_factories as make
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 20


@pytest.fixture
def second_coordinator(riverton: Jurisdiction) -> User:
    user = User.objects.create_user("colm", "colm@example.org", "a-long-password-1")
    Membership.objects.create(user=user, jurisdiction=riverton, role=Role.COORDINATOR)
    return user


Prepared = Callable[[], Callable[[], str]]


def at_once(prepared: list[Prepared]) -> list[str]:
    """Each piece of work in a thread of its own (so on a database connection of its own): its reads
    first, then all released by one barrier to write at the same moment. Returns what each got: what
    its work returned, "no longer possible", or the error."""
    barrier = threading.Barrier(len(prepared))
    outcomes = ["" for _ in prepared]

    def run(index: int) -> None:
        try:
            work = prepared[index]()
            barrier.wait(timeout=10)
            outcomes[index] = work()
        except NoLongerPossible:
            outcomes[index] = "no longer possible"
        except Exception as exc:  # what a failing test needs to see
            outcomes[index] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(prepared))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a decision hung: a deadlock?"
    return outcomes


def confirming(user: User, proposal: Proposal, jurisdiction: Jurisdiction) -> Prepared:
    def prepare() -> Callable[[], str]:
        actor = actor_for(user, jurisdiction)
        mine = Proposal.objects.select_related("run").get(pk=proposal.pk)

        def go() -> str:
            run_services.proposal_confirm(actor=actor, proposal=mine)
            return "allocated"

        return go

    return prepare


def rejecting(user: User, proposal: Proposal, jurisdiction: Jurisdiction) -> Prepared:
    def prepare() -> Callable[[], str]:
        actor = actor_for(user, jurisdiction)
        mine = Proposal.objects.select_related("run").get(pk=proposal.pk)

        def go() -> str:
            run_services.proposal_reject(actor=actor, proposal=mine, reason="She found a flat herself.")
            return "rejected"

        return go

    return prepare


def test_two_coordinators_confirming_two_proposals_for_one_flat_at_once_allocate_it_once(
    monkeypatch: pytest.MonkeyPatch,
    riverton: Jurisdiction,
    coordinator: User,
    second_coordinator: User,
    caseworker_a: User,
) -> None:
    # the first to lock the flat holds her locks a moment longer than a fast machine would, so the
    # other is certainly inside her own confirmation, waiting, when the first commits
    plan_check_ins = run_services._create_check_ins

    def slowly(*args: Any, **kwargs: Any) -> None:
        time.sleep(0.05)
        plan_check_ins(*args, **kwargs)

    monkeypatch.setattr(run_services, "_create_check_ins", slowly)
    olena = make.household(caseworker_a, riverton)
    omar = make.household(caseworker_a, riverton, given="Omar", family="Haddad")
    host = make.offerer(riverton)
    for round_ in range(ROUNDS):
        flat = make.published_offer(riverton, by=host, title=f"Flat {round_}")
        requests = [make.open_request(olena), make.open_request(omar)]
        _run, proposals = make.done_run(riverton, [(requests[0], flat, 70.0), (requests[1], flat, 65.0)])
        # the two coordinators in turn go first in the list, so neither always wins the start
        users = [coordinator, second_coordinator][:: 1 if round_ % 2 else -1]
        outcomes = at_once([confirming(user, p, riverton) for user, p in zip(users, proposals, strict=True)])
        assert sorted(outcomes) == ["allocated", "no longer possible"], f"round {round_}: {outcomes}"
        assert Allocation.objects.filter(offer=flat).count() == 1, f"round {round_}"
        flat.refresh_from_db()
        assert (flat.allocated, flat.state) == (1, Offer.State.TAKEN)
        states = sorted(Proposal.objects.filter(offer=flat).values_list("state", flat=True))
        assert states == [Proposal.State.CONFIRMED, Proposal.State.STALE], f"round {round_}: {states}"


def test_confirming_and_rejecting_one_proposal_at_once_ends_one_way_or_the_other(
    riverton: Jurisdiction, coordinator: User, second_coordinator: User, caseworker_a: User
) -> None:
    """The reject locks only the proposal's row, the confirm the offer, the request, then the proposal:
    whichever comes second finds the first's decision, and nothing waits for ever."""
    olena = make.household(caseworker_a, riverton)
    host = make.offerer(riverton)
    for round_ in range(ROUNDS // 2):
        flat = make.published_offer(riverton, by=host, title=f"Flat {round_}")
        _run, (proposal,) = make.done_run(riverton, [(make.open_request(olena), flat, 70.0)])
        outcomes = at_once(
            [confirming(coordinator, proposal, riverton), rejecting(second_coordinator, proposal, riverton)]
        )
        state = Proposal.objects.get(pk=proposal.pk).state
        allocated = Allocation.objects.filter(proposal=proposal).exists()
        assert sorted(outcomes) in (["allocated", "no longer possible"], ["no longer possible", "rejected"]), (
            f"round {round_}: {outcomes}"
        )
        assert (state, allocated) in ((Proposal.State.CONFIRMED, True), (Proposal.State.REJECTED, False))
        assert Offer.objects.get(pk=flat.pk).allocated == int(allocated)
