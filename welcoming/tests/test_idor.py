"""Insecure direct object references: asking for someone else's record by its id, through the staff
pages and the API, to read it or to act on it.

Agency A holds two clients. Olena is referred to agency B (her name and needs shared, with her
consent); Omar is referred to agency C, and has only a draft referral to B. A caseworker of B who
asks for anything of Omar's (his record, notes, tasks, consents, referrals, application, documents)
by its id gets the 404 of an id that does not exist, body and all, and of a malformed id; every
change she attempts (POST with a valid CSRF token) changes nothing. Of Olena, B reads the shared
parts and nothing else. The roles that never see a person never reach one, and a user of Riverton
gets nothing of Lakeside.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import reverse
from rest_framework.test import APIClient

from welcoming.accounts import security
from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, AuditEntry, Membership, Role, User
from welcoming.cases import codes, programme_services, services
from welcoming.cases.models import Application, Client, Consent, Decision, Document, Note, Referral, Task
from welcoming.cases.programme_services import Declared
from welcoming.cases.services import Person
from welcoming.matching import run_services
from welcoming.matching.models import Allocation, CheckIn, Request
from welcoming.matching.tests import run_factories as matching
from welcoming.places.models import Jurisdiction
from welcoming.tests.test_role_url_matrix import routes

pytestmark = pytest.mark.django_db

MALFORMED = "not-an-id"
NOT_FOUND_JSON = b'{"detail":"Not found."}'
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


# --- the world ---------------------------------------------------------------------------------------


@dataclass
class World:
    olena: Client
    omar: Client
    ids: dict[str, str]  # every record below, by name, as it appears in a URL


@pytest.fixture
def agency_c(riverton: Jurisdiction) -> Agency:
    return Agency.objects.create(jurisdiction=riverton, name="Legal Aid")


@pytest.fixture
def world(
    settings: Any,
    riverton: Jurisdiction,
    agency_b: Agency,
    agency_c: Agency,
    caseworker_a: User,
    caseworker_b: User,
    coordinator: User,
    private_files: Path,
) -> World:
    settings.WELCOMING_REQUIRE_2FA = False
    mine = actor_for(caseworker_a, riverton)
    programme_services.load_demo_programmes(riverton)
    ids: dict[str, str] = {}

    def client_with_records(name: str, given: str, family: str) -> Client:
        client = services.client_register(
            actor=mine, person=Person(given_name=given, family_name=family, birth_year=1985), consent_method="written"
        )
        services.assessment_record(actor=mine, client=client, needs=["health"], urgency="week", notes="Private.")
        internal = services.note_add(actor=mine, client=client, text=f"Internal note on {given}.")
        shared = services.note_add(actor=mine, client=client, text=f"Shared note on {given}.", shared=True)
        task = services.task_add(actor=mine, client=client, title=f"Call {given} back.")
        application = programme_services.application_submit(
            actor=mine, applicant=client, declared=Declared(household_size=1, annual_income=15_000, lives_here=True)
        )
        document = programme_services.document_upload(
            actor=mine,
            client=client,
            upload=SimpleUploadedFile("slip.pdf", PDF, content_type="application/pdf"),
            kind="income",
            application=application,
        )
        ids.update(
            {
                name: str(client.pk),
                f"{name}_code": client.code or "",
                f"{name}_internal_note": str(internal.pk),
                f"{name}_shared_note": str(shared.pk),
                f"{name}_task": str(task.pk),
                f"{name}_application": str(application.pk),
                f"{name}_decision": str(application.decisions.values_list("pk", flat=True).first()),
                f"{name}_document": str(document.pk),
            }
        )
        return client

    olena = client_with_records("olena", "Olena", "Koval")
    to_b = services.consent_record(actor=mine, client=olena, purpose="sharing", method="verbal", agency=agency_b)
    referral = services.referral_create(actor=mine, client=olena, to_agency=agency_b, shared=["name", "needs"])

    omar = client_with_records("omar", "Omar", "Haddad")
    to_c = services.consent_record(actor=mine, client=omar, purpose="sharing", method="verbal", agency=agency_c)
    referral_c = services.referral_create(actor=mine, client=omar, to_agency=agency_c, shared=["name", "needs"])
    services.consent_record(actor=mine, client=omar, purpose="sharing", method="verbal", agency=agency_b)
    draft_b = services.referral_create(actor=mine, client=omar, to_agency=agency_b, shared=["name"], send=False)
    ids.update(
        {
            "olena_consent": str(to_b.pk),
            "olena_referral": str(referral.pk),
            "omar_consent": str(to_c.pk),
            "omar_referral": str(referral_c.pk),
            "omar_draft": str(draft_b.pk),
        }
    )
    # each has had a flat through a match run: a placement and its check-ins
    _run, proposals = matching.done_run(
        riverton,
        [(matching.open_request(client), matching.published_offer(riverton), 70.0) for client in (olena, omar)],
    )
    for name, proposal in zip(("olena", "omar"), proposals, strict=True):
        placed = run_services.proposal_confirm(actor=actor_for(coordinator, riverton), proposal=proposal)
        ids.update(
            {
                f"{name}_run": str(proposal.run_id),
                f"{name}_proposal": str(proposal.pk),
                f"{name}_allocation": str(placed.pk),
                f"{name}_check_in": str(placed.check_ins.order_by("due_on").values_list("pk", flat=True)[0]),
                f"{name}_request": str(proposal.request_id),
            }
        )
    return World(olena=olena, omar=omar, ids=ids)


# --- how the questions are asked -----------------------------------------------------------------------


def staff_browser(user: User) -> tuple[Browser, str]:
    """A signed-in browser that checks CSRF as a real one must, and the token its forms carry."""
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get(reverse("staff:home")).status_code == 200
    return browser, browser.cookies["csrftoken"].value


def api_client(user: User) -> APIClient:
    """Signed in with a token, as an integration would be."""
    raw, _token = security.token_issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def variants(url: str, ids: dict[str, str]) -> dict[str, str]:
    """The URL as asked (`real`), with every record's id in it replaced by ids that do not exist
    (`nobody`), and by ids that are not ids at all (`malformed`)."""
    known = set(ids.values())
    segments = url.split("?")[0].split("/")
    query = url[len(url.split("?")[0]) :]

    def swap(make: Callable[[str], str]) -> str:
        return "/".join(make(s) if s in known else s for s in segments) + query

    return {
        "real": url,
        "nobody": swap(lambda s: "987654321" if s.isdigit() else str(uuid.uuid4())),
        "malformed": swap(lambda s: MALFORMED),
    }


def upload_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("slip.pdf", PDF, content_type="application/pdf")


# what each page's form would send, were the record hers to change
PAGE_FORMS: dict[str, dict[str, Any]] = {
    "staff:client-edit": {"given_name": "Changed", "preferred_channel": ""},
    "staff:client-assign": {"caseworker": ""},
    "staff:client-assess": {"needs": ["food"], "urgency": "today"},
    "staff:client-consent": {"purpose": "sms", "method": "verbal"},
    "staff:client-note": {"text": "Seen at our desk.", "shared": "on"},
    "staff:client-task": {"title": "Call her."},
    "staff:client-refer": {"to_agency": "", "shared": ["name"], "consent_method": "verbal"},
    "staff:client-merge": {"keep": "", "confirm": "on"},
    "staff:client-erase": {"confirm": "on"},
    "staff:referral-answer": {"to_state": "accepted"},
    "staff:fair-entry-decide": {"action": "approve", "reason": "Looks right."},
    "staff:fair-entry-renew": {"household_size": "1", "annual_income": "1", "lives_here": "on", "submission": "x"},
    "staff:fair-entry-new": {"household_size": "1", "annual_income": "1", "lives_here": "on", "submission": "y"},
    "staff:check-in": {"outcome": "ended", "note": "Moved away."},
    "staff:allocation-end": {"reason": "Moved away."},
    "staff:proposal-reject": {"reason": "No."},
    "staff:request-edit": {"adults": "3", "languages": "ar"},
    "staff:request-close": {"reason": "Moved away."},
}
# the methods each page answers; the others get a 405 before any record is looked at
METHODS: dict[str, tuple[str, ...]] = {
    "staff:fair-entry-decide": ("post",),
    "staff:fair-entry-upload": ("post",),
    "staff:fair-entry-application": ("get",),
    "staff:document-download": ("get",),
    "staff:proposal-confirm": ("post",),
    "staff:proposal-reject": ("post",),
    "staff:allocation-end": ("post",),
}


def methods(name: str) -> tuple[str, ...]:
    return METHODS.get(name, ("get", "post"))


def same_page(body: bytes) -> str:
    """A page's text without the CSRF token its forms carry (masked anew on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())


