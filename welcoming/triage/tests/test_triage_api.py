from __future__ import annotations

import datetime as dt
import io
import json
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from welcoming.directory.models import Service
from welcoming.places import selectors
from welcoming.places.models import Area, Jurisdiction
from welcoming.triage import candidates, services
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


# Outside a transaction (as in production, where requests run in autocommit) the triage answers from
# process caches and buffers its demand rows; inside one (as in the tests above) it reads and writes
# through. These tests run without a transaction to see the caches and the buffer at work.


@pytest.fixture
def buffer(settings: Any) -> Any:
    settings.WELCOMING_DEMAND_BUFFER = True  # the suite writes demand at once; these tests look at the buffer
    services.demand_buffer.reset()
    yield services.demand_buffer
    services.demand_buffer.reset()


@pytest.fixture
def clock(monkeypatch: Any) -> list[float]:
    """The caches' clock, moved by hand."""
    now = [time.monotonic() + 3600]  # later than anything the caches saw before this test
    monkeypatch.setattr(candidates, "monotonic", lambda: now[0])
    monkeypatch.setattr(selectors, "monotonic", lambda: now[0])
    return now


@pytest.mark.django_db(transaction=True)
def test_demand_waits_in_a_buffer_and_every_row_is_written(
    demo: Jurisdiction, anonymous: Any, buffer: services.DemandBuffer, monkeypatch: Any
) -> None:
    monkeypatch.setattr(buffer, "max_seconds", 60.0)
    for q in ("I need a doctor", "je cherche un logement", "necesito trabajo"):
        assert anonymous.get("/api/v1/triage", {"q": q, "lat": "44.2312", "lon": "-76.486"}).status_code == 200
    assert Demand.objects.count() == 0
    assert buffer.flush() == 3
    rows = list(Demand.objects.order_by("id"))
    assert [(d.language, d.needs[0]) for d in rows] == [("en", "health"), ("fr", "housing"), ("es", "employment")]
    assert all(d.area is not None and d.day for d in rows)


@pytest.mark.django_db(transaction=True)
def test_a_full_buffer_is_written_at_once_and_a_waiting_row_within_max_seconds(
    demo: Jurisdiction, anonymous: Any, buffer: services.DemandBuffer, monkeypatch: Any
) -> None:
    monkeypatch.setattr(buffer, "max_rows", 2)
    monkeypatch.setattr(buffer, "max_seconds", 60.0)
    anonymous.get("/api/v1/triage", {"q": "I need a doctor"})
    anonymous.get("/api/v1/triage", {"q": "I need a doctor"})
    assert Demand.objects.count() == 2
    buffer.reset()
    monkeypatch.setattr(buffer, "max_seconds", 0.05)
    anonymous.get("/api/v1/triage", {"q": "I need a doctor"})
    deadline = time.monotonic() + 10
    while Demand.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert Demand.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_row_whose_area_was_deleted_meanwhile_is_written_without_it(
    demo: Jurisdiction, anonymous: Any, buffer: services.DemandBuffer, monkeypatch: Any
) -> None:
    monkeypatch.setattr(buffer, "max_seconds", 60.0)
    anonymous.get("/api/v1/triage", {"q": "I need a doctor", "lat": "44.2312", "lon": "-76.486"})
    Area.objects.filter(jurisdiction=demo).delete()
    assert buffer.flush() == 1
    assert Demand.objects.get().area is None


@pytest.mark.django_db(transaction=True)
def test_a_service_changed_elsewhere_is_seen_within_the_version_check_interval(
    demo: Jurisdiction, anonymous: Any, buffer: services.DemandBuffer, clock: list[float]
) -> None:
    def first_result() -> str:
        return str(anonymous.get("/api/v1/triage", {"q": "I need a doctor", "lang": "en"}).json()["results"][0]["id"])

    top = first_result()
    # as another process would change it: no signal reaches this one
    Service.objects.filter(pk=top).update(status="inactive", last_modified=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    clock[0] += candidates.VERSION_CHECK_SECONDS / 2
    assert first_result() == top
    clock[0] += candidates.VERSION_CHECK_SECONDS / 2
    second = first_result()
    assert second != top
    # saved in this process: seen by the next triage
    service = Service.objects.get(pk=second)
    service.status = "inactive"
    service.last_modified = dt.datetime(2100, 1, 2, tzinfo=dt.UTC)
    service.save()
    assert first_result() not in {top, second}


@pytest.mark.django_db(transaction=True)
def test_a_jurisdiction_changed_elsewhere_is_seen_within_the_cache_interval(
    demo: Jurisdiction, clock: list[float], settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    request = RequestFactory().get("/", HTTP_HOST="welcome.lakeside.example")
    assert selectors.jurisdiction_for_request(request).code == "riverton"
    Jurisdiction.objects.filter(code="lakeside").update(hosts=["welcome.lakeside.example"])
    assert selectors.jurisdiction_for_request(request).code == "riverton"
    clock[0] += selectors.JURISDICTIONS_CACHE_SECONDS
    assert selectors.jurisdiction_for_request(request).code == "lakeside"
    lakeside = Jurisdiction.objects.get(code="lakeside")
    lakeside.hosts = []
    lakeside.save()  # in this process: seen at once
    assert selectors.jurisdiction_for_request(request).code == "riverton"
