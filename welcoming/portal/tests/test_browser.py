"""The portal in a real browser: Debian's Chromium driven by Playwright, against a live server."""

from __future__ import annotations

import gzip
import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser

from welcoming.tests.browser import open_page, serious_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_csp_violations")]


@pytest.fixture
def city(live_server: Any) -> str:
    call_command("load_demo", stdout=io.StringIO())
    return str(live_server.url)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_in_arabic_she_types_her_need_and_gets_health_services_with_reasons(
    browser: Browser, city: str, javascript: bool
) -> None:
    page = open_page(browser, javascript)
    page.goto(f"{city}/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.fill("#q", "ابني مريض ويحتاج طبيب")
    page.locator("form.ask button[type=submit]").first.click()
    page.wait_for_url("**/ar/find/?**")
    results = page.locator("li.result")
    assert results.count() >= 3
    first = results.first.inner_text()
    assert "يساعد في: الصحة" in first
    page.context.close()


def test_in_ukrainian_she_answers_the_quick_questions(browser: Browser, city: str) -> None:
    page = open_page(browser)
    page.goto(f"{city}/uk/find/")
    page.locator("label.tile", has=page.locator("input[value=housing]")).click()
    page.fill("input[name=children]", "3, 7")
    page.fill("input[name=postcode]", "K7A 1A1")
    page.locator("form.ask button[type=submit]").click()
    page.wait_for_url("**/uk/find/?**")
    assert page.locator("li.result").count() >= 1
    assert "Допомагає з: Житло" in page.locator("li.result").first.inner_text()
    page.context.close()


def test_in_persian_she_answers_the_quick_questions_and_reads_the_guide_for_her_need(
    browser: Browser, city: str
) -> None:
    page = open_page(browser)
    page.goto(f"{city}/fa/find/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("label.tile", has=page.locator("input[value=health]")).click()
    page.fill("input[name=adults]", "2")
    page.fill("input[name=children]", "4")
    page.locator("label.inline", has=page.locator("input[name=speaks][value=ar]")).click()
    page.locator("label.inline", has=page.locator("input[name=free]")).click()
    page.locator("form.ask button[type=submit]").click()
    page.wait_for_url("**/fa/find/?**")
    results = page.locator("li.result")
    assert results.count() >= 3
    for index in range(results.count()):
        text = results.nth(index).inner_text()
        assert "کمک در زمینهٔ: سلامت" in text
        assert "رایگان" in text
    page.locator("section.guides-for-you a").first.click()
    assert page.locator("html").get_attribute("lang") == "fa"
    assert page.locator("h1").inner_text()
    page.context.close()


def test_in_persian_the_service_page_keeps_the_phone_number_left_to_right(browser: Browser, city: str) -> None:
    page = open_page(browser)
    page.goto(f"{city}/fa/find/?need=health")
    page.locator("li.result h2 a").first.click()
    phone = page.locator("a[href^='tel:'] bdi").first
    assert phone.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert page.locator("html").get_attribute("lang") == "fa"
    page.context.close()


def test_the_print_view_shows_a_qr_code(browser: Browser, city: str) -> None:
    page = open_page(browser)
    page.goto(f"{city}/ar/find/?q=" + "ابني مريض")
    page.locator("a[href*='/ar/find/print/']").click()
    qr = page.locator("figure.qr svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 80
    page.emulate_media(media="print")
    assert page.locator("form").count() == 0
    page.context.close()


def test_the_results_open_offline_after_one_visit(browser: Browser, city: str) -> None:
    page = open_page(browser)
    results = f"{city}/ar/find/?q=" + "ابني مريض ويحتاج طبيب"
    page.goto(results)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker, which keeps a copy
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    assert page.locator("li.result").count() >= 3
    assert "يساعد في: الصحة" in page.locator("li.result").first.inner_text()
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_home_find_results_and_a_service_page_have_no_serious_accessibility_problems(
    browser: Browser, city: str, language: str
) -> None:
    page = open_page(browser, bypass_csp=True)  # axe is injected as an inline script
    for path in ["/", "/find/", "/find/?need=health&q=doctor", None]:
        if path is None:
            page.goto(f"{city}/{language}/find/?need=health")
            page.locator("li.result h2 a").first.click()
        else:
            page.goto(f"{city}/{language}{path}")
        assert serious_violations(page) == [], page.url
    page.context.close()


def test_home_find_and_results_weigh_under_50_kb_compressed(browser: Browser, city: str) -> None:
    """Every byte the browser fetches for the three pages, gzip-compressed as a server would send it."""
    page = open_page(browser)
    fetched: list[bytes] = []
    page.on("response", lambda response: fetched.append(response.body()) if response.ok else None)
    for path in ["/ar/", "/ar/find/", "/ar/find/?q=" + "ابني مريض ويحتاج طبيب"]:
        page.goto(f"{city}{path}")
        page.wait_for_load_state("networkidle")
    total = sum(len(gzip.compress(body)) for body in fetched)
    print(f"home + find + results: {total} bytes gzip-compressed")
    assert total <= 50 * 1024, f"{total} bytes"
    page.context.close()