def post_page(browser: Browser, token: str, name: str, url: str) -> Any:
    data = {**PAGE_FORMS.get(name, {}), "csrfmiddlewaretoken": token}
    if name == "staff:fair-entry-upload":
        data.update({"file": upload_file(), "kind": "income"})
    return browser.post(url, data)


def page_url(name: str, ids: dict[str, str], **args: str) -> str:
    return reverse(name, kwargs={param: ids[key] for param, key in args.items()})


# every page about one of Omar's records: (URL name, URL parameter → record)
OMAR_PAGES: list[tuple[str, dict[str, str]]] = [
    ("staff:client", {"client_id": "omar"}),
    ("staff:client-edit", {"client_id": "omar"}),
    ("staff:client-assign", {"client_id": "omar"}),
    ("staff:client-assess", {"client_id": "omar"}),
    ("staff:client-consent", {"client_id": "omar"}),
    ("staff:consent-withdraw", {"client_id": "omar", "consent_id": "omar_consent"}),
    ("staff:client-note", {"client_id": "omar"}),
    ("staff:client-task", {"client_id": "omar"}),
    ("staff:task-done", {"client_id": "omar", "task_id": "omar_task"}),
    ("staff:client-refer", {"client_id": "omar"}),
    ("staff:client-duplicates", {"client_id": "omar"}),
    ("staff:client-merge", {"client_id": "omar", "other_id": "olena"}),
    ("staff:client-merge", {"client_id": "olena", "other_id": "omar"}),
    ("staff:client-erase", {"client_id": "omar"}),
    ("staff:client-export", {"client_id": "omar"}),
    ("staff:client-card", {"client_id": "omar"}),
    ("staff:referral", {"referral_id": "omar_referral"}),
    ("staff:referral-answer", {"referral_id": "omar_referral"}),
    ("staff:referral-withdraw", {"referral_id": "omar_referral"}),
    ("staff:referral", {"referral_id": "omar_draft"}),
    ("staff:referral-answer", {"referral_id": "omar_draft"}),
    ("staff:referral-send", {"referral_id": "omar_draft"}),
    ("staff:fair-entry-application", {"application_id": "omar_application"}),
    ("staff:fair-entry-decide", {"application_id": "omar_application", "decision_id": "omar_decision"}),
    ("staff:fair-entry-upload", {"application_id": "omar_application"}),
    ("staff:fair-entry-renew", {"application_id": "omar_application"}),
    ("staff:document-download", {"document_id": "omar_document"}),
    ("staff:check-in", {"check_in_id": "omar_check_in"}),
    ("staff:allocation-end", {"allocation_id": "omar_allocation"}),
    ("staff:request", {"request_id": "omar_request"}),
    ("staff:request-edit", {"request_id": "omar_request"}),
    ("staff:request-close", {"request_id": "omar_request"}),
    ("staff:client-request-new", {"client_id": "omar"}),
]


