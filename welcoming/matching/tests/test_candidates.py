"""Candidates on a small hand-made city: who may be matched with what, how each pair scores, and what
the engine makes of it.

Riverton has three neighbourhoods on a line, about 4 km apart: Northfield (the school), Old Harbour
and Eastend. Households are registered and their requests made through the services, as staff do;
offers are published rows, as moderation leaves them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.models import User
from welcoming.cases import services as case_services
from welcoming.cases.services import Person
from welcoming.community.models import Offer, Offerer
from welcoming.lib.addresses import building_index
from welcoming.lib.crypto import keyring
from welcoming.matching import candidates, engine, request_services, rules, scoring, wording
from welcoming.matching.models import BuildingIssue, HousingPolicy, Proposal, Request
from welcoming.places.models import Area, Jurisdiction

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-76.6, 44.1], [-76.3, 44.1], [-76.3, 44.4], [-76.6, 44.4], [-76.6, 44.1]]],
}


@pytest.fixture
def areas(riverton: Jurisdiction) -> dict[str, Area]:
    made = {}
    for code, lon in (("northfield", -76.55), ("old-harbour", -76.50), ("eastend", -76.45)):
        made[code] = Area.objects.create(
            jurisdiction=riverton,
            code=code,
            name=code.replace("-", " ").title(),
            boundary=SQUARE,
            centre_latitude=44.23,
            centre_longitude=lon,
        )
    return made


@pytest.fixture
def actor(caseworker_a: User, riverton: Jurisdiction) -> Actor:
    return actor_for(caseworker_a, riverton)


@pytest.fixture
def offerer(riverton: Jurisdiction) -> Offerer:
    return Offerer.objects.create(
        jurisdiction=riverton,
        name="Marie Dubois",
        email="marie@example.org",
        email_index=keyring().blind_index("marie@example.org", "email"),
        language="en",
        consent_at=timezone.now(),
    )


Make = Callable[..., Any]


@pytest.fixture
def client_of(actor: Actor) -> Make:
    def make(name: str, languages: tuple[str, ...] = ("ar",)) -> Any:
        return case_services.client_register(
            actor=actor, person=Person(given_name=name, languages=list(languages)), consent_method="verbal"
        )

    return make


@pytest.fixture
def offer(riverton: Jurisdiction, offerer: Offerer) -> Make:
    def make(kind: str, title: str, **facts: Any) -> Offer:
        address = facts.pop("address", "")
        return Offer.objects.create(
            jurisdiction=riverton,
            offerer=offerer,
            kind=kind,
            state=facts.pop("state", Offer.State.PUBLISHED),
            title=title,
            text_language=facts.pop("text_language", "en"),
            address=address,
            building_index=building_index(address) if address else "",
            **facts,
        )

    return make


def matched(gathered: candidates.Gathered) -> dict[tuple[str, str], int]:
    """(request title, offer title) -> units, from the engine's optimal matching."""
    result = engine.solve(gathered.problem)
    titles = {str(o.pk): o.title for o in Offer.objects.all()}
    out = {}
    for match in result.matches:
        request_id, item = gathered.pairs[match.left]
        name = Request.objects.get(pk=request_id).client.given_name + (f":{item}" if item else "")
        out[(name, titles[match.right])] = match.quantity
    return out


# --- housing ---------------------------------------------------------------------------------------


