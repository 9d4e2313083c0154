"""Confirming a proposal allocates atomically; rejecting needs a reason; ending a placement gives the
units back. The offerer and the household hear of it, and check-ins are planned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.models import AuditEntry, User
from welcoming.cases.models import Consent, Task
from welcoming.community.models import Offer
from welcoming.matching import run_services
from welcoming.matching.models import Allocation, CheckIn, Proposal, Request
from welcoming.matching.run_services import Invalid, NoLongerPossible, NotAllowed
from welcoming.matching.tests import run_factories as make
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def cora(riverton: Jurisdiction, coordinator: User) -> Actor:
    return actor_for(coordinator, riverton)


@pytest.fixture
def flat_for_two(riverton: Jurisdiction, caseworker_a: User) -> dict[str, Any]:
    """One flat, proposed to two households (by two runs, say): only one of them can have it."""
    olena = make.household(caseworker_a, riverton, email="olena@example.org", channel="email")
    omar = make.household(caseworker_a, riverton, given="Omar", family="Haddad", languages=["ar"])
    flat = make.published_offer(riverton)
    first = make.open_request(olena)
    second = make.open_request(omar)
    _run, (to_olena, to_omar) = make.done_run(riverton, [(first, flat, 80.0), (second, flat, 60.0)])
    return {"flat": flat, "olena": olena, "omar": omar, "to_olena": to_olena, "to_omar": to_omar}


def test_confirming_allocates_the_flat_marks_it_taken_and_the_other_proposal_stale(
    cora: Actor, flat_for_two: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        allocation = run_services.proposal_confirm(actor=cora, proposal=flat_for_two["to_olena"])
    flat = Offer.objects.get(pk=flat_for_two["flat"].pk)
    assert (flat.allocated, flat.state) == (1, Offer.State.TAKEN)
    request = allocation.request
    request.refresh_from_db()
    assert (request.allocated, request.state) == (1, Request.State.MATCHED)
    assert (allocation.units, allocation.offer_id, allocation.created_by) == (1, flat.pk, cora.user)
    confirmed = Proposal.objects.get(pk=flat_for_two["to_olena"].pk)
    assert (confirmed.state, confirmed.decided_by) == (Proposal.State.CONFIRMED, cora.user)
    assert Proposal.objects.get(pk=flat_for_two["to_omar"].pk).state == Proposal.State.STALE
    # follow-ups a week, a month and three months on
    today = timezone.localdate()
    assert [c.due_on for c in allocation.check_ins.order_by("due_on")] == [
        today + dt.timedelta(days=days) for days in (7, 30, 90)
    ]
    assert AuditEntry.objects.filter(
        record_type="matching.proposal", record_id=str(confirmed.pk), client_id=flat_for_two["olena"].pk
    ).exists()


def test_the_offerer_is_told_in_her_language_without_the_households_name(
    cora: Actor, flat_for_two: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_services.proposal_confirm(actor=cora, proposal=flat_for_two["to_olena"])
    to_offerer = [m for m in mail.outbox if m.to == ["marie@example.org"]]
    assert len(to_offerer) == 1
    letter = to_offerer[0]
    assert "Marie Dubois" in letter.body and "Three-bedroom flat near the park" in letter.body
    assert letter.reply_to == [cora.user.email]
    assert "Olena" not in letter.body and "Koval" not in letter.body and "olena@" not in letter.body
    # a family of four, in French: nothing more
    assert "4" in letter.body and "Riverton" in letter.body
    assert AuditEntry.objects.filter(record_type="community.offerer", fields=["name", "email", "language"]).exists()


def test_the_household_hears_it_from_her_caseworker_and_by_email_when_she_chose_email(
    cora: Actor,
    caseworker_a: User,
    flat_for_two: dict[str, Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_services.proposal_confirm(actor=cora, proposal=flat_for_two["to_olena"])
    task = Task.objects.get(client=flat_for_two["olena"])
    assert task.assigned_to == caseworker_a and task.agency_id == flat_for_two["olena"].agency_id
    assert "Three-bedroom flat near the park" in task.title and task.done_at is None
    to_her = [m for m in mail.outbox if m.to == ["olena@example.org"]]
    assert len(to_her) == 1 and "Olena" in to_her[0].body


def test_no_email_to_a_household_who_prefers_another_channel_or_withdrew_her_consent(
    riverton: Jurisdiction,
    cora: Actor,
    caseworker_a: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    by_sms = make.household(caseworker_a, riverton, given="Lina", email="lina@example.org", channel="sms")
    withdrawn = make.household(caseworker_a, riverton, given="Sara", email="sara@example.org", channel="email")
    Consent.objects.filter(client=withdrawn).update(withdrawn_at=timezone.now())
    pairs = [(make.open_request(client), make.published_offer(riverton), 50.0) for client in (by_sms, withdrawn)]
    _run, proposals = make.done_run(riverton, pairs)
    with django_capture_on_commit_callbacks(execute=True):
        for proposal in proposals:
            run_services.proposal_confirm(actor=cora, proposal=proposal)
    assert {tuple(m.to) for m in mail.outbox} == {("marie@example.org",)}
    assert Task.objects.filter(client__in=[by_sms, withdrawn]).count() == 2


def test_a_proposal_that_can_no_longer_happen_is_refused_and_marked_stale(
    cora: Actor, flat_for_two: dict[str, Any]
) -> None:
    run_services.proposal_confirm(actor=cora, proposal=flat_for_two["to_olena"])
    late = flat_for_two["to_omar"]
    with pytest.raises(NoLongerPossible) as refused:
        run_services.proposal_confirm(actor=cora, proposal=late)
    assert refused.value.reason == "already-stale"
    assert Allocation.objects.count() == 1


def test_a_withdrawn_offer_makes_its_proposal_stale(
    riverton: Jurisdiction, cora: Actor, flat_for_two: dict[str, Any]
) -> None:
    Offer.objects.filter(pk=flat_for_two["flat"].pk).update(state=Offer.State.WITHDRAWN)
    with pytest.raises(NoLongerPossible) as refused:
        run_services.proposal_confirm(actor=cora, proposal=flat_for_two["to_olena"])
    assert refused.value.reason == "offer-not-available"
    assert Proposal.objects.get(pk=flat_for_two["to_olena"].pk).state == Proposal.State.STALE
    assert not Allocation.objects.exists()


def test_the_database_constraint_is_the_last_line_of_defence(
    monkeypatch: pytest.MonkeyPatch, cora: Actor, flat_for_two: dict[str, Any]
) -> None:
    """Were the checks above it ever wrong, the CheckConstraint allocated <= capacity still holds: the
    confirmation is refused as no longer possible, and nothing is half-written."""
    Offer.objects.filter(pk=flat_for_two["flat"].pk).update(allocated=1)  # taken behind the service's back
    monkeypatch.setattr(run_services, "_why_not", lambda proposal, offer, request: "")
    with pytest.raises(NoLongerPossible) as refused:
        run_services.proposal_confirm(actor=cora, proposal=flat_for_two["to_olena"])
    assert refused.value.reason == "no-units-left"
    assert Proposal.objects.get(pk=flat_for_two["to_olena"].pk).state == Proposal.State.STALE
    assert not Allocation.objects.exists() and not CheckIn.objects.exists()
    assert Request.objects.get(pk=flat_for_two["to_olena"].request_id).allocated == 0


def test_goods_are_allocated_by_units_and_what_is_left_cannot_carry_a_bigger_proposal(
    riverton: Jurisdiction, cora: Actor, caseworker_a: User
) -> None:
    blankets = make.published_offer(riverton, kind=Offer.Kind.GOODS, title="Wool blankets", capacity=5, item="blanket")
    first = make.open_request(
        make.household(caseworker_a, riverton), kind=Request.Kind.GOODS, wanted=3, items={"blanket": 3}
    )
    second = make.open_request(
        make.household(caseworker_a, riverton, given="Omar"), kind=Request.Kind.GOODS, wanted=3, items={"blanket": 3}
    )
    _run, (one, two) = make.done_run(
        riverton, [(first, blankets, 40.0), (second, blankets, 30.0)], kind="goods", units=3, item="blanket"
    )
    allocation = run_services.proposal_confirm(actor=cora, proposal=one)
    blankets.refresh_from_db()
    assert (allocation.units, allocation.item, blankets.allocated, blankets.state) == (
        3,
        "blanket",
        3,
        Offer.State.PUBLISHED,
    )
    assert Proposal.objects.get(pk=two.pk).state == Proposal.State.STALE  # 3 wanted, 2 left


def test_rejecting_needs_a_reason_and_leaves_the_offer_as_it_was(cora: Actor, flat_for_two: dict[str, Any]) -> None:
    proposal = flat_for_two["to_olena"]
    with pytest.raises(Invalid):
        run_services.proposal_reject(actor=cora, proposal=proposal, reason="  ")
    run_services.proposal_reject(actor=cora, proposal=proposal, reason="She has found a flat herself.")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reason, proposal.decided_by) == (
        Proposal.State.REJECTED,
        "She has found a flat herself.",
        cora.user,
    )
    assert Offer.objects.get(pk=flat_for_two["flat"].pk).allocated == 0
    assert Proposal.objects.get(pk=flat_for_two["to_omar"].pk).state == Proposal.State.PROPOSED
    assert AuditEntry.objects.filter(record_type="matching.proposal", purpose="match rejected").count() == 1


def test_ending_a_placement_gives_the_units_back_and_she_waits_again(cora: Actor, flat_for_two: dict[str, Any]) -> None:
    allocation = run_services.proposal_confirm(actor=cora, proposal=flat_for_two["to_olena"])
    with pytest.raises(Invalid):
        run_services.allocation_end(actor=cora, allocation=allocation, reason="")
    run_services.allocation_end(actor=cora, allocation=allocation, reason="The landlord sold the flat.")
    allocation.refresh_from_db()
    assert allocation.ended_at is not None and allocation.end_reason == "The landlord sold the flat."
    flat = Offer.objects.get(pk=flat_for_two["flat"].pk)
    request = Request.objects.get(pk=allocation.request_id)
    assert (flat.allocated, flat.state, request.allocated, request.state) == (
        0,
        Offer.State.PUBLISHED,
        0,
        Request.State.OPEN,
    )
    # ending twice changes nothing
    run_services.allocation_end(actor=cora, allocation=allocation, reason="again")
    assert Offer.objects.get(pk=flat.pk).allocated == 0


@pytest.mark.parametrize("who", ["manager_a", "caseworker_a", "analyst"])
def test_only_the_coordinator_decides_on_proposals(
    who: str, riverton: Jurisdiction, flat_for_two: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    actor = actor_for(request.getfixturevalue(who), riverton)
    with pytest.raises(NotAllowed):
        run_services.proposal_confirm(actor=actor, proposal=flat_for_two["to_olena"])
    with pytest.raises(NotAllowed):
        run_services.proposal_reject(actor=actor, proposal=flat_for_two["to_olena"], reason="No.")
    assert Proposal.objects.get(pk=flat_for_two["to_olena"].pk).state == Proposal.State.PROPOSED