def snapshot(world: World) -> dict[str, Any]:
    """What an attempt to read or change Omar's records could have left behind."""
    omar = Client.objects.get(pk=world.omar.pk)
    return {
        "record": (omar.state, omar.given_name, omar.phone, omar.caseworker_id, omar.agency_id),
        "notes": sorted(Note.objects.filter(client=omar).values_list("pk", "text", "shared")),
        "tasks": sorted(Task.objects.filter(client=omar).values_list("pk", "done_at")),
        "consents": sorted(Consent.objects.filter(client=omar).values_list("pk", "withdrawn_at")),
        "assessments": omar.assessments.count(),
        "referrals": sorted(Referral.objects.filter(client=omar).values_list("pk", "state")),
        "applications": sorted(Application.objects.filter(applicant=omar).values_list("pk", "state")),
        "decisions": sorted(Decision.objects.filter(application__applicant=omar).values_list("pk", "state")),
        "documents": Document.objects.filter(client=omar).count(),
        "placements": sorted(Allocation.objects.filter(request__client=omar).values_list("pk", "ended_at")),
        "check-ins": sorted(CheckIn.objects.filter(allocation__request__client=omar).values_list("pk", "done_at")),
        "requests": sorted(Request.objects.filter(client=omar).values_list("pk", "state", "adults", "note")),
    }


# --- B asks for A's records by id: pages --------------------------------------------------------------


