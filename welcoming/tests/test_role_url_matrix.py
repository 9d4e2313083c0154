"""Who may open which address: every URL of the URLconf, asked with GET by a visitor who is not
signed in and by each role of the cast, against the answer written down in `MATRIX`.

The table is the reviewed list of the site's doors. A URL added to the URLconf without a row here
fails the test ("add it to the matrix"), and so does a row whose URL is gone. Parameters are filled
with real records of a small world (a client of agency A referred to agency B, her note, task,
consent, application, document; a pending self-registration; a directory service; a guide; one
record of every model in the admin), so that every request reaches its view and its scope checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from welcoming.accounts import security
from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, LoginAttempt, Membership, Role, User
from welcoming.cases import programme_services, services
from welcoming.cases.programme_services import Declared
from welcoming.cases.services import Person
from welcoming.community import services as offer_services
from welcoming.community.models import Offer
from welcoming.content.models import Page
from welcoming.directory import models as directory
from welcoming.directory.importer import import_dataset
from welcoming.directory.packages import read_package
from welcoming.directory.tests.helpers import EXAMPLES
from welcoming.matching import run_services
from welcoming.matching.register import load_demo_housing
from welcoming.matching.tests import run_factories as matching
from welcoming.places.models import Area, Jurisdiction
from welcoming.portal import views as portal_views
from welcoming.portal.models import ProblemReport

pytestmark = pytest.mark.django_db

# --- what a door can answer ----------------------------------------------------------------------

ALLOW = "allow"  # 2xx: the page, the file or the JSON
REDIRECT = "redirect"  # 3xx to a page other than a sign-in (a GET on a form's target goes back to the page)
LOGIN = "login"  # 3xx to the staff or admin sign-in, or 401 from the API
DENY = "deny"  # 403: her role may not do this
HIDDEN = "hidden"  # 404: not there, or not hers to know of
METHOD = "method"  # 405: this address takes POST only

ROLES = (
    "anonymous",
    "admin",
    "coordinator",
    "manager_a",
    "caseworker_a",
    "caseworker_b",
    "analyst",
    "volunteer",
)


def expect(default: str, **per_role: str) -> dict[str, str]:
    """The answer for each role: `default`, except where named."""
    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    return {role: per_role.get(role, default) for role in ROLES}


@dataclass(frozen=True)
class Door:
    expected: dict[str, str]
    # URL parameter → the key of the world's record that fills it
    args: dict[str, str] = field(default_factory=dict)
    # a query string; {key} is replaced by the world's value
    query: str = ""


def door(expected: dict[str, str], query: str = "", **args: str) -> Door:
    return Door(expected, args, query)


# the answers most doors share
EVERYONE = expect(ALLOW)
SIGNED_IN = expect(ALLOW, anonymous=LOGIN)
POST_ONLY = expect(METHOD)
# lists of people: roles that never see a person are refused the door itself
CASE_WORK = expect(ALLOW, anonymous=LOGIN, analyst=DENY, volunteer=DENY)
# registering and verifying: the staff of an agency
AGENCY_DESK = expect(ALLOW, anonymous=LOGIN, admin=DENY, coordinator=DENY, analyst=DENY, volunteer=DENY)
# olena as agency B sees her too, through the referral's shared parts
SHARED_WITH_B = expect(ALLOW, anonymous=LOGIN, analyst=HIDDEN, volunteer=HIDDEN)
# the parts of her record only those who hold it open: B knows she exists, and is refused
HOLDERS = expect(ALLOW, anonymous=LOGIN, caseworker_b=DENY, analyst=HIDDEN, volunteer=HIDDEN)
# her rights requests and her caseworker: her agency's manager or the city's coordinator
MANAGERS = expect(ALLOW, anonymous=LOGIN, caseworker_a=DENY, caseworker_b=DENY, analyst=HIDDEN, volunteer=HIDDEN)
# what B may not know exists (agency A's internal records, her applications and documents)
HOLDERS_ONLY = expect(ALLOW, anonymous=LOGIN, caseworker_b=HIDDEN, analyst=HIDDEN, volunteer=HIDDEN)
# a GET on a form's target sends her back to the page
BACK_TO_REFERRAL = expect(REDIRECT, anonymous=LOGIN, analyst=HIDDEN, volunteer=HIDDEN)

# the staff API: 401 without credentials, 403 for roles that never see a person, whatever the id
API_LIST = expect(ALLOW, anonymous=LOGIN, analyst=DENY, volunteer=DENY)
API_SHARED = expect(ALLOW, anonymous=LOGIN, analyst=DENY, volunteer=DENY)
API_HOLDERS = expect(ALLOW, anonymous=LOGIN, caseworker_b=HIDDEN, analyst=DENY, volunteer=DENY)
API_POST_ONLY = expect(METHOD, anonymous=LOGIN, analyst=DENY, volunteer=DENY)

# the admin: the superuser; everyone else is sent to sign in (the admin's own door sends on to ours)
ADMIN = expect(LOGIN, admin=ALLOW)
ADMIN_REDIRECT = expect(LOGIN, admin=REDIRECT)


MATRIX: dict[str, Door] = {
    # --- the site's frame ---
    "healthz": door(EVERYONE),
    "service-worker": door(EVERYONE),
    "choose-language": door(EVERYONE),
    # --- the portal, in every language (/en/ here): public ---
    "portal:home": door(EVERYONE),
    "portal:find": door(EVERYONE, query="q=doctor"),
    "portal:find-print": door(EVERYONE, query="q=doctor"),
    "portal:service": door(EVERYONE, service_id="service"),
    "portal:service-print": door(EVERYONE, service_id="service"),
    "portal:guides": door(EVERYONE),
    "portal:guide": door(EVERYONE, slug="guide"),
    "portal:privacy": door(EVERYONE),
    "portal:register": door(EVERYONE),
    "portal:register-done": door(EVERYONE, token="register_token"),
    "portal:programmes": door(EVERYONE),
    # --- community offers: public forms; her private links open her offer to anyone who holds them ---
    "community:start": door(EVERYONE),
    "community:form": door(EVERYONE, kind="offer_kind"),
    "community:sent": door(EVERYONE),
    "community:verify": door(EVERYONE, token="offer_verify_token"),
    "community:lost-link": door(EVERYONE),
    "community:manage": door(EVERYONE, token="offer_manage_token"),
    "community:change": door(EVERYONE, token="offer_manage_token"),
    "community:withdraw": door(EVERYONE, token="offer_manage_token"),
    "community:erase": door(EVERYONE, token="offer_manage_token"),
    # --- housing: the public "check a flat" (nothing stored) ---
    "housing:check": door(EVERYONE),
    # --- signing in ---
    "staff:login": door(EVERYONE),
    "staff:logout": door(POST_ONLY),
    "staff:two-factor": door(SIGNED_IN),
    # without a device of her own, and where the site does not require one, there is no code to give
    "staff:two-factor-verify": door(expect(REDIRECT, anonymous=LOGIN)),
    # --- case work ---
    "staff:home": door(SIGNED_IN),
    "staff:clients": door(CASE_WORK, query="q={olena_code}"),
    "staff:client-new": door(AGENCY_DESK),
    "staff:pending": door(AGENCY_DESK, query="reference={pending_reference}"),
    "staff:caseload": door(CASE_WORK),
    "staff:referrals": door(CASE_WORK),
    "staff:client": door(SHARED_WITH_B, client_id="olena"),
    "staff:client-edit": door(HOLDERS, client_id="olena"),
    "staff:client-assign": door(MANAGERS, client_id="olena"),
    "staff:client-assess": door(HOLDERS, client_id="olena"),
    "staff:client-consent": door(HOLDERS, client_id="olena"),
    "staff:consent-withdraw": door(HOLDERS_ONLY, client_id="olena", consent_id="consent"),
    # the receiving agency writes its own notes and tasks on her
    "staff:client-note": door(SHARED_WITH_B, client_id="olena"),
    "staff:client-task": door(SHARED_WITH_B, client_id="olena"),
    "staff:task-done": door(
        expect(REDIRECT, anonymous=LOGIN, caseworker_b=HIDDEN, analyst=HIDDEN, volunteer=HIDDEN),
        client_id="olena",
        task_id="task",
    ),
    "staff:client-refer": door(HOLDERS, client_id="olena"),
    "staff:client-duplicates": door(HOLDERS, client_id="olena"),
    # B does not see the other record at all
    "staff:client-merge": door(HOLDERS_ONLY, client_id="olena", other_id="other"),
    "staff:client-erase": door(MANAGERS, client_id="olena"),
    "staff:client-export": door(MANAGERS, client_id="olena"),
    "staff:client-card": door(HOLDERS, client_id="olena"),
    "staff:referral": door(SHARED_WITH_B, referral_id="referral"),
    "staff:referral-answer": door(BACK_TO_REFERRAL, referral_id="referral"),
    "staff:referral-withdraw": door(BACK_TO_REFERRAL, referral_id="referral"),
    "staff:referral-send": door(BACK_TO_REFERRAL, referral_id="referral"),
    # --- Fair Entry ---
    "staff:fair-entry": door(CASE_WORK),
    "staff:fair-entry-new": door(HOLDERS_ONLY, query="client={olena_code}"),
    "staff:fair-entry-export": door(expect(DENY, anonymous=LOGIN, admin=ALLOW, coordinator=ALLOW)),
    "staff:fair-entry-application": door(HOLDERS_ONLY, application_id="application"),
    "staff:fair-entry-decide": door(POST_ONLY, application_id="application", decision_id="decision"),
    "staff:fair-entry-upload": door(POST_ONLY, application_id="application"),
    "staff:fair-entry-renew": door(HOLDERS_ONLY, application_id="application"),
    "staff:document-download": door(HOLDERS_ONLY, document_id="document"),
    # --- community offers: agency staff see published ones (without who offers them); the coordinator moderates ---
    "staff:offers": door(expect(ALLOW, anonymous=LOGIN, analyst=DENY)),
    "staff:offer": door(expect(ALLOW, anonymous=LOGIN, analyst=DENY), offer_id="offer"),
    "staff:offer-publish": door(expect(METHOD, anonymous=LOGIN), offer_id="offer"),
    "staff:offer-reject": door(expect(DENY, anonymous=LOGIN, admin=REDIRECT, coordinator=REDIRECT), offer_id="offer"),
    "staff:offer-erase": door(expect(DENY, anonymous=LOGIN, admin=ALLOW, coordinator=ALLOW), offer_id="offer"),
    # --- match runs: city-wide, the coordinator's; an analyst reads the list of figures only ---
    "staff:matching": door(expect(DENY, anonymous=LOGIN, admin=ALLOW, coordinator=ALLOW, analyst=ALLOW)),
    "staff:run-start": door(POST_ONLY),
    "staff:run": door(expect(DENY, anonymous=LOGIN, admin=ALLOW, coordinator=ALLOW), run_id="run"),
    "staff:run-progress": door(expect(DENY, anonymous=LOGIN, admin=ALLOW, coordinator=ALLOW), run_id="run"),
    "staff:proposal-confirm": door(POST_ONLY, proposal_id="proposal"),
    "staff:proposal-reject": door(POST_ONLY, proposal_id="proposal"),
    "staff:allocation-end": door(POST_ONLY, allocation_id="allocation"),
    # follow-up check-ins: those who hold the household's record (B sees Olena only through a referral)
    "staff:check-ins": door(CASE_WORK),
    "staff:check-in": door(
        expect(ALLOW, anonymous=LOGIN, caseworker_b=HIDDEN, analyst=DENY, volunteer=DENY), check_in_id="check_in"
    ),
    # --- housing rules: the check for those who work with clients, the register for the coordinator ---
    "staff:housing-check": door(CASE_WORK),
    "staff:housing-register": door(expect(DENY, anonymous=LOGIN, admin=ALLOW, coordinator=ALLOW)),
    # --- requests: the city's figures for every role; a request itself only for those who hold her record ---
    "staff:requests": door(SIGNED_IN),
    "staff:request": door(HOLDERS_ONLY, request_id="request"),
    "staff:request-edit": door(HOLDERS_ONLY, request_id="request"),
    "staff:request-close": door(HOLDERS_ONLY, request_id="request"),
    "staff:client-request-new": door(HOLDERS, client_id="olena"),
    # --- the directory's API (HSDS): public ---
    "hsds:meta": door(EVERYONE),
    "hsds:services": door(EVERYONE),
    "hsds:service": door(EVERYONE, id="service"),
    "hsds:organizations": door(EVERYONE),
    "hsds:organization": door(EVERYONE, id="organization"),
    "hsds:locations": door(EVERYONE),
    "hsds:location": door(EVERYONE, id="location"),
    "hsds:service_at_locations": door(EVERYONE),
    "hsds:service_at_location": door(EVERYONE, id="service_at_location"),
    "hsds:taxonomies": door(EVERYONE),
    "hsds:taxonomy": door(EVERYONE, id="taxonomy"),
    "hsds:taxonomy_terms": door(EVERYONE),
    "hsds:taxonomy_term": door(EVERYONE, id="taxonomy_term"),
    "hsds:ping": door(EVERYONE),
    # --- the triage, the token, the schema and its documentation ---
    "triage:triage": door(EVERYONE, query="q=doctor&lang=en"),
    "auth-token": door(POST_ONLY),
    "schema": door(EVERYONE),
    "api-docs": door(EVERYONE),
    # --- the staff API ---
    "cases-api:clients": door(API_LIST),
    "cases-api:client": door(API_SHARED, id="olena"),
    "cases-api:client-consents": door(API_HOLDERS, id="olena"),
    "cases-api:client-consent-withdraw": door(API_POST_ONLY, id="olena", consent_id="consent"),
    "cases-api:client-assessments": door(API_SHARED, id="olena"),
    "cases-api:client-notes": door(API_SHARED, id="olena"),
    "cases-api:client-note": door(API_HOLDERS, id="olena", note_id="note"),
    "cases-api:client-referrals": door(API_HOLDERS, id="olena"),
    "cases-api:referrals": door(API_LIST),
    "cases-api:referral": door(API_SHARED, id="referral"),
    "cases-api:referral-transition": door(API_POST_ONLY, id="referral"),
    "fair-entry:applications": door(API_LIST),
    "fair-entry:application": door(API_HOLDERS, application_id="application"),
    "fair-entry:application-decision": door(API_POST_ONLY, application_id="application", decision_id="decision"),
    # --- the admin's own pages ---
    "admin:index": door(ADMIN),
    # the admin's sign-in page sends everyone to the staff sign-in, which knows the throttle and codes
    "admin:login": door(expect(LOGIN)),
    # signing out of the admin is a POST; others are sent to its index (which asks them to sign in)
    "admin:logout": door(expect(REDIRECT, admin=METHOD)),
    "admin:password_change": door(ADMIN),
    "admin:password_change_done": door(ADMIN),
    "admin:autocomplete": door(expect(LOGIN, admin=DENY)),
    "admin:jsi18n": door(ADMIN),
    # no model of ours has a page of its own on the site to send to
    "admin:view_on_site": door(expect(LOGIN, admin=HIDDEN), content_type_id="service_type", object_id="service"),
    "admin:app_list": door(ADMIN, app_label="app_label"),
    "admin/(?P<url>.*)$": door(expect(LOGIN, admin=HIDDEN), url="url"),
    # --- extra pages of some models' admin ---
    "admin:auth_user_password_change": door(ADMIN, id="admin:accounts.user"),
    "admin:otp_totp_totpdevice_config": door(ADMIN, pk="admin:otp_totp.totpdevice"),
    "admin:otp_totp_totpdevice_qrcode": door(ADMIN, pk="admin:otp_totp.totpdevice"),
}

# Every model in the admin, and the answer of each of its pages where it is not ADMIN.
ADMIN_MODELS: dict[str, dict[str, dict[str, str]]] = {
    "auth.group": {},
    "otp_totp.totpdevice": {},
    "places.jurisdiction": {},
    "places.area": {},
    "accounts.user": {},
    # tokens are issued by signing in, and attempts written by the throttle: never added by hand
    "accounts.apitoken": {"add": expect(LOGIN, admin=DENY)},
    "accounts.loginattempt": {"add": expect(LOGIN, admin=DENY)},
    "directory.service": {},
    "directory.organization": {},
    "directory.location": {},
    "directory.taxonomyterm": {},
    "directory.taxonomy": {},
    "directory.organizationeditor": {},
    "directory.program": {},
    "directory.contact": {},
    "directory.servicearea": {},
    "directory.funding": {},
    "directory.accessibility": {},
    "directory.attribute": {},
    "content.page": {},
    "cases.programme": {},
    "portal.problemreport": {},
    "matching.housingpolicy": {},
    "matching.buildingissue": {},
}


def _admin_doors() -> dict[str, Door]:
    """The five pages the admin makes for each model, and the bare object address that redirects
    to its change page."""
    doors = {}
    for label, exceptions in ADMIN_MODELS.items():
        app, model = label.split(".")
        key = f"admin:{label}"
        for page in ("changelist", "add", "history", "delete", "change"):
            args = {} if page in ("changelist", "add") else {"object_id": key}
            doors[f"admin:{app}_{model}_{page}"] = Door(exceptions.get(page, ADMIN), args)
        doors[f"admin/{app}/{model}/<path:object_id>/"] = Door(
            exceptions.get("object", ADMIN_REDIRECT), {"object_id": key}
        )
    return doors


MATRIX.update(_admin_doors())


# --- the URLconf, walked --------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself when it has no name
    name: str | None
    route: str  # the whole route, e.g. "staff/clients/<uuid:client_id>/"
    params: tuple[str, ...]


PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def routes() -> list[Route]:
    """Every URL pattern of the URLconf, with the namespaces and prefixes of the resolvers above it."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern, route, namespaces + ((pattern.namespace,) if pattern.namespace else ()))
                continue
            assert isinstance(pattern, URLPattern)
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            params = tuple(a or b for a, b in PARAM.findall(route))
            found.append(Route(key=name or route, name=name, route=route, params=params))

    walk(get_resolver(), "", ())
    return found


