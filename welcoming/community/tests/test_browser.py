"""The offer form in a real browser: Debian's Chromium driven by Playwright, against a live server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Browser

from welcoming.community.models import Offer
from welcoming.community.tests.helpers import links_in, make_areas
from welcoming.places.models import Area, Jurisdiction
from welcoming.tests.browser import open_page, serious_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_csp_violations")]


@pytest.fixture
def city(live_server: Any, riverton: Jurisdiction) -> Iterator[str]:
    cache.clear()
    make_areas(riverton)
    yield str(live_server.url)
    cache.clear()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_in_persian_she_offers_childrens_winter_coats_and_confirms_her_email(
    browser: Browser, city: str, javascript: bool
) -> None:
    page = open_page(browser, javascript)
    page.goto(f"{city}/fa/offer/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("a.kind[href^='/fa/offer/goods/']").click()
    page.wait_for_url("**/fa/offer/goods/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # first she forgets what she gives: the page says where, and keeps what she wrote
    page.fill("#id_name", "زهرا موسوی")
    page.fill("#id_email", "zahra@example.org")
    page.locator("form.offer button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_item").get_attribute("aria-invalid") == "true"
    assert page.input_value("#id_name") == "زهرا موسوی"

    page.select_option("#id_item", "winter_coat_child")
    page.fill("#id_capacity", "۳")  # Persian digits, as her keyboard types them
    page.locator("label.check", has=page.locator("input[name=condition][value=good]")).click()
    area = Area.objects.get(code="northfield")
    page.select_option("#id_area", str(area.pk))
    page.locator("label.check", has=page.locator("input[name=consent]")).click()
    page.locator("form.offer button[type=submit]").click()
    page.wait_for_url("**/fa/offer/sent/")

    offer = Offer.objects.get()
    assert (offer.item, offer.capacity, offer.condition, offer.area_id) == ("winter_coat_child", 3, "good", area.pk)
    assert offer.state == Offer.State.UNVERIFIED and offer.offerer.language == "fa"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zahra@example.org"]
    links = links_in(mail.outbox[0])
    assert links["verify"].startswith("/fa/offer/verify/")

    page.goto(city + links["verify"])
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("ol.steps li").count() == 3
    offer.refresh_from_db()
    assert offer.state == Offer.State.PENDING

    page.goto(city + links["manage"])
    assert "زهرا موسوی" in page.locator("main").inner_text()
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_offer_pages_have_no_serious_accessibility_problems(browser: Browser, city: str, language: str) -> None:
    page = open_page(browser, bypass_csp=True)  # axe is injected as an inline script
    for path in ["/offer/", "/offer/housing/", "/offer/room/", "/offer/work/"]:
        page.goto(f"{city}/{language}{path}")
        assert serious_violations(page) == [], page.url
    page.locator("form.offer button[type=submit]").click()  # the page with its errors
    page.wait_for_load_state()
    assert serious_violations(page) == [], "the work form with errors"
    page.context.close()