def test_through_the_pages_agency_b_gets_for_each_of_omars_records_the_404_of_an_id_that_does_not_exist(
    world: World, manager_a: User, caseworker_b: User
) -> None:
    before = snapshot(world)
    browser, token = staff_browser(caseworker_b)
    owner, _owner_token = staff_browser(manager_a)
    wrong = []
    for name, args in OMAR_PAGES:
        url = page_url(name, world.ids, **args)
        if "get" in methods(name):
            # the address is real: the manager of the agency that holds his record opens it
            assert owner.get(url).status_code in (200, 302), url
        for method in methods(name):
            answers = {}
            for variant, asked in variants(url, world.ids).items():
                response = browser.get(asked) if method == "get" else post_page(browser, token, name, asked)
                answers[variant] = (response.status_code, response.content)
            if answers["real"][0] != 404 or len(set(answers.values())) != 1:
                statuses = {variant: status for variant, (status, _body) in answers.items()}
                wrong.append(f"{method.upper()} {name} {url}: {statuses}")
    assert not wrong, "agency B told Omar's records apart from ids that do not exist:\n" + "\n".join(wrong)
    assert snapshot(world) == before
    assert not AuditEntry.objects.filter(client_id=world.omar.pk, username=caseworker_b.username).exists()


def test_agency_b_cannot_open_an_application_for_omar_by_his_code_or_his_id(
    world: World, caseworker_a: User, caseworker_b: User
) -> None:
    before = snapshot(world)
    browser, token = staff_browser(caseworker_b)
    url = reverse("staff:fair-entry-new")
    for wanted, nobody in (
        (world.ids["omar_code"], codes.client_code(world.ids["omar_code"][:3], 26, 999_999)),
        (world.ids["omar"], str(uuid.uuid4())),
    ):
        shown = browser.get(url, {"client": wanted})
        absent = browser.get(url, {"client": nobody})
        assert shown.status_code == absent.status_code == 404
        # the page says it found no such client, in the very words it uses for one that does not exist
        assert same_page(shown.content).replace(wanted, "?") == same_page(absent.content).replace(nobody, "?")
        sent = browser.post(
            f"{url}?client={wanted}", {**PAGE_FORMS["staff:fair-entry-new"], "csrfmiddlewaretoken": token}
        )
        assert sent.status_code == 404
    assert staff_browser(caseworker_a)[0].get(url, {"client": world.ids["omar_code"]}).status_code == 200
    assert snapshot(world) == before


def test_a_search_by_omars_code_finds_nothing_for_agency_b(world: World, caseworker_b: User) -> None:
    browser, _token = staff_browser(caseworker_b)
    page = browser.get(reverse("staff:clients"), {"q": world.ids["omar_code"]}).content.decode()
    assert reverse("staff:client", args=[world.omar.pk]) not in page
    assert "Omar" not in page and "Haddad" not in page
    found = api_client(caseworker_b).get("/api/v1/clients/", {"q": world.ids["omar_code"]}).json()
    assert found["results"] == []
    assert not AuditEntry.objects.filter(client_id=world.omar.pk, username=caseworker_b.username).exists()


# --- B asks for A's records by id: the API -------------------------------------------------------------

# (method, path with {record}, body with {record}) for every endpoint about one of Omar's records
OMAR_API: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "/api/v1/clients/{omar}/", None),
    ("patch", "/api/v1/clients/{omar}/", {"phone": "+1 613 555 0000"}),
    ("get", "/api/v1/clients/{omar}/consents/", None),
    ("post", "/api/v1/clients/{omar}/consents/", {"purpose": "sms", "method": "verbal"}),
    ("post", "/api/v1/clients/{omar}/consents/{omar_consent}/withdraw", None),
    ("get", "/api/v1/clients/{omar}/assessments/", None),
    ("post", "/api/v1/clients/{omar}/assessments/", {"needs": ["food"], "urgency": "today"}),
    ("get", "/api/v1/clients/{omar}/notes/", None),
    ("post", "/api/v1/clients/{omar}/notes/", {"text": "Seen at our desk.", "shared": True}),
    ("get", "/api/v1/clients/{omar}/notes/{omar_shared_note}/", None),
    ("get", "/api/v1/clients/{omar}/notes/{omar_internal_note}/", None),
    ("get", "/api/v1/clients/{omar}/referrals/", None),
    ("get", "/api/v1/referrals/{omar_referral}/", None),
    ("post", "/api/v1/referrals/{omar_referral}/transition", {"to": "accepted"}),
    ("get", "/api/v1/referrals/{omar_draft}/", None),
    ("post", "/api/v1/referrals/{omar_draft}/transition", {"to": "accepted"}),
    ("get", "/api/v1/applications/{omar_application}/", None),
    ("post", "/api/v1/applications/{omar_application}/decisions/{omar_decision}/", {"action": "approve"}),
]


