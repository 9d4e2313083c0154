"""The staff API for clients and referrals: scopes (404 alike for not there and not yours), what a
receiving agency reads, errors that say what and where, idempotent creation, and the schema."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, AuditEntry, Membership, User
from welcoming.cases import services
from welcoming.cases.models import Client, Note, Referral
from welcoming.cases.services import Person
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db

NOBODY = "00000000-0000-4000-8000-000000000000"
MALFORMED = "not-an-id"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def register(user: User, riverton: Jurisdiction, given: str = "Олена", **kw: Any) -> Client:
    person = Person(given_name=given, family_name="Коваль", phone="+1 613 555 0133", birth_year=1985, **kw)
    return services.client_register(actor=actor_for(user, riverton), person=person, consent_method="written")


def refer(user: User, riverton: Jurisdiction, client: Client, to: Agency, shared: list[str]) -> Referral:
    actor = actor_for(user, riverton)
    services.consent_record(actor=actor, client=client, purpose="sharing", method="verbal", agency=to)
    return services.referral_create(actor=actor, client=client, to_agency=to, shared=shared, message="A GP, please.")


@pytest.fixture
def agency_c(riverton: Jurisdiction) -> Agency:
    return Agency.objects.create(jurisdiction=riverton, name="Legal Aid")


@pytest.fixture
def caseworker_c(riverton: Jurisdiction, agency_c: Agency) -> User:
    user = User.objects.create_user("chen", password="a-long-password-1")
    Membership.objects.create(user=user, jurisdiction=riverton, agency=agency_c, role="caseworker")
    return user


# --- clients --------------------------------------------------------------------------------------------


def test_a_caseworker_registers_a_client_and_reads_her_record_back(riverton: Jurisdiction, caseworker_a: User) -> None:
    created = api(caseworker_a).post(
        "/api/v1/clients/",
        {"given_name": "محمد", "family_name": "العلي", "phone": "+1 613 555 0101", "consent_method": "verbal"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["code"] and body["given_name"] == "محمد" and body["given_name_latin"]
    assert body["shared_only"] is False

    read = api(caseworker_a).get(f"/api/v1/clients/{body['id']}/")
    assert read.status_code == 200
    assert read.json()["phone"] == "+1 613 555 0101"
    entry = AuditEntry.objects.filter(action="read", client_id=body["id"]).last()
    assert entry is not None and entry.via == "api" and entry.username == "amal" and "phone" in entry.fields


def test_registering_her_without_her_consent_says_what_is_missing_and_where(
    riverton: Jurisdiction, caseworker_a: User
) -> None:
    response = api(caseworker_a).post("/api/v1/clients/", {"given_name": "Ana"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid request body."
    assert set(response.json()["errors"]) == {"consent_method"}
    assert not Client.objects.exists()


def test_a_birth_date_in_the_future_is_refused_by_the_service_with_the_field_named(
    riverton: Jurisdiction, caseworker_a: User
) -> None:
    response = api(caseworker_a).post(
        "/api/v1/clients/", {"given_name": "Ana", "birth_date": "2999-01-01", "consent_method": "verbal"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["birth_date"] == "must be a real date in the past"


def test_an_error_inside_a_list_names_the_item(riverton: Jurisdiction, caseworker_a: User) -> None:
    response = api(caseworker_a).post(
        "/api/v1/clients/",
        {"given_name": "Ana", "languages": ["uk", "Not a code"], "consent_method": "verbal"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["languages.1"]


def test_text_no_database_could_store_is_refused_and_not_a_crash(riverton: Jurisdiction, caseworker_a: User) -> None:
    body = '{"given_name": "Ana \\ud800", "consent_method": "verbal"}'  # a lone surrogate, valid JSON
    response = api(caseworker_a).post("/api/v1/clients/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"given_name": "This is not valid Unicode text."}


def test_search_pages_through_her_clients_and_audits_only_the_page_shown(
    riverton: Jurisdiction, caseworker_a: User
) -> None:
    for name in ("Ana", "Ben", "Cleo"):
        register(caseworker_a, riverton, given=name)
    assert not AuditEntry.objects.filter(action="read").exists()
    first = api(caseworker_a).get("/api/v1/clients/?per_page=2").json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = api(caseworker_a).get(first["next"]).json()
    assert len(second["results"]) == 1
    shown = {r["id"] for r in first["results"] + second["results"]}
    assert len(shown) == 3
    assert AuditEntry.objects.filter(action="read", purpose="search").count() == 3


def test_search_finds_her_by_name_in_another_script(riverton: Jurisdiction, caseworker_a: User) -> None:
    client = register(caseworker_a, riverton, given="محمد")
    register(caseworker_a, riverton, given="Ben")
    results = api(caseworker_a).get("/api/v1/clients/", {"q": "Muhammad"}).json()["results"]
    assert [r["id"] for r in results] == [str(client.pk)]


def test_she_is_changed_through_patch_and_only_the_fields_sent_change(
    riverton: Jurisdiction, caseworker_a: User
) -> None:
    client = register(caseworker_a, riverton)
    response = api(caseworker_a).patch(
        f"/api/v1/clients/{client.pk}/", {"phone": "+1 613 555 0199", "interpreter_needed": True}, format="json"
    )
    assert response.status_code == 200
    client.refresh_from_db()
    assert client.phone == "+1 613 555 0199" and client.interpreter_needed and client.given_name == "Олена"


# --- not there, and not yours, look the same -------------------------------------------------------------

CLIENT_READS = ["/api/v1/clients/{}/", "/api/v1/clients/{}/notes/", "/api/v1/clients/{}/consents/"]
CLIENT_READS += ["/api/v1/clients/{}/assessments/", "/api/v1/clients/{}/referrals/"]


@pytest.mark.parametrize("path", CLIENT_READS)
def test_another_agencys_client_is_not_found_exactly_like_one_that_does_not_exist(
    path: str, riverton: Jurisdiction, caseworker_a: User, caseworker_b: User
) -> None:
    theirs = register(caseworker_a, riverton)
    assert api(caseworker_a).get(path.format(theirs.pk)).status_code == 200
    answers = [api(caseworker_b).get(path.format(key)) for key in (theirs.pk, NOBODY, MALFORMED)]
    assert {(r.status_code, r.content) for r in answers} == {(404, b'{"detail":"Not found."}')}


def test_a_colleagues_client_is_not_found_either(
    riverton: Jurisdiction, caseworker_a: User, caseworker_a2: User
) -> None:
    theirs = register(caseworker_a2, riverton)
    response = api(caseworker_a).get(f"/api/v1/clients/{theirs.pk}/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("patch", "/api/v1/clients/{}/", {"phone": "+1 613 555 0000"}),
        ("post", "/api/v1/clients/{}/notes/", {"text": "Seen today."}),
        ("post", "/api/v1/clients/{}/consents/", {"purpose": "sms", "method": "verbal"}),
        ("post", "/api/v1/clients/{}/assessments/", {"needs": ["food"], "urgency": "today"}),
    ],
)
def test_changes_to_another_agencys_client_are_not_found_either(
    method: str, path: str, body: dict[str, Any], riverton: Jurisdiction, caseworker_a: User, caseworker_b: User
) -> None:
    theirs = register(caseworker_a, riverton)
    answers = [
        getattr(api(caseworker_b), method)(path.format(key), body, format="json")
        for key in (theirs.pk, NOBODY, MALFORMED)
    ]
    assert {(r.status_code, r.content) for r in answers} == {(404, b'{"detail":"Not found."}')}
    assert not Note.objects.exists()


def test_a_note_is_read_by_id_only_by_its_agency_unless_shared(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency
) -> None:
    client = register(caseworker_a, riverton)
    refer(caseworker_a, riverton, client, agency_b, ["name"])
    actor = actor_for(caseworker_a, riverton)
    internal = services.note_add(actor=actor, client=client, text="Internal.")
    shared = services.note_add(actor=actor, client=client, text="For all.", shared=True)
    url = f"/api/v1/clients/{client.pk}/notes/{{}}/"

    assert api(caseworker_a).get(url.format(internal.pk)).json()["text"] == "Internal."
    assert api(caseworker_b).get(url.format(shared.pk)).json()["text"] == "For all."
    answers = [api(caseworker_b).get(url.format(key)) for key in (internal.pk, NOBODY, MALFORMED)]
    assert {(r.status_code, r.content) for r in answers} == {(404, b'{"detail":"Not found."}')}
    listed = api(caseworker_b).get(f"/api/v1/clients/{client.pk}/notes/").json()
    assert [n["text"] for n in listed] == ["For all."]


def test_a_note_of_a_client_not_referred_to_her_agency_is_not_found(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User
) -> None:
    client = register(caseworker_a, riverton)
    note = services.note_add(actor=actor_for(caseworker_a, riverton), client=client, text="Shared.", shared=True)
    response = api(caseworker_b).get(f"/api/v1/clients/{client.pk}/notes/{note.pk}/")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_a_referral_is_read_by_the_two_agencies_and_not_found_for_a_third(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, caseworker_c: User, agency_b: Agency
) -> None:
    referral = refer(caseworker_a, riverton, register(caseworker_a, riverton), agency_b, ["name"])
    url = "/api/v1/referrals/{}/"
    assert api(caseworker_a).get(url.format(referral.pk)).json()["state"] == "sent"
    assert api(caseworker_b).get(url.format(referral.pk)).json()["message"] == "A GP, please."
    answers = [api(caseworker_c).get(url.format(key)) for key in (referral.pk, NOBODY, MALFORMED)]
    answers += [
        api(caseworker_c).post(f"/api/v1/referrals/{key}/transition", {"to": "accepted"}, format="json")
        for key in (referral.pk, NOBODY, MALFORMED)
    ]
    assert {(r.status_code, r.content) for r in answers} == {(404, b'{"detail":"Not found."}')}
    referral.refresh_from_db()
    assert referral.state == "sent"


# --- what the receiving agency sees -----------------------------------------------------------------------


def test_the_receiving_agency_gets_only_the_shared_parts_and_the_other_fields_are_absent(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency
) -> None:
    client = register(caseworker_a, riverton, gender="woman")
    services.assessment_record(
        actor=actor_for(caseworker_a, riverton), client=client, needs=["health"], urgency="week", notes="Private."
    )
    refer(caseworker_a, riverton, client, agency_b, ["name", "needs"])

    body = api(caseworker_b).get(f"/api/v1/clients/{client.pk}/").json()
    assert body["shared_only"] is True and body["shared"] == ["name", "needs"]
    assert body["given_name"] == "Олена"
    assert [a["needs"] for a in body["assessments"]] == [["health"]]
    assert "notes" not in body["assessments"][0]
    for absent in ("phone", "email", "birth_year", "birth_date", "gender", "languages", "household", "caseworker"):
        assert absent not in body, absent
    entry = AuditEntry.objects.filter(action="read", client_id=client.pk, username="bilal").get()
    assert "phone" not in entry.fields and "given_name" in entry.fields

    full = api(caseworker_a).get(f"/api/v1/clients/{client.pk}/").json()
    assert full["shared_only"] is False and full["gender"] == "woman" and full["assessments"][0]["notes"] == "Private."


def test_in_a_search_the_receiving_agency_sees_no_name_it_was_not_given(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency
) -> None:
    client = register(caseworker_a, riverton)
    refer(caseworker_a, riverton, client, agency_b, ["needs"])
    [found] = api(caseworker_b).get("/api/v1/clients/").json()["results"]
    assert found["id"] == str(client.pk) and found["code"] == client.code and found["shared_only"] is True
    assert "given_name" not in found and "family_name" not in found


def test_the_receiving_agency_cannot_change_her_record_or_read_her_consents(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency
) -> None:
    client = register(caseworker_a, riverton)
    refer(caseworker_a, riverton, client, agency_b, ["name"])
    patched = api(caseworker_b).patch(f"/api/v1/clients/{client.pk}/", {"given_name": "X"}, format="json")
    assert patched.status_code == 403
    assert patched.json() == {"detail": "only the agency that holds her record can change it"}
    assert api(caseworker_b).get(f"/api/v1/clients/{client.pk}/consents/").status_code == 404


def test_the_analyst_is_refused_every_person_whatever_the_id(
    riverton: Jurisdiction, caseworker_a: User, analyst: User
) -> None:
    client = register(caseworker_a, riverton)
    for path in ("/api/v1/clients/", f"/api/v1/clients/{client.pk}/", f"/api/v1/clients/{NOBODY}/"):
        response = api(analyst).get(path)
        assert response.status_code == 403
        assert "does not include reading or changing client records" in response.json()["detail"]
    assert api(analyst).get("/api/v1/referrals/").status_code == 403
    assert not AuditEntry.objects.filter(action="read").exists()


def test_without_signing_in_there_is_nothing(riverton: Jurisdiction, caseworker_a: User) -> None:
    client = register(caseworker_a, riverton)
    assert APIClient().get(f"/api/v1/clients/{client.pk}/").status_code in (401, 403)
    assert APIClient().post("/api/v1/clients/", {}, format="json").status_code in (401, 403)


# --- referrals ---------------------------------------------------------------------------------------------


def test_the_loop_closes_through_the_api(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency
) -> None:
    client = register(caseworker_a, riverton)
    sender, receiver = api(caseworker_a), api(caseworker_b)
    no_consent = sender.post(
        "/api/v1/referrals/", {"client": str(client.pk), "to_agency": str(agency_b.pk), "shared": ["name"]}, "json"
    )
    assert no_consent.status_code == 400 and "Health Clinic" in no_consent.json()["errors"]["consent"]

    consent = sender.post(
        f"/api/v1/clients/{client.pk}/consents/",
        {"purpose": "sharing", "method": "verbal", "agency": str(agency_b.pk)},
        format="json",
    )
    assert consent.status_code == 201 and consent.json()["agency"]["name"] == "Health Clinic"
    created = sender.post(
        "/api/v1/referrals/",
        {"client": str(client.pk), "to_agency": str(agency_b.pk), "shared": ["name"], "message": "A GP."},
        format="json",
    )
    assert created.status_code == 201 and created.json()["state"] == "sent"
    referral_id = created.json()["id"]

    inbox = receiver.get("/api/v1/referrals/?box=inbox").json()["results"]
    assert [r["id"] for r in inbox] == [referral_id]
    move = f"/api/v1/referrals/{referral_id}/transition"
    assert receiver.post(move, {"to": "withdrawn"}, format="json").status_code == 403
    assert receiver.post(move, {"to": "declined"}, format="json").json()["errors"] == {
        "reason": "say why the referral is declined"
    }
    assert receiver.post(move, {"to": "accepted"}, format="json").json()["state"] == "accepted"
    done = receiver.post(move, {"to": "completed", "outcome": "served", "note": "Has a GP now."}, format="json")
    assert done.status_code == 200, done.json()

    seen = sender.get(f"/api/v1/referrals/{referral_id}/").json()
    assert (seen["state"], seen["outcome"], seen["outcome_note"]) == ("completed", "served", "Has a GP now.")
    assert [e["to_state"] for e in seen["events"]] == ["draft", "sent", "accepted", "completed"]
    assert [r["id"] for r in sender.get("/api/v1/referrals/?box=sent").json()["results"]] == [referral_id]
    assert receiver.get("/api/v1/referrals/?box=inbox").json()["results"] == []
    assert sender.get("/api/v1/referrals/?box=elsewhere").json()["errors"] == {
        "box": "must be one of inbox, received, sent."
    }


def test_a_referral_to_a_client_not_hers_is_refused_as_unknown(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_a: Agency
) -> None:
    theirs = register(caseworker_b, riverton)
    for client_id in (theirs.pk, NOBODY):
        response = api(caseworker_a).post(
            "/api/v1/referrals/", {"client": str(client_id), "to_agency": str(agency_a.pk)}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"client": "there is no client with this id among yours"}


# --- idempotent creation -------------------------------------------------------------------------------------


def test_a_registration_sent_twice_with_one_key_makes_one_record(riverton: Jurisdiction, caseworker_a: User) -> None:
    body = {"given_name": "Ana", "consent_method": "verbal"}
    headers = {"Idempotency-Key": "3b7c0c1e-tap"}
    first = api(caseworker_a).post("/api/v1/clients/", body, format="json", headers=headers)
    again = api(caseworker_a).post("/api/v1/clients/", body, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Client.objects.count() == 1

    other = api(caseworker_a).post("/api/v1/clients/", {**body, "given_name": "Ben"}, format="json", headers=headers)
    assert other.status_code == 409 and "different request" in other.json()["detail"]
    assert Client.objects.count() == 1


def test_the_same_key_from_another_user_is_another_request(
    riverton: Jurisdiction, caseworker_a: User, caseworker_a2: User
) -> None:
    body = {"given_name": "Ana", "consent_method": "verbal"}
    headers = {"Idempotency-Key": "same-key"}
    first = api(caseworker_a).post("/api/v1/clients/", body, format="json", headers=headers)
    second = api(caseworker_a2).post("/api/v1/clients/", body, format="json", headers=headers)
    assert first.json()["id"] != second.json()["id"] and Client.objects.count() == 2


def test_an_unusable_key_is_refused(riverton: Jurisdiction, caseworker_a: User) -> None:
    response = api(caseworker_a).post(
        "/api/v1/clients/",
        {"given_name": "Ana", "consent_method": "verbal"},
        format="json",
        headers={"Idempotency-Key": ""},
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["Idempotency-Key"]


def test_a_referral_sent_twice_with_one_key_is_made_and_sent_once(
    riverton: Jurisdiction, caseworker_a: User, agency_b: Agency
) -> None:
    client = register(caseworker_a, riverton)
    services.consent_record(
        actor=actor_for(caseworker_a, riverton), client=client, purpose="sharing", method="verbal", agency=agency_b
    )
    body = {"client": str(client.pk), "to_agency": str(agency_b.pk), "shared": ["name"]}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = api(caseworker_a).post("/api/v1/referrals/", body, format="json", headers=headers)
    again = api(caseworker_a).post("/api/v1/referrals/", body, format="json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1

    changed = api(caseworker_a).post(
        "/api/v1/referrals/", {**body, "shared": ["needs"]}, format="json", headers=headers
    )
    assert changed.status_code == 409
    without_key = api(caseworker_a).post("/api/v1/referrals/", body, format="json")
    assert without_key.status_code == 201 and Referral.objects.count() == 2


# --- the schema -------------------------------------------------------------------------------------------------


def test_the_schema_of_these_endpoints_generates_without_warnings_and_validates() -> None:
    from django.urls import get_resolver, include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    # as when the schema is served: the whole URLconf loaded, with the authentication extensions it imports
    get_resolver().url_patterns  # noqa: B018
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("welcoming.cases.api_urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._warn_cache)
    validate_schema(schema)
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values() if "operationId" in op}
    assert {"clients_list", "clients_create", "clients_read", "referrals_transition"} <= operations
    assert schema["paths"]["/api/v1/clients/"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ClientCreateIn"
    }
    for item in schema["paths"].values():
        for operation in item.values():
            for code, response in operation["responses"].items():
                assert "content" in response, (operation["operationId"], code)
                content = response["content"]["application/json"]["schema"]
                assert content != {"type": "object", "additionalProperties": {}}, operation["operationId"]


def test_the_whole_schema_served_still_validates_with_these_endpoints(anonymous: Any) -> None:
    import yaml
    from drf_spectacular.validation import validate_schema

    response = anonymous.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert "/api/v1/clients/{id}/" in schema["paths"] and "/api/v1/referrals/{id}/transition" in schema["paths"]