def test_every_url_of_the_urlconf_has_a_row_in_the_matrix_and_every_row_a_url() -> None:
    found = routes()
    keys = [route.key for route in found]
    problems = []
    if shared := sorted({key for key in keys if keys.count(key) > 1}):
        problems.append(f"two URLs share a name, name them apart: {shared}")
    if missing := [f"{route.key} ({route.route})" for route in found if route.key not in MATRIX]:
        problems.append(f"add it to the matrix in welcoming/tests/test_role_url_matrix.py: {missing}")
    if gone := sorted(set(MATRIX) - set(keys)):
        problems.append(f"these rows of the matrix are no URL any more, remove them: {gone}")
    unfilled = [
        f"{route.key} <{param}>"
        for route in found
        if route.key in MATRIX
        for param in route.params
        if param not in MATRIX[route.key].args
    ]
    if unfilled:
        problems.append(f"give these URL parameters a record of the world: {unfilled}")
    assert not problems, "\n".join(problems)


def test_the_walk_finds_the_portal_in_its_language_the_admin_and_the_apis() -> None:
    by_key = {route.key: route for route in routes()}
    assert by_key["portal:guide"].route == "en/guides/<slug:slug>/"
    assert by_key["admin:cases_programme_change"].route == "admin/cases/programme/<path:object_id>/change/"
    assert by_key["cases-api:client-note"].params == ("id", "note_id")
    assert by_key["hsds:service"].route == "api/hsds/services/<str:id>"