def test_through_the_api_agency_b_gets_for_each_of_omars_records_the_404_of_an_id_that_does_not_exist(
    world: World, caseworker_a: User, caseworker_b: User
) -> None:
    before = snapshot(world)
    api = api_client(caseworker_b)
    owner = api_client(caseworker_a)
    wrong = []
    for method, template, body in OMAR_API:
        path = template.format(**world.ids)
        if method == "get":
            assert owner.get(path).status_code == 200, path
        answers = {
            variant: getattr(api, method)(asked, body, format="json")
            for variant, asked in variants(path, world.ids).items()
        }
        seen = {(r.status_code, r.content) for r in answers.values()}
        if seen != {(404, NOT_FOUND_JSON)}:
            wrong.append(f"{method.upper()} {template}: { ({v: r.status_code for v, r in answers.items()}) }")
    assert not wrong, "agency B told Omar's records apart from ids that do not exist:\n" + "\n".join(wrong)
    assert snapshot(world) == before
    assert not AuditEntry.objects.filter(client_id=world.omar.pk, username=caseworker_b.username).exists()


def test_through_the_api_agency_b_cannot_name_omar_in_a_new_application_or_referral(
    world: World, caseworker_b: User, agency_c: Agency
) -> None:
    before = snapshot(world)
    api = api_client(caseworker_b)
    household = {"household_size": 1, "annual_income": 1, "lives_here": True}
    for body_of in (
        lambda key: {"applicant": key, **household},
        lambda key: {"applicant": world.ids["omar"], "renewal_of": key, **household},
    ):
        mine = api.post("/api/v1/applications/", body_of(world.ids["omar_application"]), format="json")
        nobody = api.post("/api/v1/applications/", body_of(str(uuid.uuid4())), format="json")
        assert (mine.status_code, mine.content) == (nobody.status_code, nobody.content) == (404, NOT_FOUND_JSON)
    applied = api.post("/api/v1/applications/", {"applicant": world.ids["omar"], **household}, format="json")
    assert (applied.status_code, applied.content) == (404, NOT_FOUND_JSON)
    referral = {"to_agency": str(agency_c.pk), "shared": ["name"]}
    his = api.post("/api/v1/referrals/", {"client": world.ids["omar"], **referral}, format="json")
    nobodys = api.post("/api/v1/referrals/", {"client": str(uuid.uuid4()), **referral}, format="json")
    assert his.status_code == 400 and (his.status_code, his.content) == (nobodys.status_code, nobodys.content)
    assert snapshot(world) == before


# --- what the receiving agency may reach of Olena ---------------------------------------------------------


