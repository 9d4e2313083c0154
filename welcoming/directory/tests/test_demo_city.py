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