@pytest.fixture
def housing_city(
    riverton: Jurisdiction, areas: dict[str, Area], actor: Actor, client_of: Make, offer: Make
) -> dict[str, Any]:
    HousingPolicy.objects.create(jurisdiction=riverton, blocking_issues=["bedbugs"])
    BuildingIssue.objects.create(
        jurisdiction=riverton,
        reference="R-1",
        address="12 Harbour Street",
        building_key="12 harbour st",
        building_index=building_index("12 Harbour Street"),
        kind="bedbugs",
        opened_on=dt.date(2025, 11, 4),
    )
    north, harbour, east = areas["northfield"], areas["old-harbour"], areas["eastend"]
    family = request_services.request_create(
        actor=actor,
        client=client_of("Family of five"),
        kind="housing",
        adults=2,
        couple=True,
        children=[[12, "m"], [9, "f"], [4, "m"]],
        monthly_income="6000",
        school_area=north.pk,
        waiting_since=timezone.localdate() - dt.timedelta(days=200),
    )
    wheelchair = request_services.request_create(
        actor=actor,
        client=client_of("Wheelchair user"),
        kind="housing",
        adults=1,
        monthly_income="3000",
        step_free=True,
        areas=[harbour.pk],
        waiting_since=timezone.localdate() - dt.timedelta(days=30),
    )
    couple = request_services.request_create(
        actor=actor,
        client=client_of("Couple"),
        kind="housing",
        adults=2,
        couple=True,
        monthly_income="4000",
        max_rent="1000",
        areas=[east.pk],
    )
    flats = {
        "three": offer(
            "housing",
            "Three bedrooms",
            bedrooms=3,
            rent_monthly=1500,
            floor=1,
            lift=False,
            area=north,
            address="3 Elm Road",
        ),
        "step-free": offer(
            "housing",
            "Step-free flat",
            bedrooms=1,
            rent_monthly=800,
            step_free=True,
            floor=0,
            area=harbour,
            address="9 Quay Road",
        ),
        "bedbugs": offer(
            "housing",
            "Bedbug building",
            bedrooms=2,
            rent_monthly=700,
            floor=2,
            lift=True,
            area=east,
            address="Apt 4, 12 Harbour St.",
        ),
        "one": offer(
            "housing", "One bedroom", bedrooms=1, rent_monthly=900, floor=1, lift=True, area=east, address="5 Oak Lane"
        ),
        "taken": offer("housing", "Already taken", bedrooms=3, rent_monthly=500, capacity=1, allocated=1, area=north),
        "pending": offer("housing", "Not yet published", bedrooms=3, rent_monthly=500, state=Offer.State.PENDING),
        "later": offer(
            "housing",
            "Free in a year",
            bedrooms=3,
            rent_monthly=500,
            available_from=timezone.localdate() + dt.timedelta(days=365),
        ),
    }
    return {"family": family, "wheelchair": wheelchair, "couple": couple, "flats": flats}


def test_the_engine_gives_each_household_the_flat_it_needs_and_never_the_bedbug_building(
    riverton: Jurisdiction, housing_city: dict[str, Any]
) -> None:
    gathered = candidates.gather(riverton, "housing")
    assert matched(gathered) == {
        ("Family of five", "Three bedrooms"): 1,
        ("Wheelchair user", "Step-free flat"): 1,
        ("Couple", "One bedroom"): 1,
    }
    bedbugs = str(housing_city["flats"]["bedbugs"].pk)
    right = gathered.problem.right_ids.index(bedbugs)
    assert not (gathered.problem.edge_right == right).any()


def test_offers_taken_unpublished_or_far_off_are_not_candidates(
    riverton: Jurisdiction, housing_city: dict[str, Any]
) -> None:
    gathered = candidates.gather(riverton, "housing")
    flats = housing_city["flats"]
    assert set(gathered.offers.values()) == {flats[k].pk for k in ("three", "step-free", "bedbugs", "one")}
    assert set(gathered.pairs) == {str(housing_city[k].pk) for k in ("family", "wheelchair", "couple")}


def test_a_flat_with_stairs_is_never_a_candidate_for_the_wheelchair_user(
    riverton: Jurisdiction, housing_city: dict[str, Any]
) -> None:
    gathered = candidates.gather(riverton, "housing")
    problem = gathered.problem
    wheelchair = problem.left_ids.index(str(housing_city["wheelchair"].pk))
    reachable = {problem.right_ids[r] for r in problem.edge_right[problem.edge_left == wheelchair]}
    assert reachable == {str(housing_city["flats"]["step-free"].pk)}


def test_a_closed_request_and_a_rejected_pair_drop_out_of_the_next_gathering(
    riverton: Jurisdiction, housing_city: dict[str, Any], actor: Actor
) -> None:
    request_services.request_close(actor=actor, request=housing_city["wheelchair"], reason="Housed by her family.")
    first = candidates.gather(riverton, "housing")
    assert str(housing_city["wheelchair"].pk) not in first.pairs
    run = housing_city["family"].jurisdiction.match_runs.create(kind="housing", state="done")
    Proposal.objects.create(
        run=run, request=housing_city["couple"], offer=housing_city["flats"]["one"], score=50, state="rejected"
    )
    again = matched(candidates.gather(riverton, "housing"))
    assert ("Couple", "One bedroom") not in again


def test_the_rules_flags_come_with_the_pair_as_notes(riverton: Jurisdiction, housing_city: dict[str, Any]) -> None:
    gathered = candidates.gather(riverton, "housing")
    family = str(housing_city["family"].pk)
    three = str(housing_city["flats"]["three"].pk)
    # no lift on the first floor is fine for them; the three-bedroom flat is what they need: no flag
    assert gathered.notes.get((family, three), []) == []
    couple = str(housing_city["couple"].pk)
    step_free = str(housing_city["flats"]["step-free"].pk)
    # the couple would need one bedroom: the step-free flat fits; flags come only where a rule flags
    assert all(note["code"].count(".") == 1 for note in gathered.notes.get((couple, step_free), []))