def test_agency_b_reads_olenas_shared_parts_and_not_what_agency_a_keeps_to_itself(
    world: World, caseworker_b: User
) -> None:
    browser, _token = staff_browser(caseworker_b)
    page = browser.get(reverse("staff:client", args=[world.olena.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Olena" in text and "Shared note on Olena." in text
    for kept in ("Internal note on Olena.", "Call Olena back.", "Private.", world.ids["olena_document"]):
        assert kept not in text, kept

    api = api_client(caseworker_b)
    record = api.get(f"/api/v1/clients/{world.olena.pk}/").json()
    assert record["shared_only"] is True and record["given_name"] == "Olena"
    assert "birth_year" not in record and "phone" not in record
    notes = api.get(f"/api/v1/clients/{world.olena.pk}/notes/").json()
    assert [note["text"] for note in notes] == ["Shared note on Olena."]
    referral = api.get(f"/api/v1/referrals/{world.ids['olena_referral']}/")
    assert referral.status_code == 200


# Olena's records that agency B may not know of, though it sees her: 404 like an id that does not exist
OLENA_HIDDEN_PAGES: list[tuple[str, dict[str, str]]] = [
    ("staff:consent-withdraw", {"client_id": "olena", "consent_id": "olena_consent"}),
    ("staff:task-done", {"client_id": "olena", "task_id": "olena_task"}),
    ("staff:fair-entry-application", {"application_id": "olena_application"}),
    ("staff:fair-entry-decide", {"application_id": "olena_application", "decision_id": "olena_decision"}),
    ("staff:fair-entry-upload", {"application_id": "olena_application"}),
    ("staff:fair-entry-renew", {"application_id": "olena_application"}),
    ("staff:document-download", {"document_id": "olena_document"}),
    ("staff:check-in", {"check_in_id": "olena_check_in"}),
    ("staff:allocation-end", {"allocation_id": "olena_allocation"}),
    ("staff:request", {"request_id": "olena_request"}),
    ("staff:request-edit", {"request_id": "olena_request"}),
    ("staff:request-close", {"request_id": "olena_request"}),
]
OLENA_HIDDEN_API: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "/api/v1/clients/{olena}/consents/", None),
    ("post", "/api/v1/clients/{olena}/consents/{olena_consent}/withdraw", None),
    ("get", "/api/v1/clients/{olena}/notes/{olena_internal_note}/", None),
    ("get", "/api/v1/clients/{olena}/notes/{omar_shared_note}/", None),
    ("get", "/api/v1/clients/{olena}/referrals/", None),
    ("get", "/api/v1/applications/{olena_application}/", None),
    ("post", "/api/v1/applications/{olena_application}/decisions/{olena_decision}/", {"action": "approve"}),
]
# the parts of her record only the agency holding it changes: B sees her, and is refused
OLENA_REFUSED_PAGES = [
    "staff:client-edit",
    "staff:client-assign",
    "staff:client-assess",
    "staff:client-consent",
    "staff:client-refer",
    "staff:client-duplicates",
    "staff:client-erase",
    "staff:client-export",
    "staff:client-card",
    "staff:client-request-new",
]


def test_agency_b_cannot_reach_olenas_consents_tasks_applications_and_documents_nor_act_on_them(
    world: World, caseworker_b: User
) -> None:
    olena = world.olena
    kept = (
        sorted(Consent.objects.filter(client=olena).values_list("pk", "withdrawn_at")),
        sorted(Task.objects.filter(client=olena).values_list("pk", "done_at")),
        sorted(Decision.objects.filter(application__applicant=olena).values_list("pk", "state")),
        Document.objects.filter(client=olena).count(),
        Application.objects.filter(applicant=olena).count(),
    )
    browser, token = staff_browser(caseworker_b)
    wrong = []
    for name, args in OLENA_HIDDEN_PAGES:
        url = page_url(name, world.ids, **args)
        for method in methods(name):
            answers = {
                variant: (r.status_code, r.content)
                for variant, asked in variants(url, {k: v for k, v in world.ids.items() if k != "olena"}).items()
                for r in [browser.get(asked) if method == "get" else post_page(browser, token, name, asked)]
            }
            if answers["real"][0] != 404 or len(set(answers.values())) != 1:
                wrong.append(f"{method.upper()} {name}: { ({v: s for v, (s, _b) in answers.items()}) }")
    api = api_client(caseworker_b)
    for method, template, body in OLENA_HIDDEN_API:
        path = template.format(**world.ids)
        # her own id stays: B sees her; the record asked for is what varies
        answers_api = {
            variant: getattr(api, method)(asked, body, format="json")
            for variant, asked in variants(path, {k: v for k, v in world.ids.items() if k != "olena"}).items()
        }
        if {(r.status_code, r.content) for r in answers_api.values()} != {(404, NOT_FOUND_JSON)}:
            wrong.append(f"{method.upper()} {template}: { ({v: r.status_code for v, r in answers_api.items()}) }")
    assert not wrong, "agency B reached a part of Olena's record it was not given:\n" + "\n".join(wrong)
    assert kept == (
        sorted(Consent.objects.filter(client=olena).values_list("pk", "withdrawn_at")),
        sorted(Task.objects.filter(client=olena).values_list("pk", "done_at")),
        sorted(Decision.objects.filter(application__applicant=olena).values_list("pk", "state")),
        Document.objects.filter(client=olena).count(),
        Application.objects.filter(applicant=olena).count(),
    )


def test_agency_b_is_refused_the_changes_only_her_agency_makes_and_her_record_stays_as_it_was(
    world: World, caseworker_b: User
) -> None:
    olena = world.olena
    before = (olena.given_name, olena.caseworker_id, olena.state, olena.consents.count(), olena.assessments.count())
    browser, token = staff_browser(caseworker_b)
    for name in OLENA_REFUSED_PAGES:
        url = reverse(name, args=[olena.pk])
        assert browser.get(url).status_code == 403, name
        assert post_page(browser, token, name, url).status_code == 403, name
    olena.refresh_from_db()
    after = (olena.given_name, olena.caseworker_id, olena.state, olena.consents.count(), olena.assessments.count())
    assert after == before


def test_agency_b_does_what_the_referral_lets_it_do_through_the_same_forms(world: World, caseworker_b: User) -> None:
    """The other side of the refusals above: with the same browser, token and forms, B answers the
    referral and writes a note of its own on her, so the 404s and 403s are the scope speaking."""
    browser, token = staff_browser(caseworker_b)
    referral_id = world.ids["olena_referral"]
    answered = post_page(browser, token, "staff:referral-answer", reverse("staff:referral-answer", args=[referral_id]))
    assert answered.status_code == 302
    assert Referral.objects.get(pk=referral_id).state == Referral.State.ACCEPTED
    noted = post_page(browser, token, "staff:client-note", reverse("staff:client-note", args=[world.olena.pk]))
    assert noted.status_code == 302
    note = Note.objects.get(client=world.olena, author=caseworker_b)
    assert note.text == "Seen at our desk." and note.agency_id == caseworker_b.memberships.get().agency_id
    # and without the token, nothing is sent at all
    refused = browser.post(reverse("staff:client-note", args=[world.olena.pk]), PAGE_FORMS["staff:client-note"])
    assert refused.status_code == 403


# --- the roles that never see a person -----------------------------------------------------------------

# each URL parameter of a person's pages and endpoints, filled with one of Olena's records
PERSON_PARAMS = {
    ("staff", "client_id"): "olena",
    ("staff", "other_id"): "omar",
    ("staff", "consent_id"): "olena_consent",
    ("staff", "task_id"): "olena_task",
    ("staff", "referral_id"): "olena_referral",
    ("staff", "application_id"): "olena_application",
    ("staff", "decision_id"): "olena_decision",
    ("staff", "document_id"): "olena_document",
    ("staff", "run_id"): "olena_run",
    ("staff", "proposal_id"): "olena_proposal",
    ("staff", "allocation_id"): "olena_allocation",
    ("staff", "check_in_id"): "olena_check_in",
    ("staff", "request_id"): "olena_request",
    ("cases-api", "id"): "olena",
    ("cases-api", "consent_id"): "olena_consent",
    ("cases-api", "note_id"): "olena_shared_note",
    ("fair-entry", "application_id"): "olena_application",
    ("fair-entry", "decision_id"): "olena_decision",
}
REFERRAL_ROUTES = {"cases-api:referral", "cases-api:referral-transition"}
# Offers are residents' offers of help, not a newcomer's records: who sees an offerer's details is
# tested in community/tests/test_offer_staff.py.
NOT_HERS = {("staff", "offer_id")}


def person_urls(ids: dict[str, str]) -> list[tuple[str, str]]:
    """Every staff page and staff API endpoint about one person or her records, from the URLconf:
    a new one is covered as soon as it exists."""
    found = []
    for route in routes():
        if (
            route.name is None
            or not route.params
            or route.name.split(":")[0] not in ("staff", "cases-api", "fair-entry")
        ):
            continue
        namespace = route.name.split(":")[0]
        if any((namespace, param) in NOT_HERS for param in route.params):
            continue
        kwargs = {}
        for param in route.params:
            key = "olena_referral" if route.name in REFERRAL_ROUTES else PERSON_PARAMS.get((namespace, param))
            assert key, f"give {route.name} <{param}> one of Olena's records in PERSON_PARAMS"
            kwargs[param] = ids[key]
        found.append((route.name, reverse(route.name, kwargs=kwargs)))
    return found


@pytest.fixture
def volunteer(riverton: Jurisdiction, agency_a: Agency) -> User:
    user = User.objects.create_user("vera", "vera@example.org", "a-long-password-1")
    Membership.objects.create(user=user, jurisdiction=riverton, agency=agency_a, role=Role.VOLUNTEER_COORDINATOR)
    return user


@pytest.mark.parametrize("who", ["analyst", "volunteer"])
def test_a_role_that_never_sees_a_person_reaches_no_person_by_any_url(
    who: str, world: World, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    browser, token = staff_browser(user)
    api = api_client(user)
    urls = person_urls(world.ids)
    assert len(urls) >= 30  # the walk found the pages and the endpoints
    wrong = []
    for name, url in urls:
        asked: list[tuple[str, Any]] = []
        if url.startswith("/api/"):
            asked = [("GET", api.get(url)), ("POST", api.post(url, {}, format="json"))]
        else:
            if "get" in methods(name):
                asked.append(("GET", browser.get(url)))
            if "post" in methods(name):
                asked.append(("POST", post_page(browser, token, name, url)))
        for method, response in asked:
            body = response.content.decode(errors="replace")
            if response.status_code not in (403, 404) or "Olena" in body or world.ids["olena_code"] in body:
                wrong.append(f"{method} {name} {url}: {response.status_code}")
    assert not wrong, f"the {who} reached a person:\n" + "\n".join(wrong)
    for listing in ("staff:clients", "staff:caseload", "staff:referrals", "staff:pending", "staff:fair-entry"):
        assert browser.get(reverse(listing), {"q": "Olena"}).status_code == 403, listing
    page = browser.get(reverse("staff:home"))
    assert page.status_code == 200 and world.ids["olena_code"] not in page.content.decode()
    assert not AuditEntry.objects.filter(username=user.username, action=AuditEntry.Action.READ).exists()
    assert world.olena.consents.filter(withdrawn_at__isnull=False).count() == 0


# --- another city --------------------------------------------------------------------------------------


LAKESIDE_PROGRAMME = """
lakeside:
  - slug: bus-pass
    income_limits: [30000]
    name: {en: Bus pass}
    description: {en: A cheaper monthly bus pass.}
"""


@pytest.fixture
def lina(lakeside: Jurisdiction, private_files: Path) -> dict[str, str]:
    """A client of Lakeside's settlement office, with a note, a task and a Fair Entry application."""
    office = Agency.objects.create(jurisdiction=lakeside, name="Lakeside Settlement")
    worker = User.objects.create_user("luca", "luca@example.org", "a-long-password-1")
    Membership.objects.create(user=worker, jurisdiction=lakeside, agency=office, role=Role.CASEWORKER)
    actor = actor_for(worker, lakeside)
    client = services.client_register(
        actor=actor, person=Person(given_name="Lina", family_name="Saleh"), consent_method="verbal"
    )
    note = services.note_add(actor=actor, client=client, text="Lakeside's note.", shared=True)
    task = services.task_add(actor=actor, client=client, title="Lakeside's task.")
    programmes = private_files / "lakeside-programmes.yaml"
    programmes.write_text(LAKESIDE_PROGRAMME, encoding="utf-8")
    assert programme_services.load_demo_programmes(lakeside, path=programmes) == 1
    application = programme_services.application_submit(
        actor=actor, applicant=client, declared=Declared(household_size=1, annual_income=1, lives_here=True)
    )
    document = programme_services.document_upload(actor=actor, client=client, upload=upload_file(), kind="income")
    return {
        "worker": worker.username,
        "client": str(client.pk),
        "code": client.code or "",
        "note": str(note.pk),
        "task": str(task.pk),
        "application": str(application.pk),
        "document": str(document.pk),
    }


@pytest.mark.parametrize("who", ["coordinator", "manager_a", "caseworker_a"])
def test_a_user_of_riverton_gets_nothing_of_lakeside(
    who: str, lina: dict[str, str], riverton: Jurisdiction, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    browser, _token = staff_browser(user)
    api = api_client(user)
    there = "?jurisdiction=lakeside"
    pages = [
        reverse("staff:client", args=[lina["client"]]),
        reverse("staff:client-card", args=[lina["client"]]),
        reverse("staff:client-export", args=[lina["client"]]),
        reverse("staff:task-done", args=[lina["client"], lina["task"]]),
        reverse("staff:fair-entry-application", args=[lina["application"]]),
        reverse("staff:document-download", args=[lina["document"]]),
    ]
    for url in pages:
        # in her city, where the user has no role, and in the user's own city, where Lina is not
        assert browser.get(url + there).status_code == 404, url
        assert browser.get(url).status_code == 404, url
    for listing in ("staff:clients", "staff:caseload", "staff:referrals"):
        assert browser.get(reverse(listing) + there + f"&q={lina['code']}").status_code == 403, listing
    endpoints = [
        f"/api/v1/clients/{lina['client']}/",
        f"/api/v1/clients/{lina['client']}/notes/{lina['note']}/",
        f"/api/v1/applications/{lina['application']}/",
    ]
    for path in endpoints:
        # no role in Lakeside: this is not her door at all; in Riverton: no such record
        assert api.get(path + there).status_code == 403, path
        assert (api.get(path).status_code, api.get(path).content) == (404, NOT_FOUND_JSON), path
    assert api.get("/api/v1/clients/" + there).status_code == 403
    found = api.get("/api/v1/clients/", {"q": lina["code"]}).json()
    assert found["results"] == []
    assert not AuditEntry.objects.filter(username=user.username, client_id=lina["client"]).exists()
    # her own caseworker, in her own city, opens every one of these
    luca = User.objects.get(username=lina["worker"])
    own, _ = staff_browser(luca)
    assert own.get(pages[0] + there).status_code == 200
    assert api_client(luca).get(endpoints[0] + there).status_code == 200
