"""The shared cast and the small fixtures every test can use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from welcoming.accounts.models import User
from welcoming.places.models import Jurisdiction

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-76.6, 44.1], [-76.3, 44.1], [-76.3, 44.4], [-76.6, 44.4], [-76.6, 44.1]]],
}


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    """The cast is made again for every test: argon2's deliberate cost (100 MB per hash) is for
    production, and a test tells argon2 is configured by reading the settings. Demand rows are
    written at once, so that no timer thread writes while a test's database is being emptied."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WELCOMING_DEMAND_BUFFER = False


@pytest.fixture
def riverton(db: Any) -> Jurisdiction:
    return Jurisdiction.objects.create(
        code="riverton",
        name="Riverton",
        translations={"ar": {"name": "ريفرتون"}},
        default_language="en",
        languages=["en", "fr", "ar", "uk", "es", "fa"],
        timezone="America/Toronto",
        country="CA",
        state_province="ON",
        centre_latitude=44.2312,
        centre_longitude=-76.4860,
        boundary=SQUARE,
        emergency_contacts=[{"number": "911", "name": {"en": "Emergency"}}],
    )


@pytest.fixture
def lakeside(db: Any) -> Jurisdiction:
    return Jurisdiction.objects.create(
        code="lakeside", name="Lakeside", centre_latitude=44.305, centre_longitude=-76.37, languages=["en"]
    )


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def admin_user(db: Any) -> User:
    return User.objects.create_superuser("ada", "ada@example.org", "a-long-password-1")


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


# --- the cast of staff: one per role, across two agencies of Riverton -------------------------------


@pytest.fixture
def agency_a(riverton: Jurisdiction) -> Any:
    from welcoming.accounts.models import Agency

    return Agency.objects.create(jurisdiction=riverton, name="Newcomer Office", email="office@example.org")


@pytest.fixture
def agency_b(riverton: Jurisdiction) -> Any:
    from welcoming.accounts.models import Agency

    return Agency.objects.create(jurisdiction=riverton, name="Health Clinic", email="clinic@example.org")


def _member(username: str, jurisdiction: Jurisdiction, role: str, agency: Any = None) -> User:
    from welcoming.accounts.models import Membership

    user = User.objects.create_user(username, f"{username}@example.org", "a-long-password-1")
    Membership.objects.create(user=user, jurisdiction=jurisdiction, agency=agency, role=role)
    return user


@pytest.fixture
def coordinator(riverton: Jurisdiction) -> User:
    return _member("cora", riverton, "coordinator")


@pytest.fixture
def manager_a(riverton: Jurisdiction, agency_a: Any) -> User:
    return _member("mona", riverton, "manager", agency_a)


@pytest.fixture
def caseworker_a(riverton: Jurisdiction, agency_a: Any) -> User:
    return _member("amal", riverton, "caseworker", agency_a)


@pytest.fixture
def caseworker_a2(riverton: Jurisdiction, agency_a: Any) -> User:
    return _member("anna", riverton, "caseworker", agency_a)


@pytest.fixture
def caseworker_b(riverton: Jurisdiction, agency_b: Any) -> User:
    return _member("bilal", riverton, "caseworker", agency_b)


@pytest.fixture
def analyst(riverton: Jurisdiction) -> User:
    return _member("ines", riverton, "analyst")


@pytest.fixture
def keep_db_connection() -> Any:
    """For tests that call the WSGI application directly (schemathesis): Django closes the database
    connection when a request starts and ends, which on PostgreSQL would close the connection holding
    the test's transaction. Its own test client disconnects these handlers the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def private_files(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Uploads go to this test's own folder (the storage is made once, when the model loads)."""
    from django.core.files.storage import FileSystemStorage

    from welcoming.cases.models import Document

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    file_field = Document._meta.get_field("file")
    kept = file_field.storage
    file_field.storage = FileSystemStorage(location=tmp_path, base_url=None)
    yield tmp_path
    file_field.storage = kept


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright, for the browser tests of one module."""
    from welcoming.tests.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def no_csp_violations() -> Iterator[None]:
    """A page that breaks the Content Security Policy fails the test that opened it."""
    from welcoming.tests import browser

    browser.violations.clear()
    yield
    assert browser.violations == []
