"""What she waits for is part of her record: exported, erased and merged with the rest of it."""

from __future__ import annotations

import pytest

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import User
from welcoming.cases import services as case_services
from welcoming.matching import run_services
from welcoming.matching.models import CheckIn, Request
from welcoming.matching.tests import run_factories as make
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(riverton: Jurisdiction, caseworker_a: User, coordinator: User) -> Request:
    """Olena waits for a flat and for goods; the flat is hers and its first check-in is written."""
    olena = make.household(caseworker_a, riverton)
    flat_request = make.open_request(olena)
    flat_request.note = "She works nights; call after noon."
    flat_request.save()
    make.open_request(olena, kind=Request.Kind.GOODS, items={"blanket": 3}, wanted=3)
    _run, (proposal,) = make.done_run(riverton, [(flat_request, make.published_offer(riverton), 80.0)])
    allocation = run_services.proposal_confirm(actor=actor_for(coordinator, riverton), proposal=proposal)
    run_services.check_in_record(
        actor=actor_for(coordinator, riverton),
        check_in=allocation.check_ins.order_by("due_on").first(),  # type: ignore[arg-type]
        outcome=CheckIn.Outcome.SETTLED,
        note="The landlord fixed the heating.",
    )
    return flat_request


def test_her_export_lists_her_requests_their_placement_and_its_check_ins(
    placed: Request, riverton: Jurisdiction, manager_a: User
) -> None:
    export = case_services.subject_access_export(actor=actor_for(manager_a, riverton), client=placed.client)
    by_kind = {row["kind"]: row for row in export["requests"]}
    assert set(by_kind) == {"housing", "goods"}
    flat = by_kind["housing"]
    assert flat["monthly_income"] == "2400" and flat["note"] == "She works nights; call after noon."
    assert flat["placements"][0]["offer"] == "Three-bedroom flat near the park"
    assert "The landlord fixed the heating." in [c["note"] for c in flat["placements"][0]["check_ins"]]
    assert by_kind["goods"]["items"] == {"blanket": 3}


def test_erasing_her_record_closes_what_she_waits_for_and_keeps_only_its_kind_and_dates(
    placed: Request, riverton: Jurisdiction, manager_a: User
) -> None:
    case_services.client_erase(actor=actor_for(manager_a, riverton), client=placed.client)
    rows = Request.objects.filter(client=placed.client)
    assert sorted(rows.values_list("kind", "state")) == [("goods", "closed"), ("housing", "matched")]
    for row in rows:
        assert (row.monthly_income, row.note, row.children, row.languages, row.items) == ("", "", [], [], {})
    assert not CheckIn.objects.filter(allocation__request=placed).exclude(note="").exists()


def test_merging_two_records_of_hers_moves_her_requests_to_the_one_kept(
    placed: Request, riverton: Jurisdiction, caseworker_a: User, coordinator: User
) -> None:
    again = make.household(caseworker_a, riverton, given="Olena", family="Kovalenko")
    case_services.client_merge(actor=actor_for(coordinator, riverton), keep=again, duplicate=placed.client)
    assert Request.objects.filter(client=again).count() == 2
