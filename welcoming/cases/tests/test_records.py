"""Self-registration, duplicates and merging, erasure and subject access, codes, and what is never asked."""

from __future__ import annotations

import pytest
from django.apps import apps

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, AuditEntry, User
from welcoming.cases import codes, selectors, services
from welcoming.cases.dedupe import Person as Someone
from welcoming.cases.dedupe import compare
from welcoming.cases.models import Client, NameKey, NeedsAssessment, Note, Referral
from welcoming.cases.services import Person
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_client_codes_carry_a_check_digit_that_catches_a_mistyped_or_swapped_digit() -> None:
    code = codes.client_code("RVT", 2026, 123)
    assert code.startswith("RVT-26-000123-")
    assert codes.is_valid_client_code(code)
    assert codes.is_valid_client_code(code.lower().replace("-", " "))
    assert not codes.is_valid_client_code("RVT-26-000132-" + code[-1])
    assert not codes.is_valid_client_code("RVT-26-000124-" + code[-1])


def test_client_codes_count_up_per_city_and_year(riverton: Jurisdiction, caseworker_a: User) -> None:
    riverton.client_prefix = "RVT"
    riverton.save()
    actor = actor_for(caseworker_a, riverton)
    first = services.client_register(actor=actor, person=Person(given_name="Ana"), consent_method="verbal")
    second = services.client_register(actor=actor, person=Person(given_name="Ben"), consent_method="verbal")
    assert first.code and second.code
    assert first.code.split("-")[2] == "000001" and second.code.split("-")[2] == "000002"


def test_she_registers_herself_and_a_worker_verifies_her_at_the_counter_with_her_reference(
    riverton: Jurisdiction, caseworker_a: User, agency_a: Agency
) -> None:
    pending = services.self_register(
        jurisdiction=riverton,
        person=Person(given_name="Мар'яна", family_name="Шевченко", phone="063 555 0199", languages=["uk"]),
        sms=True,
        submission="form-1",
    )
    again = services.self_register(jurisdiction=riverton, person=Person(given_name="Мар'яна"), submission="form-1")
    assert again.pk == pending.pk and Client.objects.count() == 1
    assert pending.state == "pending" and pending.code is None
    assert sorted(pending.consents.values_list("purpose", flat=True)) == ["registration", "sms"]

    actor = actor_for(caseworker_a, riverton)
    assert pending.reference
    found = selectors.pending_by_reference(actor, pending.reference.lower().replace("-", " "))
    verified = services.client_verify(actor=actor, client=found)
    assert verified.state == "active" and verified.code and verified.agency_id == agency_a.pk
    assert verified.caseworker_id == caseworker_a.pk
    with pytest.raises(selectors.NotFound):
        selectors.pending_by_reference(actor, pending.reference)


def test_a_reference_with_a_wrong_character_finds_nothing(riverton: Jurisdiction, caseworker_a: User) -> None:
    pending = services.self_register(jurisdiction=riverton, person=Person(given_name="Ana"))
    assert pending.reference
    wrong = pending.reference[:-1] + ("2" if pending.reference[-1] != "2" else "3")
    with pytest.raises(selectors.NotFound):
        selectors.pending_by_reference(actor_for(caseworker_a, riverton), wrong)


def test_the_same_person_in_two_scripts_is_proposed_as_a_duplicate_with_reasons() -> None:
    arabic = Someone(("محمد العلي",), 1988, "+1 613 555 0101")
    latin = Someone(("Muhammad Al-Ali",), 1989, "613-555-0101")
    likeness = compare(arabic, latin)
    assert likeness.is_candidate
    assert set(likeness.reasons) == {"name sounds the same", "born a year apart", "same phone number"}
    assert not compare(arabic, Someone(("Muhammad Al-Ali",), 1960)).is_candidate
    assert not compare(arabic, Someone(("Олена Коваль",), 1988)).is_candidate


def test_staff_see_duplicates_across_agencies_but_not_who_they_are_and_the_coordinator_merges(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, coordinator: User
) -> None:
    a = services.client_register(
        actor=actor_for(caseworker_a, riverton),
        person=Person(given_name="محمد", family_name="العلي", birth_year=1988, phone="+1 613 555 0101"),
        consent_method="verbal",
    )
    services.assessment_record(actor=actor_for(caseworker_a, riverton), client=a, needs=["housing"], urgency="week")
    b = services.client_register(
        actor=actor_for(caseworker_b, riverton),
        person=Person(given_name="Mohammed", family_name="Alali", birth_year=1989),
        consent_method="verbal",
    )
    candidates = selectors.duplicate_candidates(actor_for(caseworker_b, riverton), b)
    assert [(c.client.pk, c.visible) for c in candidates] == [(a.pk, False)]

    with pytest.raises(selectors.NotFound):
        services.client_merge(actor=actor_for(caseworker_b, riverton), keep=b, duplicate=a)
    kept = services.client_merge(actor=actor_for(coordinator, riverton), keep=b, duplicate=a)
    assert kept.phone == "+1 613 555 0101"  # filled from the duplicate
    assert NeedsAssessment.objects.get().client_id == b.pk
    a.refresh_from_db()
    assert (a.state, a.merged_into_id, a.given_name) == ("merged", b.pk, "")
    assert AuditEntry.objects.filter(action="merge").count() == 2


