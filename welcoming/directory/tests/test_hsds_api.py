from __future__ import annotations

import json
from typing import Any

import pytest

from welcoming.directory.models import Location
from welcoming.directory.tests.conftest import LOCATION_ID, SERVICE_ID
from welcoming.directory.tests.helpers import schema_errors

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def test_the_api_root_says_it_speaks_hsds_3(api: Any, riverton: Any) -> None:
    body = api.get("/api/hsds/").json()
    assert body["version"].startswith("3.0")
    assert body["openapi_url"].endswith("/api/schema/")


def test_services_come_as_an_hsds_page(api: Any, official: Any) -> None:
    body = api.get("/api/hsds/services").json()
    assert set(body) >= PAGE_KEYS
    assert body["total_items"] == 1 and body["page_number"] == 1 and body["first_page"] and body["last_page"]
    service = body["contents"][0]
    assert service["id"] == SERVICE_ID
    assert service["organization"]["name"]
    assert schema_errors("service", service) == []


def test_a_full_service_validates_against_the_official_schema(api: Any, official: Any) -> None:
    body = api.get(f"/api/hsds/services/{SERVICE_ID}").json()
    assert schema_errors("service", body) == []
    assert body["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == "1-30 Main Street"
    assert body["schedules"][0]["byday"] == "TH,FR"
    assert body["cost_options"][0]["amount"] == 35


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("organizations", "organization"),
        ("locations", "location"),
        ("service_at_locations", "service_at_location"),
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy_term"),
    ],
)
def test_every_list_and_detail_validates(api: Any, official: Any, path: str, kind: str) -> None:
    page = api.get(f"/api/hsds/{path}").json()
    assert page["total_items"] >= 1
    for item in page["contents"]:
        assert schema_errors(kind, item) == []
        detail = api.get(f"/api/hsds/{path}/{item['id']}")
        assert detail.status_code == 200
        assert schema_errors(kind, detail.json()) == []


def test_arabic_is_served_where_it_exists_and_the_fallback_is_visible(api: Any, official: Any) -> None:
    body = api.get(f"/api/hsds/services/{SERVICE_ID}?lang=ar").json()
    assert body["name"] == "الإرشاد المجتمعي"
    assert body["text_language"]["name"] == "ar"
    assert body["text_language"]["description"] == "en"


def test_accept_language_chooses_the_language_too(api: Any, official: Any) -> None:
    response = api.get("/api/hsds/services", HTTP_ACCEPT_LANGUAGE="ar-SY,ar;q=0.9,en;q=0.5")
    assert response["Content-Language"] == "ar"
    assert response.json()["contents"][0]["name"] == "الإرشاد المجتمعي"


def test_a_confidential_address_never_appears_publicly(api: Any, official: Any) -> None:
    Location.objects.filter(pk=LOCATION_ID).update(confidential=True, latitude=44.23, longitude=-76.48)
    responses = [
        api.get(f"/api/hsds/services/{SERVICE_ID}"),
        api.get("/api/hsds/services?full=true"),
        api.get(f"/api/hsds/locations/{LOCATION_ID}"),
        api.get("/api/hsds/locations"),
        api.get("/api/hsds/service_at_locations"),
        api.get("/api/hsds/services?format=ndjson&full=true"),
    ]
    for response in responses:
        text = response.content.decode()
        assert "1-30 Main Street" not in text
        assert "44.23" not in text
    near = api.get("/api/hsds/services?lat=44.23&lon=-76.48&radius_km=1").json()
    assert near["total_items"] == 0


def test_staff_with_the_permission_see_the_confidential_address(admin_client: Any, official: Any) -> None:
    Location.objects.filter(pk=LOCATION_ID).update(confidential=True)
    body = admin_client.get(f"/api/hsds/locations/{LOCATION_ID}").json()
    assert body["addresses"][0]["address_1"] == "1-30 Main Street"


def test_search_finds_words_in_any_language(api: Any, official: Any) -> None:
    assert api.get("/api/hsds/services?search=counsel").json()["total_items"] == 1
    assert api.get("/api/hsds/services?search=الارشاد").json()["total_items"] == 1
    assert api.get("/api/hsds/services?search=plumbing").json()["total_items"] == 0


def test_distance_search_keeps_near_services_and_drops_far_ones(api: Any, official: Any) -> None:
    Location.objects.filter(pk=LOCATION_ID).update(latitude=44.2312, longitude=-76.4860)
    near = api.get("/api/hsds/services?lat=44.2400&lon=-76.4860&radius_km=2").json()
    far = api.get("/api/hsds/services?lat=44.3000&lon=-76.4860&radius_km=2").json()
    assert near["total_items"] == 1
    assert far["total_items"] == 0


def test_ndjson_gives_one_service_per_line(api: Any, official: Any) -> None:
    response = api.get("/api/hsds/services?format=ndjson")
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = response.content.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [SERVICE_ID]


def test_bad_parameters_get_an_error_naming_them(api: Any, official: Any) -> None:
    response = api.get("/api/hsds/services?per_page=abc&taxonomy_term_id=nope&need=unicorns&lang=xx")
    assert response.status_code == 400
    response = api.get("/api/hsds/services?per_page=abc&taxonomy_term_id=nope&need=unicorns")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"per_page", "taxonomy_term_id", "need"}


def test_an_unknown_jurisdiction_is_a_404_that_says_so(api: Any, official: Any) -> None:
    response = api.get("/api/hsds/services?jurisdiction=atlantis")
    assert response.status_code == 404
    assert "atlantis" in response.json()["detail"]


def test_another_jurisdiction_does_not_see_riverton_services(api: Any, official: Any, lakeside: Any) -> None:
    assert api.get("/api/hsds/services?jurisdiction=lakeside").json()["total_items"] == 0
    assert api.get(f"/api/hsds/services/{SERVICE_ID}?jurisdiction=lakeside").status_code == 404


def test_the_openapi_schema_and_its_documentation_are_served(api: Any, riverton: Any) -> None:
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/hsds/services" in schema.json()["paths"]
    docs = api.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs and "cdn." not in docs