def test_the_explanation_gives_each_criterion_its_points_in_words_in_english_and_french(
    riverton: Jurisdiction, housing_city: dict[str, Any]
) -> None:
    gathered = candidates.gather(riverton, "housing")
    result = engine.solve(gathered.problem)
    family = next(m for m in result.matches if m.left == str(housing_city["family"].pk))
    explained = candidates.explanation(gathered, family)
    codes = [entry["code"] for entry in explained]
    assert set(codes) >= {f"criterion.{name}" for name in scoring.DEFAULT_WEIGHTS["housing"]}
    points = [entry["params"]["points"] for entry in explained if entry["code"].startswith("criterion.")]
    assert points == sorted(points, reverse=True)
    assert sum(points) == pytest.approx(family.score, abs=0.5)
    by_code = {entry["code"]: entry["params"] for entry in explained}
    assert by_code["criterion.fit"]["bedrooms"] == 3 and by_code["criterion.fit"]["needed"] == 3
    assert by_code["criterion.school"]["km"] == 0.0
    assert by_code["criterion.waiting"]["days"] == 200
    for language in ("en", "fr"):
        with translation.override(language):
            for entry in explained:
                assert wording.known(entry["code"]), entry["code"]
                sentence = wording.explain(entry["code"], entry["params"])
                assert "%(" not in sentence and "cannot describe" not in sentence, sentence
    with translation.override("en"):
        fit = wording.explain("criterion.fit", by_code["criterion.fit"])
        assert "exactly as many as the household needs" in fit
        assert "200 days" in wording.explain("criterion.waiting", by_code["criterion.waiting"])


def test_weights_change_the_scores_and_unknown_criteria_are_refused(
    riverton: Jurisdiction, housing_city: dict[str, Any]
) -> None:
    only_waiting = {name: 0.0 for name in scoring.DEFAULT_WEIGHTS["housing"]} | {"waiting": 100.0}
    gathered = candidates.gather(riverton, "housing", only_waiting)
    family = gathered.problem.left_ids.index(str(housing_city["family"].pk))
    assert set(np.round(gathered.problem.score[gathered.problem.edge_left == family], 6)) == {round(100 * 200 / 365, 6)}
    with pytest.raises(scoring.WeightError, match="no criterion 'beauty'"):
        candidates.gather(riverton, "housing", {"beauty": 3})


def test_progress_is_reported_from_0_to_100(riverton: Jurisdiction, housing_city: dict[str, Any]) -> None:
    seen: list[tuple[int, str]] = []
    candidates.gather(riverton, "housing", progress=lambda percent, stage: seen.append((percent, stage)))
    assert seen[0] == (0, "loading") and seen[-1] == (100, "gathered")
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)


