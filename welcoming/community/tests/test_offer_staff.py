"""The city's side of offers: the moderation queue, who sees an offerer's details, who may publish,
and erasure on her request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import AuditEntry, User
from welcoming.community import services
from welcoming.community.models import Offer, Offerer
from welcoming.lib.addresses import building_index
from welcoming.matching.models import BuildingIssue
from welcoming.places.models import Area, Jurisdiction
from welcoming.tests.staff import signed_in

pytestmark = pytest.mark.django_db

HOME = "Apt 4, 12 Harbour Street"


def offer(
    jurisdiction: Jurisdiction,
    kind: str = "housing",
    *,
    state: str = Offer.State.PENDING,
    email: str = "maria@example.org",
    name: str = "Maria Lopez",
    area: Area | None = None,
    **facts: Any,
) -> Offer:
    """An offer made through the services, brought to `state` as the pages would bring it."""
    defaults: dict[str, dict[str, Any]] = {
        "housing": {"area": area, "address": HOME, "bedrooms": 2, "rent_monthly": 950},
        "goods": {"item": "blanket", "capacity": 10, "condition": "good", "area": area},
        "mentoring": {"profession": "Nurse", "languages": ["en"], "capacity": 1},
    }
    made = services.offer_submit(
        jurisdiction=jurisdiction,
        kind=kind,
        facts={**defaults[kind], **facts},
        contact=services.Contact(name=name, email=email, phone="+1 613 555 0144"),
        language="fr",
    )
    if state == Offer.State.UNVERIFIED:
        return made
    Offer.objects.filter(pk=made.pk).update(state=Offer.State.PENDING, verified_at=timezone.now())
    made.refresh_from_db()
    if state != Offer.State.PENDING:
        Offer.objects.filter(pk=made.pk).update(state=state)
        made.refresh_from_db()
    return made


def test_the_queue_shows_pending_offers_first_the_longest_waiting_first_with_counts_per_state(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User
) -> None:
    newer = offer(riverton, "goods", area=areas["northfield"], item="cot", capacity=2)
    older = offer(riverton, "goods", area=areas["northfield"], item="bed", capacity=1)
    Offer.objects.filter(pk=older.pk).update(verified_at=timezone.now() - dt.timedelta(days=5))
    offer(riverton, "mentoring", state=Offer.State.PUBLISHED)
    offer(riverton, "goods", state=Offer.State.UNVERIFIED, area=areas["northfield"])

    page = signed_in(coordinator).get("/staff/offers/").content.decode()
    positions = [page.index(f"/staff/offers/{o.pk}/") for o in (older, newer)]
    assert positions == sorted(positions)
    assert 'class="late"' in page  # five days waiting is marked
    assert "<strong>2</strong> Waiting for review" in page
    assert "<strong>1</strong> Published" in page
    assert "<strong>1</strong> E-mail not yet confirmed" in page

    only = signed_in(coordinator).get("/staff/offers/?kind=mentoring&state=published").content.decode()
    assert "Mentoring: Nurse" in only and f"/staff/offers/{older.pk}/" not in only
    # the list names no one: no name, e-mail or address, so nothing to audit
    assert "Maria" not in page and "Harbour" not in page
    assert not AuditEntry.objects.filter(action="read").exists()


def test_the_coordinator_sees_who_offers_it_and_each_view_is_audited(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User
) -> None:
    flat = offer(riverton, area=areas["northfield"])
    browser = signed_in(coordinator)
    for _view in range(2):
        page = browser.get(f"/staff/offers/{flat.pk}/").content.decode()
        assert "Maria Lopez" in page and "maria@example.org" in page and "+1 613 555 0144" in page
        assert HOME in page
    reads = AuditEntry.objects.filter(action="read", username="cora")
    assert reads.filter(record_type="community.offerer", record_id=str(flat.offerer_id)).count() == 2
    assert reads.filter(record_type="community.offer", record_id=str(flat.pk), fields=["address"]).count() == 2


def test_a_caseworker_sees_published_offers_without_who_offers_them_or_where_the_home_is(
    riverton: Jurisdiction, areas: dict[str, Area], caseworker_a: User
) -> None:
    published = offer(riverton, area=areas["northfield"], state=Offer.State.PUBLISHED, description="Bright and quiet.")
    pending = offer(riverton, "goods", area=areas["northfield"])
    browser = signed_in(caseworker_a)
    listing = browser.get("/staff/offers/").content.decode()
    assert f"/staff/offers/{published.pk}/" in listing and f"/staff/offers/{pending.pk}/" not in listing
    page = browser.get(f"/staff/offers/{published.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Flat with 2 bedrooms in Northfield" in text and "Bright and quiet." in text
    for private in ("Maria", "maria@example.org", "555 0144", "Harbour"):
        assert private not in text
    assert 'action="/staff/offers/' not in text  # no review buttons
    assert browser.get(f"/staff/offers/{pending.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action="read").exists()


def test_only_the_coordinator_moderates(
    riverton: Jurisdiction, areas: dict[str, Area], manager_a: User, caseworker_a: User, coordinator: User
) -> None:
    published = offer(riverton, area=areas["northfield"], state=Offer.State.PUBLISHED)
    for user in (manager_a, caseworker_a):
        browser = signed_in(user)
        assert browser.post(f"/staff/offers/{published.pk}/reject/", {"reason": "No."}).status_code == 403
        assert browser.post(f"/staff/offers/{published.pk}/erase/", {"confirm": "on"}).status_code == 403
    pending = offer(riverton, "goods", area=areas["northfield"])
    assert signed_in(manager_a).post(f"/staff/offers/{pending.pk}/publish/").status_code == 404
    assert Offer.objects.get(pk=published.pk).state == Offer.State.PUBLISHED
    assert Offer.objects.get(pk=pending.pk).state == Offer.State.PENDING
    # the services refuse as the pages do
    with pytest.raises(services.NotAllowed):
        services.offer_publish(actor=actor_for(manager_a, riverton), offer=pending)
    services.offer_publish(actor=actor_for(coordinator, riverton), offer=pending)
    assert Offer.objects.get(pk=pending.pk).state == Offer.State.PUBLISHED


def test_an_unconfirmed_offer_cannot_be_published(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User
) -> None:
    unconfirmed = offer(riverton, "goods", area=areas["northfield"], state=Offer.State.UNVERIFIED)
    browser = signed_in(coordinator)
    page = browser.get(f"/staff/offers/{unconfirmed.pk}/").content.decode()
    assert "She has not yet confirmed her e-mail address" in page
    assert browser.post(f"/staff/offers/{unconfirmed.pk}/publish/").status_code == 302
    assert Offer.objects.get(pk=unconfirmed.pk).state == Offer.State.UNVERIFIED


def test_an_analyst_sees_no_offer(riverton: Jurisdiction, areas: dict[str, Area], analyst: User) -> None:
    published = offer(riverton, area=areas["northfield"], state=Offer.State.PUBLISHED)
    browser = signed_in(analyst)
    assert browser.get("/staff/offers/").status_code == 403
    assert browser.get(f"/staff/offers/{published.pk}/").status_code == 403


def test_an_offer_of_another_city_is_not_found(
    riverton: Jurisdiction, lakeside: Jurisdiction, coordinator: User
) -> None:
    elsewhere = offer(lakeside, "mentoring", state=Offer.State.PUBLISHED)
    browser = signed_in(coordinator)
    assert browser.get(f"/staff/offers/{elsewhere.pk}/").status_code == 404
    assert browser.post(f"/staff/offers/{elsewhere.pk}/publish/").status_code == 404
    assert f"/staff/offers/{elsewhere.pk}/" not in browser.get("/staff/offers/").content.decode()


def test_the_review_page_shows_the_buildings_open_issues_in_the_safety_register(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User
) -> None:
    flat = offer(riverton, area=areas["northfield"])
    BuildingIssue.objects.create(
        jurisdiction=riverton,
        reference="R-1",
        address="12 HARBOUR ST",
        building_key="12 harbour st",
        building_index=building_index("12 HARBOUR ST"),
        kind="mould",
        opened_on=dt.date(2026, 1, 5),
    )
    page = signed_in(coordinator).get(f"/staff/offers/{flat.pk}/").content.decode()
    assert "Open issues of this building in the city's safety register" in page
    assert "Mould or damp" in page and "2026-01-05" in page


def test_rejecting_needs_a_reason_which_she_is_sent_in_her_language(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    flat = offer(riverton, area=areas["northfield"])
    browser = signed_in(coordinator)
    refused = browser.post(f"/staff/offers/{flat.pk}/reject/", {"reason": ""})
    assert refused.status_code == 400
    assert "Write the reason: she will read it in the e-mail we send her." in refused.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(f"/staff/offers/{flat.pk}/reject/", {"reason": "Le loyer dépasse les plafonds de la ville."})
    assert Offer.objects.get(pk=flat.pk).state == Offer.State.REJECTED
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]
    assert "Le loyer dépasse les plafonds de la ville." in mail.outbox[0].body


def test_the_coordinator_erases_an_offerer_on_her_request(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User
) -> None:
    flat = offer(riverton, area=areas["northfield"], state=Offer.State.PUBLISHED, description="Call me on 555.")
    coats = offer(riverton, "goods", area=areas["northfield"], name="Maria L.")  # the same e-mail, other details
    someone_else = offer(riverton, "goods", area=areas["northfield"], email="other@example.org")
    Offer.objects.filter(pk=flat.pk).update(allocated=1)
    browser = signed_in(coordinator)
    assert browser.get(f"/staff/offers/{flat.pk}/erase/").status_code == 200
    assert browser.post(f"/staff/offers/{flat.pk}/erase/", {}).status_code == 400
    assert browser.post(f"/staff/offers/{flat.pk}/erase/", {"confirm": "on"}).status_code == 302

    for erased in (flat, coats):
        erased.refresh_from_db()
        assert erased.state == Offer.State.WITHDRAWN
        assert (erased.address, erased.building_index, erased.description) == ("", "", "")
        assert erased.manage_token_hash == erased.verify_token_hash == ""
        person = Offerer.objects.get(pk=erased.offerer_id)
        assert (person.name, person.email, person.email_index, person.phone) == ("", "", "", "")
    flat.refresh_from_db()
    assert flat.allocated == 1 and flat.bedrooms == 2 and flat.area == areas["northfield"]  # the anonymous facts
    someone_else.refresh_from_db()
    assert someone_else.offerer.email == "other@example.org" and someone_else.state == Offer.State.PENDING
    assert AuditEntry.objects.filter(action="erase", record_type="community.offerer", username="cora").count() == 2
    page = browser.get(f"/staff/offers/{flat.pk}/").content.decode()
    assert "Her details were erased at her request." in page


def test_she_erases_her_details_through_her_private_link(
    riverton: Jurisdiction, areas: dict[str, Area], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        made = offer(riverton, area=areas["northfield"], state=Offer.State.UNVERIFIED)
    manage = next(line for line in mail.outbox[0].body.split() if "/offer/manage/" in line)
    path = manage.split("127.0.0.1:8000", 1)[1] if "127.0.0.1:8000" in manage else manage
    her = Browser()
    assert her.get(path + "erase/").status_code == 200
    assert her.post(path + "erase/", {}).status_code == 400
    done = her.post(path + "erase/", {"confirm": "on"})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    made.refresh_from_db()
    assert made.state == Offer.State.WITHDRAWN and made.offerer.name == "" and made.address == ""
    assert her.get(path).status_code == 404
    assert AuditEntry.objects.filter(action="erase", via="portal", record_id=str(made.pk)).exists()


def test_withdrawing_keeps_what_is_already_allocated(riverton: Jurisdiction, areas: dict[str, Area]) -> None:
    coats = offer(riverton, "goods", area=areas["northfield"], state=Offer.State.PUBLISHED, capacity=5)
    Offer.objects.filter(pk=coats.pk).update(allocated=2)
    services.offer_withdraw(offer=coats)
    coats.refresh_from_db()
    assert (coats.state, coats.allocated) == (Offer.State.WITHDRAWN, 2)
    with pytest.raises(services.Invalid):
        services.offer_update(offer=coats, facts={}, name="Maria")


def test_she_cannot_offer_fewer_than_what_is_already_given(riverton: Jurisdiction, areas: dict[str, Area]) -> None:
    coats = offer(riverton, "goods", area=areas["northfield"], state=Offer.State.PUBLISHED, capacity=5)
    Offer.objects.filter(pk=coats.pk).update(allocated=3)
    facts = {"item": "blanket", "capacity": 2, "condition": "good", "area": areas["northfield"]}
    with pytest.raises(services.Invalid) as refused:
        services.offer_update(offer=coats, facts=facts, name="Maria Lopez")
    assert set(refused.value.errors) == {"capacity"}
    changed = services.offer_update(offer=coats, facts={**facts, "capacity": 3}, name="Maria Lopez")
    assert changed.back_to_review and changed.offer.state == Offer.State.PENDING
    same = services.offer_update(offer=changed.offer, facts={**facts, "capacity": 3}, name="Maria Lopez")
    assert same.changed == [] and not same.back_to_review


def test_the_queue_costs_the_same_queries_for_three_offers_as_for_thirty(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User
) -> None:
    browser = signed_in(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get("/staff/offers/").status_code == 200
        return len(captured)

    for count in range(3):
        offer(riverton, "goods", area=areas["northfield"], capacity=count + 1)
    queries()  # the first page of a session also reads and writes the session itself
    few = queries()
    for count in range(27):
        offer(riverton, "goods", area=areas["old-harbour"], state=Offer.State.PUBLISHED, capacity=count + 1)
    assert queries() == few
