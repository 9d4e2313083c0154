from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, User
from welcoming.cases import selectors, services
from welcoming.cases.models import Client, Consent, Referral
from welcoming.cases.services import Person
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of_a(riverton: Jurisdiction, caseworker_a: User) -> Client:
    actor = actor_for(caseworker_a, riverton)
    client = services.client_register(
        actor=actor,
        person=Person(given_name="Олена", family_name="Коваль", phone="+1 613 555 0133", birth_year=1985),
        consent_method="written",
    )
    services.assessment_record(actor=actor, client=client, needs=["health", "housing"], urgency="week")
    return client


def refer(caseworker_a: User, riverton: Jurisdiction, client: Client, agency_b: Agency, **kw: Any) -> Referral:
    actor = actor_for(caseworker_a, riverton)
    services.consent_record(actor=actor, client=client, purpose="sharing", method="verbal", agency=agency_b)
    return services.referral_create(
        actor=actor, client=client, to_agency=agency_b, shared=kw.pop("shared", ["name", "needs"]), **kw
    )


def test_a_referral_needs_her_consent_to_share_with_that_agency(
    riverton: Jurisdiction, caseworker_a: User, agency_b: Agency, client_of_a: Client
) -> None:
    with pytest.raises(services.Invalid) as raised:
        services.referral_create(
            actor=actor_for(caseworker_a, riverton), client=client_of_a, to_agency=agency_b, shared=["name"]
        )
    assert "Health Clinic" in raised.value.errors["consent"]
    assert not Referral.objects.exists()


def test_the_receiving_agency_reads_only_what_the_referral_shares(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, client_of_a: Client
) -> None:
    refer(caseworker_a, riverton, client_of_a, agency_b, shared=["name", "needs"])
    access = selectors.client_for(actor_for(caseworker_b, riverton), client_of_a.pk, purpose="referral")
    assert not access.full
    assert access.can_see("name") and access.can_see("needs")
    assert not access.can_see("contact") and not access.can_see("birth")
    assert "phone" not in access.fields