def test_the_number_of_queries_does_not_grow_with_the_requests_and_offers(
    riverton: Jurisdiction, areas: dict[str, Area], actor: Actor, client_of: Make, offer: Make
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            client = client_of(f"Person {i}")
            request_services.request_create(
                actor=actor,
                client=client,
                kind="housing",
                adults=1,
                monthly_income="3000",
                areas=[areas["eastend"].pk],
            )
            offer("housing", f"Flat {i}", bedrooms=1, rent_monthly=800, area=areas["eastend"], address=f"{i} Pine Road")

    add(2)
    with CaptureQueriesContext(connection) as few:
        candidates.gather(riverton, "housing")
    add(10)
    with CaptureQueriesContext(connection) as many:
        gathered = candidates.gather(riverton, "housing")
    assert len(gathered.pairs) == 12 and len(gathered.offers) == 12
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


# --- a room in a host's home ------------------------------------------------------------------------


def test_a_host_who_speaks_her_language_and_has_beds_enough_is_her_match(
    riverton: Jurisdiction, areas: dict[str, Area], actor: Actor, client_of: Make, offer: Make
) -> None:
    mother = request_services.request_create(
        actor=actor,
        client=client_of("Mother", ("uk", "en")),
        kind="host_room",
        adults=1,
        children=[[3, "f"]],
        monthly_income="0",
    )
    offer("host_room", "English-speaking host", beds=2, languages=["en"], area=areas["eastend"])
    offer("host_room", "Ukrainian-speaking host", beds=2, languages=["uk", "ru"], area=areas["eastend"])
    offer("host_room", "One bed only", beds=1, languages=["uk"], area=areas["eastend"])
    gathered = candidates.gather(riverton, "host_room")
    assert matched(gathered) == {("Mother", "Ukrainian-speaking host"): 1}
    problem = gathered.problem
    assert len(problem.edge_left) == 2  # one bed is too few for two people
    result = engine.solve(problem)
    language = next(e for e in candidates.explanation(gathered, result.matches[0]) if e["code"] == "criterion.language")
    assert language["params"]["how"] == "first" and language["params"]["language"] == "uk"
    assert str(mother.pk) in gathered.pairs


# --- goods ---------------------------------------------------------------------------------------------


def test_goods_quantities_are_split_across_lots_of_the_same_item(
    riverton: Jurisdiction, areas: dict[str, Area], actor: Actor, client_of: Make, offer: Make
) -> None:
    request_services.request_create(
        actor=actor,
        client=client_of("Family"),
        kind="goods",
        items={"blanket": 5, "winter_coat_child": 2},
        areas=[areas["eastend"].pk],
    )
    offer("goods", "Three blankets", item="blanket", capacity=3, condition="new", area=areas["eastend"])
    offer("goods", "Two blankets", item="blanket", capacity=2, condition="used", area=areas["northfield"])
    offer("goods", "Four chairs", item="chair", capacity=4, condition="good", area=areas["eastend"])
    offer("goods", "A child's coat", item="winter_coat_child", capacity=1, condition="good")
    gathered = candidates.gather(riverton, "goods")
    assert sorted(gathered.pairs) == sorted(f"{request_id}:{item}" for request_id, item in gathered.pairs.values())
    assert matched(gathered) == {
        ("Family:blanket", "Three blankets"): 3,
        ("Family:blanket", "Two blankets"): 2,
        ("Family:winter_coat_child", "A child's coat"): 1,
    }
    chairs = gathered.problem.right_ids.index(str(Offer.objects.get(title="Four chairs").pk))
    assert not (gathered.problem.edge_right == chairs).any()


def test_goods_already_given_are_not_asked_for_again(
    riverton: Jurisdiction, areas: dict[str, Area], actor: Actor, client_of: Make, offer: Make
) -> None:
    request = request_services.request_create(
        actor=actor, client=client_of("Family"), kind="goods", items={"blanket": 5}
    )
    lot = offer("goods", "Ten blankets", item="blanket", capacity=10, condition="good")
    request.allocations.create(offer=lot, item="blanket", units=4)
    Request.objects.filter(pk=request.pk).update(allocated=4)
    gathered = candidates.gather(riverton, "goods")
    assert list(gathered.problem.left_capacity) == [1]


# --- mentors, jobs, volunteers -------------------------------------------------------------------------


def test_a_mentor_must_speak_one_of_her_languages_and_work_in_her_profession(
    riverton: Jurisdiction, actor: Actor, client_of: Make, offer: Make
) -> None:
    request_services.request_create(
        actor=actor, client=client_of("Olena", ("uk", "ru")), kind="mentoring", profession="Accountant"
    )
    offer("mentoring", "Accountant, English only", profession="Accountant", languages=["en"])
    offer("mentoring", "Senior accountant", profession="Senior Accountant", languages=["uk"])
    offer("mentoring", "Nurse", profession="Registered nurse", languages=["uk"])
    gathered = candidates.gather(riverton, "mentoring")
    assert matched(gathered) == {("Olena", "Senior accountant"): 1}
    assert len(gathered.problem.edge_left) == 1  # the nurse speaks Ukrainian, but is no accountant
    loose = candidates.gather(riverton, "mentoring", require_language=False)
    assert len(loose.problem.edge_left) == 2
    assert gathered.problem.groups == ["uk"]


def test_a_job_must_be_in_her_sector(riverton: Jurisdiction, actor: Actor, client_of: Make, offer: Make) -> None:
    request_services.request_create(
        actor=actor, client=client_of("Carlos", ("es", "en")), kind="job", sector="construction", profession="Carpenter"
    )
    offer("job", "Carpenter wanted", sector="construction", profession="Carpenter", languages=["en"])
    offer("job", "Cook wanted", sector="hospitality", profession="Cook", languages=["es"])
    assert matched(candidates.gather(riverton, "job")) == {("Carlos", "Carpenter wanted"): 1}


def test_a_volunteer_must_offer_some_of_the_help_she_asked_for(
    riverton: Jurisdiction, actor: Actor, client_of: Make, offer: Make
) -> None:
    request_services.request_create(
        actor=actor, client=client_of("Amina", ("so", "ar")), kind="volunteer", skills=["paperwork", "accompany"]
    )
    offer("volunteer", "Driver", skills=["driving"], languages=["ar"])
    offer("volunteer", "Forms", skills=["paperwork"], languages=["ar"])
    offer("volunteer", "Forms and visits", skills=["paperwork", "accompany"], languages=["ar", "so"])
    gathered = candidates.gather(riverton, "volunteer")
    assert matched(gathered) == {("Amina", "Forms and visits"): 1}
    result = engine.solve(gathered.problem)
    fit = next(e for e in candidates.explanation(gathered, result.matches[0]) if e["code"] == "criterion.fit")
    assert fit["params"]["skills"] == ["accompany", "paperwork"]
    with translation.override("en"):
        assert "Help with forms and letters" in wording.explain(fit["code"], fit["params"])


def test_a_city_with_nothing_to_match_gives_an_empty_problem(riverton: Jurisdiction) -> None:
    for kind in scoring.KINDS:
        gathered = candidates.gather(riverton, kind)
        assert gathered.problem.left_ids == [] and gathered.problem.right_ids == []
        assert engine.solve(gathered.problem).matches == []


# --- the array mirror of the blocking rules ----------------------------------------------------------


def test_the_array_check_blocks_exactly_what_the_housing_rules_block() -> None:
    """Over flats drawn from a grid of their facts, every kind of household and three policies,
    `_housing_allowed` agrees with `rules.check`."""
    issue = rules.Issue("bedbugs", dt.date(2025, 1, 1))
    grid = [
        rules.Unit(
            bedrooms=b,
            beds=beds,
            rent_monthly=rent,
            step_free=sf,
            floor=fl,
            lift=lift,
            pets_allowed=pa,
            issues=iss,
            address_known=known,
        )
        for b, beds, rent, sf, fl, lift, pa, iss, known in itertools.product(
            (None, 0, 1, 3),
            (None, 1, 4),
            (None, 0.0, 900.0),
            (False, True),
            (None, 0, 2),
            (None, False, True),
            (None, False, True),
            ((), (issue,)),
            (True, False),
        )
    ]
    units = random.Random(6).sample(grid, 300)
    households = [
        rules.Household(adults=a, couple=c, children=ch, monthly_income=inc, step_free=sf, pets=p)
        for a, c, ch, inc, sf, p in itertools.product(
            (1, 2),
            (False, True),
            ((), ((3, "f"), (7, "m")), ((6, ""), (9, "f"), (12, "m"))),
            (None, 0.0, 2000.0, 4000.0),
            (False, True),
            (False, True),
        )
        if not (c and a < 2)
    ]
    policies = [
        rules.Policy(),
        rules.Policy(occupancy="flag", affordability="off", accessibility="flag", blocking_issues=frozenset()),
        rules.Policy(blocking_issues=frozenset({"bedbugs"}), affordability_share=0.5),
    ]
    left = {
        "fewest": np.array([rules.bedrooms_range(h.adults, h.couple, h.children)[0] for h in households], float),
        "size": np.array([h.size for h in households]),
        "income": np.array([np.nan if h.monthly_income is None else h.monthly_income for h in households]),
        "step_free": np.array([h.step_free for h in households]),
        "pets": np.array([h.pets for h in households]),
    }

    def number(value: Any) -> float:
        return np.nan if value is None else float(value)

    for policy in policies:
        right = {
            "bedrooms": np.array([number(u.bedrooms) for u in units]),
            "beds": np.array([number(u.beds) for u in units]),
            "rent": np.array([number(u.rent_monthly) for u in units]),
            "step_free": np.array([u.step_free for u in units]),
            "floor": np.array([number(u.floor) for u in units]),
            "lift": np.array([number(u.lift) for u in units]),
            "pets_allowed": np.array([number(u.pets_allowed) for u in units]),
            "address_known": np.array([u.address_known for u in units]),
            "blocking_issue": np.array([any(i.kind in policy.blocking_issues for i in u.issues) for u in units]),
        }
        for kind in ("housing", "host_room"):
            mirror = candidates._housing_allowed(kind, policy, left, right, slice(0, len(households)))
            for h, household in enumerate(households):
                for u, unit in enumerate(units):
                    truth = not rules.blocked(rules.check(unit, household, policy, room=kind == "host_room"))
                    assert mirror[h, u] == truth, (kind, policy, household, unit)