# --- the world the doors are opened on ------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
SMALL_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-76.5, 44.2], [-76.4, 44.2], [-76.4, 44.3], [-76.5, 44.3], [-76.5, 44.2]]],
}


@pytest.fixture
def volunteer(riverton: Jurisdiction, agency_a: Agency) -> User:
    user = User.objects.create_user("vera", "vera@example.org", "a-long-password-1")
    Membership.objects.create(user=user, jurisdiction=riverton, agency=agency_a, role=Role.VOLUNTEER_COORDINATOR)
    return user


@pytest.fixture
def cast(
    admin_user: User,
    coordinator: User,
    manager_a: User,
    caseworker_a: User,
    caseworker_b: User,
    analyst: User,
    volunteer: User,
) -> dict[str, User]:
    return {
        "admin": admin_user,
        "coordinator": coordinator,
        "manager_a": manager_a,
        "caseworker_a": caseworker_a,
        "caseworker_b": caseworker_b,
        "analyst": analyst,
        "volunteer": volunteer,
    }


@pytest.fixture
def world(
    settings: Any, riverton: Jurisdiction, agency_b: Agency, cast: dict[str, User], private_files: Path
) -> dict[str, str]:
    """Olena, caseworker A's client, referred to agency B with her consent (her name and needs
    shared), with an internal note, a task, a Fair Entry application and a pay slip; Omar, another
    client of caseworker A; a pending self-registration; the official HSDS example in the directory;
    a guide; and a record of each model in the admin."""
    settings.WELCOMING_REQUIRE_2FA = False
    mine = actor_for(cast["caseworker_a"], riverton)
    olena = services.client_register(
        actor=mine,
        person=Person(given_name="Olena", family_name="Koval", birth_year=1985, languages=["uk"]),
        consent_method="written",
    )
    services.assessment_record(actor=mine, client=olena, needs=["health"], urgency="week", notes="Private.")
    consent = services.consent_record(actor=mine, client=olena, purpose="sharing", method="verbal", agency=agency_b)
    referral = services.referral_create(actor=mine, client=olena, to_agency=agency_b, shared=["name", "needs"])
    note = services.note_add(actor=mine, client=olena, text="Internal to agency A.")
    task = services.task_add(actor=mine, client=olena, title="Call the clinic.")
    other = services.client_register(
        actor=mine, person=Person(given_name="Omar", family_name="Haddad"), consent_method="verbal"
    )
    programme_services.load_demo_programmes(riverton)
    application = programme_services.application_submit(
        actor=mine, applicant=olena, declared=Declared(household_size=2, annual_income=18_000, lives_here=True)
    )
    document = programme_services.document_upload(
        actor=mine,
        client=olena,
        upload=SimpleUploadedFile("slip.pdf", PDF, content_type="application/pdf"),
        kind="income",
        application=application,
    )
    pending = services.self_register(
        jurisdiction=riverton, person=Person(given_name="Fatima", family_name="Hassan", birth_year=1991)
    )
    reference = pending.reference
    assert reference
    import_dataset(read_package(EXAMPLES / "csv"), jurisdiction=riverton)
    service = directory.Service.objects.get(jurisdiction=riverton)
    guide = Page.objects.create(jurisdiction=riverton, slug="first-week", title="Your first week", body="Welcome.")
    # one of each remaining model in the admin (none of them signs anyone in or needs a code)
    spare = User.objects.create_user("sam", "sam@example.org", "a-long-password-1")
    Group.objects.create(name="Editors")
    TOTPDevice.objects.create(user=spare, name="Authenticator app", confirmed=False)
    Area.objects.create(
        jurisdiction=riverton,
        code="old-town",
        name="Old Town",
        boundary=SMALL_SQUARE,
        centre_latitude=44.25,
        centre_longitude=-76.45,
    )
    security.token_issue(spare)
    LoginAttempt.objects.create(username="sam", address="192.0.2.1", at=timezone.now())
    directory.OrganizationEditor.objects.create(user=spare, organization=service.organization)
    ProblemReport.objects.create(jurisdiction=riverton, service=service, kind="hours", language="en")
    # a published offer of blankets, with her two links
    offer = offer_services.offer_submit(
        jurisdiction=riverton,
        kind="goods",
        facts={"item": "blanket", "capacity": 4, "condition": "good", "area": Area.objects.get(code="old-town")},
        contact=offer_services.Contact(name="Maria Lopez", email="maria@example.org"),
        language="en",
    )
    Offer.objects.filter(pk=offer.pk).update(
        verify_token_hash=offer_services.token_hash("world-verify-token"),
        manage_token_hash=offer_services.token_hash("world-manage-token"),
    )
    offer_services.offer_verify(jurisdiction=riverton, token="world-verify-token")
    offer_services.offer_publish(actor=actor_for(cast["coordinator"], riverton), offer=offer)
    load_demo_housing(riverton)  # the city's housing rules and building register
    # a flat proposed to Olena by a match run, confirmed: her placement and its check-ins
    _run, (proposal,) = matching.done_run(
        riverton, [(matching.open_request(olena), matching.published_offer(riverton), 80.0)]
    )
    allocation = run_services.proposal_confirm(actor=actor_for(cast["coordinator"], riverton), proposal=proposal)
    check_in = allocation.check_ins.order_by("due_on").first()
    assert check_in is not None

    values = {
        "run": str(proposal.run_id),
        "request": str(proposal.request_id),
        "proposal": str(proposal.pk),
        "allocation": str(allocation.pk),
        "check_in": str(check_in.pk),
        "olena": str(olena.pk),
        "olena_code": olena.code or "",
        "other": str(other.pk),
        "consent": str(consent.pk),
        "referral": str(referral.pk),
        "note": str(note.pk),
        "task": str(task.pk),
        "application": str(application.pk),
        "decision": str(application.decisions.values_list("pk", flat=True).first()),
        "document": str(document.pk),
        "pending_reference": reference,
        "register_token": portal_views._done_signer(riverton.code).sign(reference),
        "offer": str(offer.pk),
        "offer_kind": "goods",
        "offer_verify_token": "world-verify-token",
        "offer_manage_token": "world-manage-token",
        "service": str(service.pk),
        "service_type": str(_content_type_id(directory.Service)),
        "organization": str(service.organization_id),
        "location": str(directory.Location.objects.values_list("pk", flat=True).get()),
        "service_at_location": str(directory.ServiceAtLocation.objects.values_list("pk", flat=True).get()),
        "taxonomy": str(directory.Taxonomy.objects.values_list("pk", flat=True).get()),
        "taxonomy_term": str(directory.TaxonomyTerm.objects.values_list("pk", flat=True).get()),
        "guide": guide.slug,
        "app_label": "cases",
        "url": "no-such-page/",
    }
    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"the world has no {model._meta.label}: make one, so its admin pages are opened"
        values[f"admin:{model._meta.label_lower}"] = str(first.pk)
    return values


