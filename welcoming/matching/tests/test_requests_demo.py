"""The demo city's requests: every kind, from the households' needs assessments, loaded once, and
matched sensibly against the demo's offers."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from welcoming.community.models import Offer
from welcoming.matching import candidates, engine, request_demo, request_selectors
from welcoming.matching.models import Request
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> Jurisdiction:
    call_command("load_demo", stdout=io.StringIO())
    return Jurisdiction.objects.get(code="riverton")


def test_the_demo_has_requests_of_every_kind_from_the_households_needs_and_loads_once(city: Jurisdiction) -> None:
    requests = Request.objects.filter(jurisdiction=city).select_related("assessment")
    assert requests.count() == len(request_demo.DEMO_REQUESTS) == 17
    assert set(Counter(requests.values_list("kind", flat=True))) == set(Request.Kind.values)
    assert len(set(requests.values_list("client_id", flat=True))) >= 13
    for request in requests:
        assert request.assessment is not None and request.state == "open"
        assert request.kind in request_selectors.suggested_kinds(request.assessment.needs)
        assert request.submission == request_demo.submission_of(
            city,
            next(
                spec
                for spec in request_demo.DEMO_REQUESTS
                if spec["kind"] == request.kind and spec["who"] == request.client.given_name
            ),
        )
    assert request_demo.load_demo_requests(city) == 0
    call_command("load_demo", stdout=io.StringIO())
    assert Request.objects.filter(jurisdiction=city).count() == 17
    assert request_demo.load_demo_requests(Jurisdiction.objects.get(code="lakeside")) == 0


def test_matching_the_demo_gives_each_household_something_that_fits(city: Jurisdiction) -> None:
    titles = dict(Offer.objects.values_list("pk", "title"))
    got: dict[tuple[str, str], list[Offer]] = {}
    spoken: list[tuple[set[str], set[str]]] = []  # (her languages, the offerer's) of person-to-person matches
    for kind in Request.Kind.values:
        gathered = candidates.gather(city, kind)
        for match in engine.solve(gathered.problem).matches:
            request = Request.objects.select_related("client").get(pk=gathered.pairs[match.left][0])
            offer = Offer.objects.get(pk=gathered.offers[match.right])
            got.setdefault((request.client.given_name, kind), []).append(offer)
            if kind in ("mentoring", "volunteer", "job"):
                spoken.append((set(request.languages), set(offer.languages or [offer.text_language])))
            assert candidates.explanation(gathered, match)
    assert titles  # the demo has offers
    # the man who cannot use stairs gets a step-free flat he can afford
    (flat,) = got[("Mohammed", "housing")]
    assert flat.step_free and float(flat.rent_monthly or 0) <= 0.3 * 2700
    # the household with a dog gets a flat that allows pets
    (taras,) = got[("Тарас", "housing")]
    assert taras.pets_allowed is True
    # the family of three gets three bedrooms or more
    (family,) = got[("فاطمة", "housing")]
    assert (family.bedrooms or 0) >= 3
    # the Dari-speaking family gets the host who speaks Farsi, with beds for three
    (host,) = got[("مریم", "host_room")]
    assert "fa" in host.languages and (host.beds or 0) >= 3
    # mentors, volunteers and employers speak one of her languages
    assert spoken and all(hers & theirs for hers, theirs in spoken)
    # and every kind found someone
    assert {kind for _who, kind in got} == set(Request.Kind.values)
