"""Follow-up check-ins after a placement: the list of those due for the staff who hold the household's
record, the form that records how it goes ("ended" frees the units), and the daily reminder."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import AuditEntry, User
from welcoming.community.models import Offer
from welcoming.matching import run_services
from welcoming.matching.models import Allocation, CheckIn, Request
from welcoming.matching.run_services import Invalid, NotAllowed
from welcoming.matching.tests import run_factories as make
from welcoming.places.models import Jurisdiction
from welcoming.tests.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Any) -> None:
    settings.WELCOMING_REQUIRE_2FA = False


@pytest.fixture
def placed(riverton: Jurisdiction, coordinator: User, caseworker_a: User) -> Allocation:
    """Olena, caseworker A's client, has had a flat for eight days: the first check-in is a day late."""
    olena = make.household(caseworker_a, riverton)
    _run, (proposal,) = make.done_run(riverton, [(make.open_request(olena), make.published_offer(riverton), 80.0)])
    allocation = run_services.proposal_confirm(actor=actor_for(coordinator, riverton), proposal=proposal)
    first = allocation.check_ins.order_by("due_on").first()
    assert first is not None
    CheckIn.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    return allocation


def test_her_caseworker_sees_the_check_in_due_and_overdue_first(caseworker_a: User, placed: Allocation) -> None:
    page = signed_in(caseworker_a).get(reverse("staff:check-ins"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count(reverse("staff:check-in", args=[placed.check_ins.order_by("due_on").first().pk])) == 1  # type: ignore[union-attr]
    assert "Overdue" in text and str(placed.request.client.code) in text
    # the month and the quarter are not due this week
    assert text.count("Record how it is going") == 1
    assert AuditEntry.objects.filter(
        username="amal", purpose="check-ins due", client_id=placed.request.client_id
    ).exists()


@pytest.mark.parametrize(("who", "sees"), [("coordinator", True), ("manager_a", True), ("caseworker_b", False)])
def test_the_check_ins_of_a_household_are_for_those_who_hold_her_record(
    who: str, sees: bool, placed: Allocation, request: pytest.FixtureRequest
) -> None:
    browser = signed_in(request.getfixturevalue(who))
    due = placed.check_ins.order_by("due_on").first()
    assert due is not None
    listing = browser.get(reverse("staff:check-ins")).content.decode()
    assert (str(placed.request.client.code) in listing) is sees
    assert browser.get(reverse("staff:check-in", args=[due.pk])).status_code == (200 if sees else 404)


@pytest.mark.parametrize("who", ["analyst"])
def test_roles_that_never_see_a_person_are_refused_the_check_ins(
    who: str, placed: Allocation, request: pytest.FixtureRequest
) -> None:
    browser = signed_in(request.getfixturevalue(who))
    due = placed.check_ins.order_by("due_on").first()
    assert due is not None
    assert browser.get(reverse("staff:check-ins")).status_code == 403
    assert browser.get(reverse("staff:check-in", args=[due.pk])).status_code == 403


def test_recording_that_it_goes_well_closes_the_check_in(caseworker_a: User, placed: Allocation) -> None:
    due = placed.check_ins.order_by("due_on").first()
    assert due is not None
    browser = signed_in(caseworker_a)
    sent = browser.post(
        reverse("staff:check-in", args=[due.pk]), {"outcome": "settled", "note": "The children like the school."}
    )
    assert sent.status_code == 302 and sent["Location"] == reverse("staff:check-ins")
    due.refresh_from_db()
    assert (due.outcome, due.note, due.done_by) == ("settled", "The children like the school.", caseworker_a)
    assert "No check-in is due this week." in browser.get(reverse("staff:check-ins")).content.decode()
    page = browser.get(reverse("staff:check-in", args=[due.pk])).content.decode()
    assert "Going well" in page and 'name="outcome"' not in page


def test_an_ended_placement_frees_the_flat_and_she_waits_again(caseworker_a: User, placed: Allocation) -> None:
    due = placed.check_ins.order_by("due_on").first()
    assert due is not None
    browser = signed_in(caseworker_a)
    refused = browser.post(reverse("staff:check-in", args=[due.pk]), {"outcome": "ended", "note": ""})
    assert refused.status_code == 400 and "Say why the placement ended." in refused.content.decode()
    browser.post(reverse("staff:check-in", args=[due.pk]), {"outcome": "ended", "note": "Mould in the bedroom."})
    placed.refresh_from_db()
    assert placed.ended_at is not None and placed.end_reason == "Mould in the bedroom."
    offer = Offer.objects.get(pk=placed.offer_id)
    request = Request.objects.get(pk=placed.request_id)
    assert (offer.allocated, offer.state, request.allocated, request.state) == (
        0,
        Offer.State.PUBLISHED,
        0,
        Request.State.OPEN,
    )
    # the later check-ins of an ended placement are not due any more
    assert "No check-in is due this week." in browser.get(reverse("staff:check-ins")).content.decode()


def test_a_check_in_is_recorded_once_and_only_with_a_known_outcome(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, placed: Allocation
) -> None:
    due = placed.check_ins.order_by("due_on").first()
    assert due is not None
    mine = actor_for(caseworker_a, riverton)
    with pytest.raises(Invalid):
        run_services.check_in_record(actor=mine, check_in=due, outcome="splendid")
    with pytest.raises(NotAllowed):
        run_services.check_in_record(actor=actor_for(caseworker_b, riverton), check_in=due, outcome="settled")
    run_services.check_in_record(actor=mine, check_in=due, outcome="needs_help", note="Needs a winter coat.")
    with pytest.raises(Invalid):
        run_services.check_in_record(actor=mine, check_in=due, outcome="settled")
    due.refresh_from_db()
    assert due.outcome == "needs_help"


def test_the_reminder_is_a_dry_run_unless_told_to_send(caseworker_a: User, placed: Allocation) -> None:
    out = StringIO()
    call_command("send_check_in_reminders", stdout=out)
    assert "amal@example.org: 1 check-in(s) due" in out.getvalue() and "Dry run" in out.getvalue()
    assert mail.outbox == []
    call_command("send_check_in_reminders", "--send", stdout=StringIO())
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    body = str(letter.body)
    assert letter.to == ["amal@example.org"] and "/staff/check-ins/" in body
    assert "1 of them overdue" in body
    assert "Olena" not in body and str(placed.request.client.code) not in body


def test_nothing_is_reminded_before_its_day_or_once_recorded(
    riverton: Jurisdiction, caseworker_a: User, placed: Allocation
) -> None:
    out = StringIO()
    yesterday = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    call_command("send_check_in_reminders", "--today", yesterday, stdout=out)
    assert "0 reminder(s)" in out.getvalue()
    due = placed.check_ins.order_by("due_on").first()
    assert due is not None
    run_services.check_in_record(actor=actor_for(caseworker_a, riverton), check_in=due, outcome="settled")
    out = StringIO()
    call_command("send_check_in_reminders", stdout=out)
    assert "0 reminder(s)" in out.getvalue()