def _content_type_id(model: type[Any]) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


# --- opening every door as every role -------------------------------------------------------------


def url_of(route: Route, door: Door, world: dict[str, str]) -> str:
    kwargs = {param: world[door.args[param]] for param in route.params}
    if route.name is not None:
        path = reverse(route.name, kwargs=kwargs)
    else:  # an unnamed pattern (the admin's): its route, filled in
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m[1]], route.route)
        path = "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m[1]], path).strip("^$")
    return path + ("?" + door.query.format(**world) if door.query else "")


SIGN_IN_PAGES = ("/staff/login/", "/admin/login/")


def outcome(response: Any) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return ALLOW
    if 300 <= status < 400:
        return LOGIN if urlsplit(response["Location"]).path in SIGN_IN_PAGES else REDIRECT
    return {401: LOGIN, 403: DENY, 404: HIDDEN, 405: METHOD}.get(status, f"HTTP {status}")


@pytest.mark.parametrize("role", ROLES)
def test_every_door_answers_each_role_as_the_matrix_says(
    role: str, world: dict[str, str], cast: dict[str, User]
) -> None:
    browser = Browser()
    if role != "anonymous":
        browser.force_login(cast[role])
    wrong = []
    for route in routes():
        door = MATRIX[route.key]
        url = url_of(route, door, world)
        response = browser.get(url)
        got = outcome(response)
        if got != door.expected[role]:
            where = f" → {response['Location']}" if response.has_header("Location") else ""
            wrong.append(
                f"{route.key}: GET {url} expected {door.expected[role]}, got {got} ({response.status_code}{where})"
            )
    assert not wrong, f"{len(wrong)} doors answer {role} otherwise than the matrix says:\n" + "\n".join(wrong)
