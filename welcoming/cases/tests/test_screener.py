"""The portal's anonymous screener: "which city programmes could we get?", in her language,
with the same rules as staff, storing nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from welcoming.accounts.models import AuditEntry
from welcoming.cases import programme_services
from welcoming.cases.models import Application, Client, Document, Programme
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db

FAMILY = {
    "household_size": "3",
    "annual_income": "40000",
    "lives_here": "yes",
    "applicant_age": "٣٠",
    "other_ages": "28، 5",
}


@pytest.fixture
def programmes(riverton: Jurisdiction) -> list[Programme]:
    programme_services.load_demo_programmes(riverton)
    return list(Programme.objects.filter(jurisdiction=riverton))


def test_the_screener_in_arabic_answers_right_to_left_and_stores_nothing(
    anonymous: Browser, programmes: list[Programme]
) -> None:
    counts = [model.objects.count() for model in (Application, Client, Document, AuditEntry)]
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get("/ar/programmes/", FAMILY)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "بطاقة النقل لذوي الدخل المحدود" in page and "دعم رسوم رعاية الأطفال" in page
    likely, _, unlikely = page.partition("المساعدة في فواتير الخدمات")
    assert "بطاقة النقل لذوي الدخل المحدود" in likely  # eligible ones come first
    # the limit that rules the utility help out, grouped or not as the locale writes numbers
    assert "36800" in unlikely.replace(",", "").replace("٬", "").replace("\xa0", "")
    written = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE"}]
    assert written == []
    assert [model.objects.count() for model in (Application, Client, Document, AuditEntry)] == counts
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert response["Cache-Control"] == "private, no-store"


def test_the_screener_gives_likely_yes_or_no_with_the_numbers_behind_it(
    anonymous: Browser, programmes: list[Programme]
) -> None:
    page = anonymous.get("/en/programmes/", FAMILY).content.decode()
    yes, _, no = page.partition("<h3>Likely no</h3>")
    assert "Low-income transit pass" in yes and "Child-care fee subsidy" in yes
    assert "Utility bill assistance" in no
    assert "The yearly income, 40,000, is over the limit of 36,800 for a household of 3 people." in no
    moved_away = anonymous.get("/en/programmes/", {**FAMILY, "lives_here": "no"}).content.decode()
    assert "<h3>Likely yes</h3>" not in moved_away
    assert "This programme is for households living in Riverton." in moved_away


def test_without_ages_the_programmes_with_an_age_band_say_maybe_and_ask_for_them(
    anonymous: Browser, programmes: list[Programme]
) -> None:
    page = anonymous.get("/en/programmes/", {**FAMILY, "applicant_age": "", "other_ages": ""}).content.decode()
    maybe = page.partition("<h3>Maybe: we need a little more information</h3>")[2].partition("<h3>")[0]
    assert "Low-income transit pass" in maybe and "Child-care fee subsidy" in maybe
    assert "give the age of the person applying" in maybe


def test_a_name_not_yet_translated_shows_in_the_original_language_marked_as_such(
    anonymous: Browser, programmes: list[Programme]
) -> None:
    transit = Programme.objects.get(slug="transit-pass")
    transit.set_translation("fa", "name", "")
    transit.save()
    page = anonymous.get("/fa/programmes/", FAMILY).content.decode()
    assert '<html lang="fa" dir="rtl">' in page
    assert '<span lang="en" dir="auto">Low-income transit pass</span>' in page
    assert "کمک به پرداخت قبض‌ها" in page


def test_wrong_answers_are_marked_and_nothing_is_answered(anonymous: Browser, programmes: list[Programme]) -> None:
    response = anonymous.get("/uk/programmes/", {**FAMILY, "household_size": "0", "other_ages": "two"})
    page = response.content.decode()
    assert response.status_code == 200 and 'aria-invalid="true"' in page
    assert "Проїзний для людей з низьким доходом" not in page


def test_the_first_visit_shows_only_the_questions_and_the_home_page_links_to_it(
    anonymous: Browser, programmes: list[Programme]
) -> None:
    first = anonymous.get("/es/programmes/").content.decode()
    assert 'name="annual_income"' in first and "Pase de transporte para bajos ingresos" not in first
    assert 'href="/es/programmes/"' in anonymous.get("/es/").content.decode()
