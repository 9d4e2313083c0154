"""A match run in a real browser (Debian's Chromium driven by Playwright, against a live server): the
coordinator starts it, its page follows the queue's worker (a static script polling the run's
progress, or a plain refresh without JavaScript) and shows the figures and proposals once it is done;
all under the site's Content Security Policy, without serious accessibility problems."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from playwright.sync_api import Browser, Page

from welcoming.accounts.models import User
from welcoming.matching.models import MatchRun
from welcoming.matching.tests import run_factories as make
from welcoming.matching.tests.run_factories import work_off_the_queue
from welcoming.places.models import Jurisdiction
from welcoming.tests.browser import DESKTOP, open_page, serious_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_csp_violations")]


@pytest.fixture
def city(live_server: Any, settings: Any, riverton: Jurisdiction, caseworker_a: User) -> str:
    """Olena has waited for a flat for ten months; a flat that fits her family is published."""
    settings.WELCOMING_REQUIRE_2FA = False
    make.open_request(make.household(caseworker_a, riverton), waited_days=300)
    make.published_offer(riverton)
    return str(live_server.url)


def signed_in_page(
    browser: Browser, city: str, user: User, *, javascript: bool = True, bypass_csp: bool = False
) -> Page:
    django = DjangoClient()
    django.force_login(user)
    page = open_page(browser, javascript, bypass_csp, viewport=DESKTOP)
    cookie = django.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": city}])
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_coordinator_starts_a_run_and_its_page_follows_it_to_the_proposals(
    browser: Browser, city: str, coordinator: User, javascript: bool
) -> None:
    page = signed_in_page(browser, city, coordinator, javascript=javascript)
    page.goto(f"{city}/staff/matching/")
    housing = page.locator("form", has=page.locator('input[name="kind"][value="housing"]'))
    housing.get_by_label("Close to the children's school").fill("20")
    housing.get_by_role("button", name="Start a run").click()
    page.wait_for_url("**/staff/matching/runs/*/")
    assert page.locator("#run-progress").get_attribute("value") == "0"
    assert "Waiting for the worker" in page.locator("#run-stage").inner_text()
    run = MatchRun.objects.get()
    assert run.weights["school"] == 20.0

    work_off_the_queue()  # the worker of `make demo`, here in the test's own thread

    # the script sees the run finish and reloads; without it, the page refreshes itself
    page.wait_for_selector("#figures", timeout=15_000)
    assert page.locator("#run-state").inner_text() == "Done"
    assert page.locator("#progress").count() == 0
    text = page.locator("main").inner_text()
    assert "Households of 3 to 4 people" in text and "Why this match" in text
    page.get_by_role("button", name="Confirm and allocate").click()
    page.wait_for_selector("text=Confirmed: the units are allocated")
    assert page.get_by_role("button", name="End the placement").count() == 1
    page.context.close()


def test_the_matching_run_and_check_in_pages_have_no_serious_accessibility_problems(
    browser: Browser, city: str, coordinator: User, riverton: Jurisdiction
) -> None:
    from welcoming.accounts.actors import actor_for
    from welcoming.matching import run_services

    run = run_services.run_start(actor=actor_for(coordinator, riverton), kind="housing")
    page = signed_in_page(browser, city, coordinator, bypass_csp=True)  # axe is injected as an inline script
    page.goto(f"{city}/staff/matching/runs/{run.pk}/")
    assert serious_violations(page) == [], "queued run"
    work_off_the_queue()
    proposal = run.proposals.get()
    allocation = run_services.proposal_confirm(actor=actor_for(coordinator, riverton), proposal=proposal)
    check_in = allocation.check_ins.order_by("due_on").first()
    assert check_in is not None
    for path in [
        "/staff/matching/",
        f"/staff/matching/runs/{run.pk}/",
        "/staff/check-ins/",
        f"/staff/check-ins/{check_in.pk}/",
    ]:
        page.goto(f"{city}{path}")
        assert serious_violations(page) == [], path
    page.context.close()
