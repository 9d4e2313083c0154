"""The staff's housing check (offers against requests, scoped) and the building register's page."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from welcoming.accounts.models import AuditEntry, User
from welcoming.community.models import Offer
from welcoming.lib.addresses import building_index
from welcoming.matching.models import BuildingIssue, Request
from welcoming.matching.register import load_demo_housing
from welcoming.matching.tests.run_factories import household, open_request, published_offer
from welcoming.places.models import Jurisdiction
from welcoming.tests.staff import signed_in

pytestmark = pytest.mark.django_db

CHECK = "/staff/housing/check/"
REGISTER = "/staff/housing/register/"


def read(page: Any) -> str:
    return html.unescape(page.content.decode())


@pytest.fixture
def world(riverton: Jurisdiction, caseworker_a: User, settings: Any) -> dict[str, Any]:
    settings.WELCOMING_REQUIRE_2FA = False
    load_demo_housing(riverton)
    olena = household(caseworker_a, riverton)
    request = open_request(olena, adults=2, children=((6, "f"), (9, "m")))  # income 2,400
    # a couple with a girl of 6 and a boy of 9: three bedrooms by the national standard
    Request.objects.filter(pk=request.pk).update(couple=True, step_free=False, pets=False)
    request.refresh_from_db()
    flat = published_offer(
        riverton,
        title="Flat on Harbour Street",
        bedrooms=3,
        rent_monthly="700",
        floor=0,
        address="12 Harbour Street, apt 2",
        building_index=building_index("12 Harbour Street, apt 2"),
    )
    room = published_offer(riverton, kind=Offer.Kind.HOST_ROOM, title="Room with the Dubois family", beds=2)
    return {"olena": olena, "request": request, "flat": flat, "room": room}


def test_a_caseworker_checks_a_published_flat_against_her_clients_request(
    caseworker_a: User, world: dict[str, Any]
) -> None:
    browser = signed_in(caseworker_a)
    page = browser.get(CHECK)
    text = read(page)
    assert page.status_code == 200
    assert "Flat on Harbour Street" in text and world["olena"].code in text
    answer = read(browser.post(CHECK, {"offer": str(world["flat"].pk), "request": str(world["request"].pk)}))
    assert "The household needs 3 bedrooms by the national occupancy standard; this flat has 3, which is enough." in (
        answer
    )
    assert "Rent 700 is 29 % of the household's income of 2,400, within the city's limit of 30 %." in answer
    # staff see since when the issue is open
    assert "The city's register shows bedbugs in this building, reported on" in answer
    assert 'class="verdict block"' in answer


def test_opening_a_request_in_the_check_is_audited(caseworker_a: User, world: dict[str, Any]) -> None:
    browser = signed_in(caseworker_a)
    browser.post(CHECK, {"offer": str(world["flat"].pk), "request": str(world["request"].pk)})
    entry = AuditEntry.objects.filter(record_type="matching.request", purpose="housing check").get()
    assert (entry.record_id, entry.client_id, entry.username) == (str(world["request"].pk), world["olena"].pk, "amal")
    assert "monthly_income" in entry.fields


def test_a_room_in_a_home_is_checked_by_its_beds(caseworker_a: User, world: dict[str, Any]) -> None:
    answer = read(
        signed_in(caseworker_a).post(CHECK, {"offer": str(world["room"].pk), "request": str(world["request"].pk)})
    )
    assert "The household has 4 people and needs a bed each; this room has 2." in answer


def test_another_agency_cannot_pick_a_request_that_is_not_in_its_scope(
    caseworker_b: User, world: dict[str, Any]
) -> None:
    browser = signed_in(caseworker_b)
    assert world["olena"].code not in read(browser.get(CHECK))
    page = browser.post(CHECK, {"offer": str(world["flat"].pk), "request": str(world["request"].pk)})
    assert page.status_code == 200
    assert 'id="answer"' not in read(page)
    assert not AuditEntry.objects.filter(record_type="matching.request").exists()


def test_staff_may_type_the_household_instead(manager_a: User, world: dict[str, Any]) -> None:
    answer = read(
        signed_in(manager_a).post(
            CHECK,
            {
                "offer": str(world["flat"].pk),
                "adults": "1",
                "income": "",
                "lift": "unknown",
                "pets_allowed": "unknown",
                "place": "flat",
            },
        )
    )
    assert "this flat has 3, 3 more than needed" in answer
    assert "Income unknown" in answer


def test_the_check_shows_the_policy_in_force(coordinator: User, world: dict[str, Any]) -> None:
    text = read(signed_in(coordinator).get(CHECK))
    assert "Rent may be at most 30 % of the household's income." in text
    assert "bedbugs" in text and "fire safety" in text


@pytest.mark.parametrize("who", ["analyst", "volunteer_user"])
def test_those_who_see_no_person_are_refused_the_check(
    who: str, analyst: User, riverton: Jurisdiction, agency_a: Any, settings: Any
) -> None:
    from welcoming.accounts.models import Membership, Role

    settings.WELCOMING_REQUIRE_2FA = False
    if who == "analyst":
        user = analyst
    else:
        user = User.objects.create_user("vera", "vera@example.org", "a-long-password-1")
        Membership.objects.create(user=user, jurisdiction=riverton, agency=agency_a, role=Role.VOLUNTEER_COORDINATOR)
    assert signed_in(user).get(CHECK).status_code == 403


# -- the register's page


def test_the_coordinator_sees_the_buildings_with_open_issues(coordinator: User, world: dict[str, Any]) -> None:
    text = read(signed_in(coordinator).get(REGISTER))
    assert "12 Harbour Street" in text and "48 Mill Road" in text
    assert "55 Juniper Street" not in text  # its issues are closed


def test_the_coordinator_uploads_a_register_and_sees_the_counts(coordinator: User, world: dict[str, Any]) -> None:
    upload = SimpleUploadedFile(
        "inspections.csv",
        b"reference,address,kind,opened_on,closed_on,description\nN-1,5 Quay Street,mold,2026-02-01,,\n",
        content_type="text/csv",
    )
    text = read(signed_in(coordinator).post(REGISTER, {"file": upload}))
    assert "The file was imported" in text and "1 issue created" in text
    assert BuildingIssue.objects.filter(reference="N-1", kind="mould").exists()


def test_a_broken_upload_names_each_problem_and_writes_nothing(coordinator: User, world: dict[str, Any]) -> None:
    before = BuildingIssue.objects.count()
    upload = SimpleUploadedFile(
        "inspections.csv",
        b"reference,address,kind,opened_on,closed_on,description\nN-1,5 Quay Street,termites,2026-02-01,,\n"
        b"N-2,,fire,yesterday,,\n",
        content_type="text/csv",
    )
    text = read(signed_in(coordinator).post(REGISTER, {"file": upload}))
    assert "Nothing was imported" in text
    assert "inspections.csv:2:kind: 'termites' is not a kind of issue we know" in text
    assert "inspections.csv:3:address: is empty" in text
    assert "inspections.csv:3:opened_on" in text
    assert BuildingIssue.objects.count() == before


def test_only_the_coordinator_keeps_the_register(manager_a: User, caseworker_a: User, world: dict[str, Any]) -> None:
    assert signed_in(manager_a).get(REGISTER).status_code == 403
    upload = SimpleUploadedFile("x.csv", b"reference,address,kind,opened_on\nQ,1 A St,fire,2026-01-01\n")
    assert signed_in(caseworker_a).post(REGISTER, {"file": upload}).status_code == 403
    assert not BuildingIssue.objects.filter(reference="Q").exists()
