from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from welcoming.directory import models as m
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db

ARABIC_QUESTION = "ابني مريض ويحتاج طبيب"


@pytest.fixture
def demo(db: Any) -> Jurisdiction:
    call_command("load_demo", stdout=io.StringIO())
    return Jurisdiction.objects.get(code="riverton")


def page(client: Any, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return str(response.content.decode())


def test_the_front_door_offers_six_languages_each_in_its_own_script(anonymous: Any) -> None:
    html = page(anonymous, "/")
    for code, name in [
        ("en", "English"),
        ("fr", "Français"),
        ("ar", "العربية"),
        ("uk", "Українська"),
        ("es", "Español"),
        ("fa", "فارسی"),
    ]:
        assert f'href="/{code}/" lang="{code}"' in html
        assert name in html


def test_the_arabic_home_is_right_to_left_with_need_tiles_and_emergency_numbers(
    demo: Jurisdiction, anonymous: Any
) -> None:
    html = page(anonymous, "/ar/")
    assert '<html lang="ar" dir="rtl">' in html
    assert "ريفرتون" in html
    assert html.count('name="need"') == 14
    assert "الصحة" in html and "السكن" in html
    assert 'href="tel:911"' in html


def test_she_asks_in_arabic_and_the_results_page_explains_each_service(demo: Jurisdiction, anonymous: Any) -> None:
    html = page(anonymous, "/ar/find/", q=ARABIC_QUESTION)
    items = re.findall(r'<li class="result">(.*?)</li>\s*(?=<li class="result">|</ol>)', html, re.S)
    assert 3 <= len(items) <= 10
    assert all("يساعد في: الصحة" in item for item in items[:3])
    assert "<strong>الصحة</strong>" in html
    assert "If you are in danger" not in html and "emergency" not in html.split("<main>")[1].split("<h1>")[0]


def test_an_emergency_puts_the_numbers_above_the_results(demo: Jurisdiction, anonymous: Any) -> None:
    html = page(anonymous, "/en/find/", q="my husband is beating me")
    main = html.split("<main>")[1]
    assert main.index('class="emergency"') < main.index("<h1>")


def test_the_quick_questions_narrow_the_list(demo: Jurisdiction, anonymous: Any) -> None:
    free = page(anonymous, "/uk/find/", need="health", free="on")
    every = page(anonymous, "/uk/find/", need="health")
    assert free.count('class="result"') <= every.count('class="result"')
    near = page(anonymous, "/uk/find/", need="food", postcode="K7A 1A1", distance="3")
    for km in re.findall(r"за ([\d,.]+) км", near):
        assert float(km.replace(",", ".")) <= 3.0
    unknown = page(anonymous, "/es/find/", need="food", postcode="ZZZ 999")
    assert 'class="note"' in unknown


def test_no_question_asks_who_she_is_or_what_papers_she_has(demo: Jurisdiction, anonymous: Any) -> None:
    html = page(anonymous, "/en/find/")
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html))
    assert names <= {
        "q",
        "need",
        "adults",
        "children",
        "postcode",
        "lat",
        "lon",
        "speaks",
        "urgent",
        "free",
        "open_now",
        "distance",
        "jurisdiction",
    }
    assert not re.search(r"status|papers|passport|visa|name=\"name\"", " ".join(names))


def test_the_service_page_gives_hours_phone_cost_and_what_to_bring(demo: Jurisdiction, anonymous: Any) -> None:
    service = m.Service.objects.filter(
        jurisdiction=demo, service_at_locations__location__confidential=False, required_documents__isnull=False
    ).first()
    assert service is not None
    html = page(anonymous, f"/fa/services/{service.id}/")
    assert '<html lang="fa" dir="rtl">' in html
    assert re.search(r'href="tel:\+1\d+"><bdi dir="ltr">\+1 ', html)
    assert "openstreetmap.org" in html
    assert service.localized("name", "fa").text in html


def test_a_safe_house_page_never_shows_its_address(demo: Jurisdiction, anonymous: Any) -> None:
    shelter = m.Service.objects.filter(jurisdiction=demo, service_at_locations__location__confidential=True).first()
    assert shelter is not None
    address = m.Address.objects.filter(location__service_at_locations__service=shelter).first()
    assert address is not None
    html = page(anonymous, f"/en/services/{shelter.id}/")
    assert address.address_1 not in html
    assert "openstreetmap" not in html


def test_a_service_of_another_city_is_not_found_here(demo: Jurisdiction, anonymous: Any) -> None:
    lakeside = m.Service.objects.filter(jurisdiction__code="lakeside").first()
    assert lakeside is not None
    assert anonymous.get(f"/en/services/{lakeside.id}/").status_code == 404
    assert anonymous.get(f"/en/services/{lakeside.id}/?jurisdiction=lakeside").status_code == 200


@pytest.mark.parametrize("language", ["en", "fr", "ar", "uk", "es", "fa"])
def test_the_privacy_page_speaks_every_language(demo: Jurisdiction, anonymous: Any, language: str) -> None:
    html = page(anonymous, f"/{language}/privacy/")
    assert f'<html lang="{language}"' in html
    if language != "en":
        assert "never ask your name" not in html  # translated, not the English fallback


def test_the_results_print_with_their_details_and_a_qr_code_back(demo: Jurisdiction, anonymous: Any) -> None:
    html = page(anonymous, "/ar/find/print/", q=ARABIC_QUESTION)
    assert html.count('class="result"') >= 3
    assert "<svg" in html and 'class="segno"' in html
    assert "http://testserver/ar/find/?q=" in html
    assert "<form" not in html
    assert anonymous.get("/ar/find/print/").status_code == 404


def test_a_service_prints_with_a_qr_code_to_its_page(demo: Jurisdiction, anonymous: Any) -> None:
    service = m.Service.objects.filter(jurisdiction=demo).first()
    assert service is not None
    html = page(anonymous, f"/uk/services/{service.id}/print/")
    assert 'class="segno"' in html and f"http://testserver/uk/services/{service.id}/" in html


def test_a_problem_reported_on_a_service_page_becomes_one_staff_task_without_personal_data(
    demo: Jurisdiction, anonymous: Any
) -> None:
    from welcoming.portal.models import ProblemReport

    service = m.Service.objects.filter(jurisdiction=demo).first()
    assert service is not None
    url = f"/ar/services/{service.id}/"
    assert "الإبلاغ" in page(anonymous, url) or 'name="kind"' in page(anonymous, url)
    for _ in range(2):  # a double tap
        response = anonymous.post(url, {"kind": "phone", "note": "الرقم لا يرد"})
        assert response.status_code == 302 and response["Location"].endswith("?reported=1")
    report = ProblemReport.objects.get()
    assert (report.service, report.kind, report.language) == (service, "phone", "ar")
    assert {f.name for f in ProblemReport._meta.get_fields()} == {
        "id",
        "jurisdiction",
        "service",
        "kind",
        "note",
        "language",
        "created",
        "resolved",
    }
    assert anonymous.post(url, {"kind": "unknown"}).status_code == 200
    assert ProblemReport.objects.count() == 1
