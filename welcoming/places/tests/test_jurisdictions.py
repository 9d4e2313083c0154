from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from welcoming.places.models import Area, Jurisdiction
from welcoming.places.selectors import (
    UnknownJurisdiction,
    area_at,
    area_for_postal_code,
    jurisdiction_for_request,
)

pytestmark = pytest.mark.django_db

WEST_HALF = {
    "type": "Polygon",
    "coordinates": [[[-76.6, 44.1], [-76.45, 44.1], [-76.45, 44.4], [-76.6, 44.4], [-76.6, 44.1]]],
}


@pytest.fixture
def harbour(riverton: Jurisdiction) -> Area:
    return Area.objects.create(
        jurisdiction=riverton,
        code="old-harbour",
        name="Old Harbour",
        translations={"ar": {"name": "الميناء القديم"}},
        boundary=WEST_HALF,
        postal_codes=["K7A 1A1", "K7A 1A2"],
        centre_latitude=44.25,
        centre_longitude=-76.52,
    )


def test_a_point_falls_in_the_neighbourhood_that_contains_it(riverton: Jurisdiction, harbour: Area) -> None:
    assert area_at(riverton, 44.25, -76.55) == harbour
    assert area_at(riverton, 44.25, -76.40) is None


def test_a_postal_code_finds_its_neighbourhood_whatever_the_spacing(riverton: Jurisdiction, harbour: Area) -> None:
    assert area_for_postal_code(riverton, "k7a1a2") == harbour
    assert area_for_postal_code(riverton, "K9Z 9Z9") is None


def test_a_neighbourhood_name_falls_back_visibly(harbour: Area) -> None:
    assert harbour.localized("name", "ar").text == "الميناء القديم"
    fallback = harbour.localized("name", "uk")
    assert (fallback.text, fallback.language) == ("Old Harbour", "en")


def test_a_request_picks_its_jurisdiction_by_parameter_then_host_then_default(
    riverton: Jurisdiction, lakeside: Jurisdiction, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    lakeside.hosts = ["welcome.lakeside.example"]
    lakeside.save()
    factory = RequestFactory()
    assert jurisdiction_for_request(factory.get("/", {"jurisdiction": "lakeside"})) == lakeside
    assert jurisdiction_for_request(factory.get("/", HTTP_HOST="welcome.lakeside.example")) == lakeside
    assert jurisdiction_for_request(factory.get("/")) == riverton
    with pytest.raises(UnknownJurisdiction):
        jurisdiction_for_request(factory.get("/", {"jurisdiction": "atlantis"}))


def test_a_broken_boundary_is_refused(riverton: Jurisdiction) -> None:
    from django.core.exceptions import ValidationError

    area = Area(
        jurisdiction=riverton,
        code="x",
        name="X",
        boundary={"type": "Polygon", "coordinates": [[[0, 0]]]},
        centre_latitude=0,
        centre_longitude=0,
    )
    with pytest.raises(ValidationError):
        area.full_clean()
