"""The demo city's offers: every kind and state, useful for matching, and loaded once."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client as Browser

from welcoming.community import demo
from welcoming.community.models import Offer
from welcoming.lib.addresses import building_index
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> Jurisdiction:
    call_command("load_demo", stdout=io.StringIO())
    return Jurisdiction.objects.get(code="riverton")


def test_the_demo_city_has_offers_of_every_kind_and_state_and_loading_twice_changes_nothing(city: Jurisdiction) -> None:
    offers = Offer.objects.filter(jurisdiction=city)
    assert 40 <= offers.count() <= 50
    assert set(offers.values_list("kind", flat=True)) == set(Offer.Kind.values)
    states = Counter(offers.values_list("state", flat=True))
    assert states[Offer.State.PENDING] == 2 and states[Offer.State.UNVERIFIED] == 1
    assert states[Offer.State.WITHDRAWN] == 1 and states[Offer.State.REJECTED] == 1
    assert states[Offer.State.PUBLISHED] >= 35
    assert set(offers.values_list("text_language", flat=True)) == {"en", "fr", "ar", "uk", "es", "fa"}
    assert mail.outbox == []  # the fictional offerers are sent nothing

    flats = offers.filter(kind=Offer.Kind.HOUSING, state=Offer.State.PUBLISHED)
    assert set(flats.values_list("bedrooms", flat=True)) >= {0, 1, 2, 3, 4}
    rents = sorted(rent for rent in flats.values_list("rent_monthly", flat=True) if rent is not None)
    assert rents[0] < 800 and rents[-1] > 1600
    assert flats.filter(step_free=True).count() >= 3
    buildings = set(flats.values_list("building_index", flat=True))
    assert {building_index("12 Harbour Street"), building_index("48 Mill Road")} <= buildings
    goods = set(offers.filter(kind=Offer.Kind.GOODS, state=Offer.State.PUBLISHED).values_list("item", flat=True))
    assert {"bed", "winter_coat_adult", "winter_coat_child", "blanket", "cot"} <= goods
    assert offers.filter(kind=Offer.Kind.MENTORING).values("profession").distinct().count() >= 4
    assert offers.filter(kind=Offer.Kind.JOB).values("sector").distinct().count() >= 5

    before = list(offers.order_by("pk").values_list("pk", "state", "updated_at"))
    assert demo.load_demo_offers(city) == 0
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "community offers" not in out.getvalue()
    assert list(offers.order_by("pk").values_list("pk", "state", "updated_at")) == before


def test_the_demo_offerers_private_links_open_their_offers(city: Jurisdiction) -> None:
    links = demo.demo_manage_links(city)
    assert links
    for _key, path in links:
        assert Browser().get(path).status_code == 200
