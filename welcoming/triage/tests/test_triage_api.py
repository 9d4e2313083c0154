from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from welcoming.places.models import Jurisdiction
from welcoming.triage.models import Demand

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> Jurisdiction:
    call_command("load_demo", stdout=io.StringIO())
    return Jurisdiction.objects.get(code="riverton")


def test_she_asks_in_arabic_and_gets_health_services_with_reasons_in_arabic(demo: Jurisdiction, anonymous: Any) -> None:
    response = anonymous.get("/api/v1/triage", {"q": "ابني مريض ويحتاج طبيب", "lat": "44.2312", "lon": "-76.486"})
    assert response.status_code == 200
    body = response.json()
    assert body["lang"] == "ar" and response["Content-Language"] == "ar"
    assert body["needs"][0]["slug"] == "health"
    assert body["needs"][0]["label"] == "الصحة"
    assert body["needs"] == sorted(body["needs"], key=lambda n: -n["confidence"])
    assert body["emergency"] is False and body["emergency_contacts"] == []
    results = body["results"]
    assert results and all("health" in r["categories"] for r in results[:3])
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    first = results[0]
    assert set(first) >= {
        "id",
        "name",
        "organization",
        "categories",
        "score",
        "reasons",
        "distance_km",
        "open_now",
        "languages",
        "url",
    }
    assert first["distance_km"] is not None
    assert any(reason.startswith("يساعد في") for reason in first["reasons"])


def test_an_emergency_puts_the_city_emergency_numbers_first(demo: Jurisdiction, anonymous: Any) -> None:
    body = anonymous.get("/api/v1/triage", {"q": "my husband is beating me", "lang": "en"}).json()
    assert body["emergency"] is True
    assert "911" in [c["number"] for c in body["emergency_contacts"]]
    assert body["needs"][0]["slug"] == "safety"


def test_a_triage_keeps_only_anonymous_demand(demo: Jurisdiction, anonymous: Any) -> None:
    anonymous.get(
        "/api/v1/triage", {"q": "мені потрібен лікар", "lat": "44.2312", "lon": "-76.486"}, REMOTE_ADDR="203.0.113.9"
    )
    demand = Demand.objects.get()
    assert demand.language == "uk" and demand.needs[0] == "health"
    assert demand.area is not None
    stored = json.dumps(list(Demand.objects.values()), default=str)
    assert "лікар" not in stored and "203.0.113.9" not in stored
    assert {f.name for f in Demand._meta.get_fields()} == {"id", "jurisdiction", "day", "language", "needs", "area"}


def test_the_command_line_answers_like_the_api(demo: Jurisdiction, monkeypatch: Any) -> None:
    out = io.StringIO()
    call_command("triage", "ابني مريض ويحتاج طبيب", "--lang", "ar", "--json", stdout=out)
    assert json.loads(out.getvalue())["needs"][0]["slug"] == "health"
    monkeypatch.setattr(
        "sys.stdin", io.StringIO('{"q": "necesito trabajo", "lang": "es"}\n{"q": "je cherche un logement"}\n')
    )
    out = io.StringIO()
    call_command("triage", "--jsonl", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["needs"][0]["slug"] for line in lines] == ["employment", "housing"]
    assert Demand.objects.count() == 0


def test_bad_requests_say_what_is_wrong(riverton: Jurisdiction, anonymous: Any) -> None:
    response = anonymous.get("/api/v1/triage", {"q": "x" * 1001, "lang": "xx", "need": "unicorns", "children": "a"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"q", "lang", "need", "children"}
    assert anonymous.get("/api/v1/triage").status_code == 400


def test_the_triage_is_in_the_openapi_schema(riverton: Jurisdiction, anonymous: Any) -> None:
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/triage" in schema["paths"]