def test_the_loop_closes_the_receiver_accepts_and_completes_and_the_sender_sees_the_outcome(
    riverton: Jurisdiction,
    caseworker_a: User,
    caseworker_b: User,
    agency_b: Agency,
    client_of_a: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(caseworker_a, riverton, client_of_a, agency_b, message="Needs a family doctor.")
    assert referral.state == "sent"
    assert referral.respond_by == dt.date.today() + dt.timedelta(days=agency_b.referral_response_days)
    assert [m.to for m in mail.outbox] == [["clinic@example.org"]]
    assert "Олена" not in mail.outbox[0].body  # no personal data by e-mail

    receiver = actor_for(caseworker_b, riverton)
    assert [r.pk for r in selectors.inbox(receiver)] == [referral.pk]
    services.referral_answer(actor=receiver, referral=referral, to_state="accepted")
    services.referral_answer(actor=receiver, referral=referral, to_state="in-progress")
    services.referral_answer(actor=receiver, referral=referral, to_state="completed", outcome="served")

    seen = selectors.referral_for(actor_for(caseworker_a, riverton), referral.pk)
    assert (seen.state, seen.outcome) == ("completed", "served")
    assert [e.to_state for e in seen.events.all()] == ["draft", "sent", "accepted", "in-progress", "completed"]


def test_a_declined_referral_says_why_and_the_decliner_no_longer_sees_her(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, client_of_a: Client
) -> None:
    referral = refer(caseworker_a, riverton, client_of_a, agency_b)
    receiver = actor_for(caseworker_b, riverton)
    with pytest.raises(services.Invalid):
        services.referral_answer(actor=receiver, referral=referral, to_state="declined")
    services.referral_answer(actor=receiver, referral=referral, to_state="declined", reason="No places until March.")
    assert Referral.objects.get().decline_reason == "No places until March."
    with pytest.raises(selectors.NotFound):
        selectors.client_for(receiver, client_of_a.pk, purpose="test")


def test_only_the_receiver_answers_and_only_the_sender_withdraws(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, client_of_a: Client
) -> None:
    referral = refer(caseworker_a, riverton, client_of_a, agency_b)
    with pytest.raises(services.NotAllowed):
        services.referral_answer(actor=actor_for(caseworker_a, riverton), referral=referral, to_state="accepted")
    with pytest.raises(services.NotAllowed):
        services.referral_withdraw(actor=actor_for(caseworker_b, riverton), referral=referral)
    services.referral_withdraw(actor=actor_for(caseworker_a, riverton), referral=referral)
    with pytest.raises(selectors.NotFound):
        selectors.client_for(actor_for(caseworker_b, riverton), client_of_a.pk, purpose="test")


def test_a_finished_referral_cannot_be_reopened(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, client_of_a: Client
) -> None:
    referral = refer(caseworker_a, riverton, client_of_a, agency_b)
    receiver = actor_for(caseworker_b, riverton)
    services.referral_answer(actor=receiver, referral=referral, to_state="accepted")
    services.referral_answer(actor=receiver, referral=referral, to_state="unresolved", note="Moved away.")
    with pytest.raises(services.Invalid) as raised:
        services.referral_answer(actor=receiver, referral=referral, to_state="in-progress")
    assert "unresolved" in raised.value.errors["state"]


def test_withdrawing_consent_to_share_ends_the_agencys_access_at_once(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, client_of_a: Client
) -> None:
    referral = refer(caseworker_a, riverton, client_of_a, agency_b)
    consent = Consent.objects.get(purpose="sharing")
    services.consent_withdraw(actor=actor_for(caseworker_a, riverton), consent=consent)
    with pytest.raises(selectors.NotFound):
        selectors.client_for(actor_for(caseworker_b, riverton), client_of_a.pk, purpose="test")
    referral.refresh_from_db()
    assert referral.state == "withdrawn"


def test_a_referral_not_answered_in_time_shows_as_late(
    riverton: Jurisdiction, caseworker_a: User, agency_b: Agency, client_of_a: Client
) -> None:
    referral = refer(caseworker_a, riverton, client_of_a, agency_b)
    assert not selectors.is_late(referral)
    assert selectors.is_late(referral, today=referral.respond_by + dt.timedelta(days=1))  # type: ignore[operator,arg-type]


def test_the_receiver_cannot_change_her_record_and_sees_shared_notes_only(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, client_of_a: Client
) -> None:
    refer(caseworker_a, riverton, client_of_a, agency_b)
    sender = actor_for(caseworker_a, riverton)
    services.note_add(actor=sender, client=client_of_a, text="Internal: prefers a woman doctor.")
    services.note_add(actor=sender, client=client_of_a, text="Shared: bring the vaccination card.", shared=True)
    receiver = actor_for(caseworker_b, riverton)
    with pytest.raises(services.NotAllowed):
        services.client_update(actor=receiver, client=client_of_a, person=Person(given_name="Changed"))
    access = selectors.client_for(receiver, client_of_a.pk, purpose="test")
    assert [n.text for n in selectors.notes_for(receiver, access)] == ["Shared: bring the vaccination card."]
    services.note_add(actor=receiver, client=client_of_a, text="Clinic: seen on Monday.", shared=True)
    mine = selectors.client_for(sender, client_of_a.pk, purpose="test")
    assert len(selectors.notes_for(sender, mine)) == 3


def test_the_receiving_agency_cannot_find_her_by_a_name_or_phone_the_referral_does_not_share(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, client_of_a: Client
) -> None:
    refer(caseworker_a, riverton, client_of_a, agency_b, shared=["needs"])
    receiver = actor_for(caseworker_b, riverton)
    assert selectors.search_clients(receiver, "Olena Koval") == []
    assert selectors.search_clients(receiver, "613 555 0133") == []
    assert [c.pk for c in selectors.search_clients(receiver, client_of_a.code or "")] == [client_of_a.pk]
    services.referral_create(
        actor=actor_for(caseworker_a, riverton), client=client_of_a, to_agency=agency_b, shared=["name"]
    )
    assert [c.pk for c in selectors.search_clients(receiver, "Olena Koval")] == [client_of_a.pk]