def test_erasure_removes_her_personal_data_for_good_and_keeps_anonymous_counts(
    riverton: Jurisdiction, caseworker_a: User, manager_a: User, agency_b: Agency
) -> None:
    actor = actor_for(caseworker_a, riverton)
    client = services.client_register(
        actor=actor,
        person=Person(given_name="Fatima", family_name="Haidari", phone="+1 613 555 0177", birth_year=1979),
        consent_method="written",
    )
    services.assessment_record(actor=actor, client=client, needs=["legal", "housing"], urgency="today", notes="evicted")
    services.note_add(actor=actor, client=client, text="Lives with her sister.")
    services.consent_record(actor=actor, client=client, purpose="sharing", method="verbal", agency=agency_b)
    referral = services.referral_create(
        actor=actor, client=client, to_agency=agency_b, shared=["name"], message="Please see her."
    )

    with pytest.raises(services.NotAllowed):
        services.client_erase(actor=actor, client=client)
    services.client_erase(actor=actor_for(manager_a, riverton), client=client)

    erased = Client.objects.get(pk=client.pk)
    assert erased.state == "erased"
    assert (erased.given_name, erased.family_name, erased.phone, erased.code, erased.birth_year) == (
        "",
        "",
        "",
        None,
        None,
    )
    assert not NameKey.objects.filter(client=client).exists()
    assert not Note.objects.exists()
    assessment = NeedsAssessment.objects.get()
    assert (assessment.needs, assessment.notes) == (["legal", "housing"], "")
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.state, referral.message, referral.shared) == ("sent", "", [])
    assert not selectors.search_clients(actor_for(manager_a, riverton), "Fatima")
    assert AuditEntry.objects.filter(action="erase", client_id=client.pk).exists()


def test_a_subject_access_export_gives_everything_held_about_her_and_who_read_it(
    riverton: Jurisdiction, caseworker_a: User, manager_a: User
) -> None:
    actor = actor_for(caseworker_a, riverton)
    client = services.client_register(
        actor=actor, person=Person(given_name="Yusuf", phone="+1 613 555 0144"), consent_method="verbal"
    )
    services.note_add(actor=actor, client=client, text="Looking for work as an electrician.")
    selectors.client_for(actor, client.pk, purpose="client page")
    with pytest.raises(services.NotAllowed):  # she asks her caseworker, who passes it to the manager
        services.subject_access_export(actor=actor, client=client)
    export = services.subject_access_export(actor=actor_for(manager_a, riverton), client=client)
    assert export["client"]["given_name"] == "Yusuf" and export["client"]["phone"] == "+1 613 555 0144"
    assert export["notes"][0]["text"] == "Looking for work as an electrician."
    assert [c["purpose"] for c in export["consents"]] == ["registration"]
    assert {"create", "read"} <= {entry["action"] for entry in export["access_log"]}


BANNED = (
    "immigration",
    "migration_status",
    "visa",
    "asylum",
    "refugee",
    "citizen",
    "nationality",
    "passport",
    "permit",
    "undocumented",
    "deport",
    "alien",
    "country_of_birth",
    "country_of_origin",
    "birthplace",
    "place_of_birth",
    "arrival_date",
    "entry_date",
    "residency",
    "sin_number",
    "ssn",
)
# HSDS fields about organisations and services, not people: legal form, tax form, active or not;
# and the task queue's record of whether a background task has run
ALLOWED = {
    ("directory.organization", "legal_status"),
    ("directory.organization", "tax_status"),
    ("directory.service", "status"),
    ("django_tasks_database.dbtaskresult", "status"),
}


def test_no_model_has_a_field_for_immigration_status_or_any_of_its_proxies() -> None:
    offending = []
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            name = model_field.name.lower()
            text = f"{name} {getattr(model_field, 'help_text', '')} {getattr(model_field, 'verbose_name', '')}".lower()
            if (model._meta.label_lower, name) in ALLOWED:
                continue
            if "status" in name or any(word in text for word in BANNED):
                offending.append(f"{model._meta.label}.{model_field.name}")
    assert offending == []


def test_her_neighbourhood_is_one_of_her_citys_and_is_kept_on_her_record(
    riverton: Jurisdiction, lakeside: Jurisdiction, caseworker_a: User
) -> None:
    from welcoming.conftest import SQUARE
    from welcoming.places.models import Area

    where = {"boundary": SQUARE, "centre_latitude": 44.2, "centre_longitude": -76.5}
    ours = Area.objects.create(jurisdiction=riverton, code="old-town", name="Old Town", **where)
    theirs = Area.objects.create(jurisdiction=lakeside, code="harbour", name="Harbour", **where)
    actor = actor_for(caseworker_a, riverton)
    with pytest.raises(services.Invalid) as raised:
        services.client_register(
            actor=actor, person=Person(given_name="Ana", area_id=theirs.pk), consent_method="verbal"
        )
    assert "area_id" in raised.value.errors
    client = services.client_register(
        actor=actor, person=Person(given_name="Ana", area_id=ours.pk), consent_method="verbal"
    )
    assert Client.objects.get(pk=client.pk).area == ours
