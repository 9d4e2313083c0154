from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from welcoming.directory import models as m
from welcoming.directory.demo_city import load_demo
from welcoming.directory.tests import demo_yaml_checks
from welcoming.directory.tests.helpers import schema_errors
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.places.models import Area, Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> Jurisdiction:
    call_command("load_demo", stdout=io.StringIO())
    return Jurisdiction.objects.get(code="riverton")


def test_the_demo_data_files_pass_their_own_checks(capsys: Any) -> None:
    assert demo_yaml_checks.main() == 0, capsys.readouterr().out


def test_riverton_is_a_plausible_mid_size_city(demo: Jurisdiction) -> None:
    services = m.Service.objects.filter(jurisdiction=demo)
    assert services.count() >= 150
    assert m.Organization.objects.filter(jurisdiction=demo).count() >= 60
    assert Area.objects.filter(jurisdiction=demo).count() == 15
    assert m.Location.objects.filter(jurisdiction=demo, confidential=True).exists()
    assert services.filter(delivery="virtual").exists() and services.filter(delivery="phone").exists()
    assert Jurisdiction.objects.get(code="lakeside").areas.count() >= 2

    areas = list(Area.objects.filter(jurisdiction=demo))
    need_areas: dict[str, set[str]] = defaultdict(set)
    need_services: dict[str, int] = defaultdict(int)
    links = m.Attribute.objects.filter(jurisdiction=demo, taxonomy_term__need__gt="").values_list(
        "link_id", "taxonomy_term__need"
    )
    positions = {
        service_id: (lat, lon)
        for service_id, lat, lon in m.ServiceAtLocation.objects.filter(jurisdiction=demo).values_list(
            "service_id", "location__latitude", "location__longitude"
        )
        if lat is not None and lon is not None
    }
    for service_id, need in links:
        need_services[need] += 1
        if service_id in positions:
            area = next(a for a in areas if a.contains(*positions[service_id]))
            need_areas[need].add(area.code)
    for need in m.NEED_SLUGS:
        assert need_services[need] >= 6, need
        assert len(need_areas[need]) >= 3, need


def test_every_demo_service_speaks_all_six_languages(demo: Jurisdiction) -> None:
    for service in m.Service.objects.filter(jurisdiction=demo):
        for language in LANGUAGE_CODES:
            localized = service.localized("name", language)
            assert localized.language == language and localized.text, (service.name, language)
            assert service.localized("eligibility_description", language).language == language


def test_loading_the_demo_twice_changes_nothing(demo: Jurisdiction) -> None:
    before = m.Service.objects.aggregate(n=Count("id"))["n"]
    reports = load_demo()
    for report in reports.values():
        assert sum(report.created.values()) == 0
        assert sum(report.updated.values()) == 0
    assert m.Service.objects.count() == before


def test_every_demo_service_validates_against_hsds_in_every_language(demo: Jurisdiction, anonymous: Any) -> None:
    for language in LANGUAGE_CODES:
        page = anonymous.get(f"/api/hsds/services?full=true&per_page=500&lang={language}").json()
        assert page["total_items"] >= 150
        for service in page["contents"]:
            assert schema_errors("service", service) == []
            assert service["text_language"]["name"] == language
        shelters = [
            sal["location"]
            for service in page["contents"]
            for sal in service["service_at_locations"]
            if sal["location"].get("confidential")
        ]
        assert shelters and all("latitude" not in s and s["addresses"] == [] for s in shelters)


def test_the_hsds_filters_narrow_the_demo_directory(demo: Jurisdiction, anonymous: Any) -> None:
    def total(query: str) -> int:
        response = anonymous.get(f"/api/hsds/services?{query}")
        assert response.status_code == 200, response.content
        return int(response.json()["total_items"])

    everything = total("")
    legal_term = m.TaxonomyTerm.objects.get(jurisdiction=demo, need="legal")
    legal = total("need=legal")
    assert 0 < legal < everything
    assert total(f"taxonomy_term_id={legal_term.id}") == legal
    assert total(f"taxonomy_id={legal_term.taxonomy_id}") == everything  # every service has a need
    clinic = m.Organization.objects.filter(jurisdiction=demo).order_by("name").first()
    assert clinic is not None
    assert total(f"organization_id={clinic.id}") == m.Service.objects.filter(organization=clinic).count()
    assert total("modified_after=2026-09-01") == everything
    assert total("modified_after=2026-10-02T00:00:00Z") == 0
    assert total("search=legal&need=legal") <= legal


def test_pages_walk_through_the_whole_directory(demo: Jurisdiction, anonymous: Any) -> None:
    first = anonymous.get("/api/hsds/services?per_page=100").json()
    last = anonymous.get(f"/api/hsds/services?per_page=100&page={first['total_pages']}").json()
    beyond = anonymous.get(f"/api/hsds/services?per_page=100&page={first['total_pages'] + 1}").json()
    assert first["first_page"] and not first["last_page"] and first["size"] == 100
    assert last["last_page"] and not last["first_page"]
    assert beyond["empty"] and beyond["contents"] == []
    seen = {
        s["id"]
        for page in range(1, first["total_pages"] + 1)
        for s in anonymous.get(f"/api/hsds/services?per_page=100&page={page}").json()["contents"]
    }
    assert len(seen) == first["total_items"]


def test_services_near_a_point_come_nearest_first(demo: Jurisdiction, anonymous: Any) -> None:
    from welcoming.lib.geo import haversine_km

    page = anonymous.get("/api/hsds/services?lat=44.2312&lon=-76.486&radius_km=2&full=true&per_page=500").json()
    distances = [
        min(
            haversine_km(44.2312, -76.486, sal["location"]["latitude"], sal["location"]["longitude"])
            for sal in service["service_at_locations"]
            if "latitude" in sal["location"]
        )
        for service in page["contents"]
    ]
    assert distances and max(distances) <= 2.0
    assert distances == sorted(distances)
