"""What the browser tests share: Debian's Chromium launched as the house requires, pages that record
Content Security Policy violations (each one fails the test that caused it, see `conftest.py`), and
axe-core's accessibility check."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Playwright's synchronous API runs an event loop in the test's thread; the ORM calls of the tests
# are still plain blocking calls made before and after the browser acts.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# no sandbox (CI runs as root), and nothing that reaches the network on its own
FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1024, "height": 800}

#: the Content Security Policy violations the pages reported during the current test
violations: list[str] = []


@contextmanager
def chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "Chromium is missing: make test installs Debian's chromium package"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield launched
        launched.close()


def open_page(
    browser: Browser, javascript: bool = True, bypass_csp: bool = False, viewport: ViewportSize = PHONE
) -> Page:
    context = browser.new_context(java_script_enabled=javascript, viewport=viewport, bypass_csp=bypass_csp)
    page = context.new_page()
    # every page is served with a Content Security Policy: a violation is a defect
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return page


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page (open it with `bypass_csp=True`: axe is
    injected as an inline script)."""
    assert AXE.exists(), "axe-core is missing: make test installs it with npm"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document).then(r => r.violations.map(v => [v.impact, v.id, v.nodes.length]))")
    return [f"{impact} {rule} ({count})" for impact, rule, count in found if impact in ("serious", "critical")]
