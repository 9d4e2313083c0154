"""schemathesis against the served OpenAPI schema, signed in as a caseworker: every request it makes
up for the clients, referrals and triage endpoints, valid and invalid, gets an answer that is no
server error, has a status the schema lists, and has the documented shape.

Bounded and repeatable: a few examples per operation, derandomized. Generated ids are mostly turned
into ids of real records (hers, and another agency's), so the checks reach past the 404s.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.test import Client as DjangoClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, User
from welcoming.cases import services
from welcoming.cases.services import Person
from welcoming.places.models import Jurisdiction
from welcoming.wsgi import application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_db_connection")]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 5,
        "generation": {
            "mode": "all",  # invalid input too: a 400, never a 500
            "deterministic": True,
            # she signs in through the session below, not with made-up credentials
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
    }
)
# a 32-character CSRF secret, sent as cookie and header alike, as a browser session's script would
CSRF = "w3lc0m1ngw3lc0m1ngw3lc0m1ngw3lc0"


@dataclass
class World:
    cookies: dict[str, str]
    clients: Sequence[str]
    referrals: Sequence[str]
    notes: Sequence[str]
    consents: Sequence[str]
    agencies: Sequence[str]


@pytest.fixture
def world(
    settings: Any,
    riverton: Jurisdiction,
    caseworker_a: User,
    caseworker_b: User,
    agency_a: Agency,
    agency_b: Agency,
) -> World:
    settings.WELCOMING_REQUIRE_2FA = False
    mine, theirs = actor_for(caseworker_a, riverton), actor_for(caseworker_b, riverton)
    fatima = services.client_register(
        actor=mine,
        person=Person(given_name="فاطمة", family_name="الحسن", phone="+1 613 555 0101", birth_year=1990),
        consent_method="verbal",
    )
    services.assessment_record(actor=mine, client=fatima, needs=["housing"], urgency="week", notes="Private.")
    sharing = services.consent_record(actor=mine, client=fatima, purpose="sharing", method="verbal", agency=agency_b)
    sent = services.referral_create(actor=mine, client=fatima, to_agency=agency_b, shared=["name", "needs"])
    note = services.note_add(actor=mine, client=fatima, text="Came with her son.", shared=True)
    carlos = services.client_register(actor=theirs, person=Person(given_name="Carlos"), consent_method="written")
    services.consent_record(actor=theirs, client=carlos, purpose="sharing", method="verbal", agency=agency_a)
    received = services.referral_create(actor=theirs, client=carlos, to_agency=agency_a, shared=["name"])
    other = services.client_register(actor=theirs, person=Person(given_name="Olena"), consent_method="written")
    hidden = services.note_add(actor=theirs, client=other, text="Not for agency A.")

    browser = DjangoClient()
    browser.force_login(caseworker_a)
    return World(
        cookies={settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value, "csrftoken": CSRF},
        clients=[str(fatima.pk), str(carlos.pk), str(other.pk)],
        referrals=[str(sent.pk), str(received.pk)],
        notes=[str(note.pk), str(hidden.pk)],
        consents=[str(sharing.pk)],
        agencies=[str(agency_b.pk), str(agency_a.pk)],
    )


# the schema as served (generating it reads no table)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG).include(
    path_regex=r"^/api/v1/(clients|referrals|triage)"
)


def _pick(generated: Any, real: Sequence[str]) -> Any:
    """One of the real ids most of the time, chosen by the generated value (so still repeatable),
    and now and then the generated value itself."""
    slot = zlib.crc32(repr(generated).encode()) % (len(real) + 1)
    return real[slot] if slot < len(real) else generated


def aim_at_real_records(case: Any, world: World) -> None:
    path = case.operation.path
    params = case.path_parameters or {}
    if "id" in params:
        params["id"] = _pick(params["id"], world.referrals if path.startswith("/api/v1/referrals") else world.clients)
    if "note_id" in params:
        params["note_id"] = _pick(params["note_id"], world.notes)
    if "consent_id" in params:
        params["consent_id"] = _pick(params["consent_id"], world.consents)
    query = case.query if isinstance(case.query, dict) else {}
    # an unknown city is one 404; most requests should reach the city where the records are
    if "jurisdiction" in query and zlib.crc32(repr(query["jurisdiction"]).encode()) % 4:
        del query["jurisdiction"]
    if isinstance(case.body, dict):
        for field, real in (("client", world.clients), ("to_agency", world.agencies), ("agency", world.agencies)):
            if field in case.body:
                case.body[field] = _pick(case.body[field], real)


@schema.parametrize()
@hypothesis_settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_generated_request_gets_a_documented_answer_and_never_a_server_error(case: Any, world: World) -> None:
    aim_at_real_records(case, world)
    # the triage's schema is its own and lists only its 200 so far: there, only no server error
    checks = [not_a_server_error] if case.operation.path == "/api/v1/triage" else CHECKS
    response = case.call_and_validate(cookies=world.cookies, headers={"X-CSRFToken": CSRF}, checks=checks)
    # she is signed in throughout: a 401 would mean the run tested only the door
    assert response.status_code != 401, response.text
