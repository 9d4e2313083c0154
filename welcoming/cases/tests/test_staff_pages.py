"""The staff pages of case work, as the caseworker, the manager and the other agency use them."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
import segno
from django.test import Client as Browser
from django.urls import URLPattern, reverse

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import Agency, AuditEntry, User
from welcoming.cases import selectors, services
from welcoming.cases.models import Client, Consent, Note, Referral, Task
from welcoming.cases.services import Person
from welcoming.cases.urls import staff_patterns
from welcoming.directory.models import Organization, Service
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


def browser(user: User) -> Browser:
    b = Browser()
    b.force_login(user)
    return b


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def olena(riverton: Jurisdiction, caseworker_a: User) -> Client:
    """Caseworker A's client, with a needs assessment and an open task."""
    actor = actor_for(caseworker_a, riverton)
    client = services.client_register(
        actor=actor,
        person=Person(
            given_name="Олена",
            family_name="Коваль",
            phone="+1 613 555 0133",
            birth_year=1985,
            languages=["uk", "en"],
        ),
        consent_method="written",
    )
    services.assessment_record(actor=actor, client=client, needs=["health", "housing"], urgency="week")
    return client


def refer_to_b(riverton: Jurisdiction, caseworker_a: User, client: Client, agency_b: Agency, **kw: Any) -> Referral:
    actor = actor_for(caseworker_a, riverton)
    services.consent_record(actor=actor, client=client, purpose="sharing", method="verbal", agency=agency_b)
    return services.referral_create(
        actor=actor, client=client, to_agency=agency_b, shared=kw.pop("shared", ["name", "needs"]), **kw
    )


def register_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "form_key": uuid.uuid4().hex,
        "given_name": "Мар'яна",
        "family_name": "Шевченко",
        "birth_year": "1990",
        "languages": "uk, en",
        "phone": "063 555 0199",
        "preferred_channel": "sms",
        "consent_method": "verbal",
    }
    data.update(overrides)
    return data


# --- who sees which page ------------------------------------------------------------------------


def test_the_case_pages_render_for_a_caseworker_and_the_manager_sees_her_own_pages_too(
    caseworker_a: User, manager_a: User, olena: Client
) -> None:
    for_everyone = [
        reverse("staff:home"),
        reverse("staff:clients"),
        reverse("staff:clients") + "?q=Olena",
        reverse("staff:client-new"),
        reverse("staff:caseload"),
        reverse("staff:referrals"),
        reverse("staff:pending"),
        *(
            reverse(f"staff:{name}", args=[olena.pk])
            for name in (
                "client",
                "client-edit",
                "client-assess",
                "client-consent",
                "client-refer",
                "client-note",
                "client-task",
                "client-duplicates",
                "client-card",
            )
        ),
    ]
    caseworker = browser(caseworker_a)
    for url in for_everyone:
        assert caseworker.get(url).status_code == 200, url
    manager = browser(manager_a)
    for url in [*for_everyone, *(reverse(f"staff:{n}", args=[olena.pk]) for n in ("client-assign", "client-erase"))]:
        assert manager.get(url).status_code == 200, url
    assert manager.get(reverse("staff:client-export", args=[olena.pk])).status_code == 200


def test_an_analyst_is_refused_the_case_pages_and_never_sees_a_person(analyst: User, olena: Client) -> None:
    b = browser(analyst)
    assert b.get(reverse("staff:home")).status_code == 200
    for name in ("clients", "caseload", "referrals", "pending", "client-new"):
        assert b.get(reverse(f"staff:{name}")).status_code == 403, name
    assert b.get(reverse("staff:client", args=[olena.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(anonymous: Browser, olena: Client) -> None:
    for url in (reverse("staff:home"), reverse("staff:client", args=[olena.pk])):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("staff:login"))


def _client_urls(client: Client, other: Client, consent_id: int, task_id: uuid.UUID) -> list[str]:
    """Every URL of the URLconf about one client, so that a new one is covered as soon as it exists."""
    values = {"client_id": client.pk, "other_id": other.pk, "consent_id": consent_id, "task_id": task_id}
    urls = []
    for pattern in staff_patterns:
        assert isinstance(pattern, URLPattern)
        names = re.findall(r"<\w+:(\w+)>", str(pattern.pattern))
        if "client_id" in names:
            urls.append(reverse(f"staff:{pattern.name}", kwargs={name: values[name] for name in names}))
    return urls


def test_a_caseworker_of_another_agency_gets_404_for_a_client_not_referred_to_it_on_every_page(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, olena: Client
) -> None:
    actor_b = actor_for(caseworker_b, riverton)
    hers = services.client_register(actor=actor_b, person=Person(given_name="Bilal's client"), consent_method="verbal")
    task = services.task_add(actor=actor_for(caseworker_a, riverton), client=olena, title="Call back")
    consent = olena.consents.get()
    urls = _client_urls(olena, hers, consent.pk, task.pk) + _client_urls(hers, olena, consent.pk, task.pk)[1:]
    assert len(urls) >= 15
    b = browser(caseworker_b)
    for url in urls:
        if str(hers.pk) in url and str(olena.pk) not in url:
            continue
        assert b.get(url).status_code == 404, url
        assert b.post(url, {"text": "x", "title": "x", "confirm": "on"}).status_code == 404, url
    # and nothing was changed or revealed on the way
    assert not Note.objects.exists()
    assert Task.objects.get().done_at is None and Client.objects.get(pk=olena.pk).state == "active"
    assert not AuditEntry.objects.filter(username="bilal", client_id=olena.pk).exists()
    assert b.get(reverse("staff:client", args=[uuid.uuid4()])).status_code == 404


def test_a_receiving_agency_sees_only_the_shared_parts_and_is_told_the_rest_is_not_shared(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, olena: Client
) -> None:
    refer_to_b(riverton, caseworker_a, olena, agency_b, shared=["name", "needs"], message="Needs a family doctor.")
    b = browser(caseworker_b)
    page = text(b.get(reverse("staff:client", args=[olena.pk])))
    assert "Олена" in page and "Health" in page and "Housing" in page
    assert "not shared with you" in page
    for secret in ("613 555 0133", "1985", "Ukrainian", "Her consents", "Keeping a record"):
        assert secret not in page, secret
    assert b.get(reverse("staff:client-edit", args=[olena.pk])).status_code == 403
    assert b.get(reverse("staff:client-refer", args=[olena.pk])).status_code == 403
    assert b.get(reverse("staff:client-card", args=[olena.pk])).status_code == 403
    assert b.get(reverse("staff:client-export", args=[olena.pk])).status_code == 403
    entry = AuditEntry.objects.filter(username="bilal", client_id=olena.pk, purpose="client page").get()
    assert "phone" not in entry.fields and "given_name" in entry.fields


# --- registering --------------------------------------------------------------------------------


def test_registering_her_gives_a_code_her_consent_and_a_latin_name_and_a_double_submit_registers_once(
    caseworker_a: User, agency_a: Agency
) -> None:
    b = browser(caseworker_a)
    form = register_form(sms_consent="on")
    first = b.post(reverse("staff:client-new"), form)
    again = b.post(reverse("staff:client-new"), form)
    client = Client.objects.get()
    assert first.status_code == again.status_code == 302
    assert again["Location"] == reverse("staff:client", args=[client.pk])
    assert client.code and client.agency_id == agency_a.pk and client.caseworker_id == caseworker_a.pk
    assert (client.given_name_latin, client.family_name_latin) == ("Maryana", "Shevchenko")
    assert client.languages == ["uk", "en"] and client.preferred_channel == "sms"
    assert sorted(client.consents.values_list("purpose", "method")) == [("registration", "verbal"), ("sms", "verbal")]
    page = text(b.get(first["Location"], follow=True))
    assert client.code in page


def test_registering_without_her_consent_or_with_a_bad_language_shows_the_errors_next_to_the_fields(
    caseworker_a: User,
) -> None:
    response = browser(caseworker_a).post(
        reverse("staff:client-new"), register_form(consent_method="", languages="Ukrainian!")
    )
    assert response.status_code == 400
    page = text(response)
    assert "No record is kept without her consent" in page and "not language codes" in page
    # each error sits with its field, which is marked invalid
    assert re.search(r'id="id_consent_method_error"><li>No record is kept', page)
    assert re.search(r'<select name="consent_method" required aria-invalid="true"', page)
    assert re.search(r'id="id_languages_error"><li>These are not language codes', page)
    assert not Client.objects.exists()


def test_registering_someone_who_may_be_registered_already_shows_the_earlier_record_by_code_and_agency_only(
    riverton: Jurisdiction, caseworker_a: User, caseworker_a2: User
) -> None:
    earlier = services.client_register(
        actor=actor_for(caseworker_a2, riverton),
        person=Person(given_name="Mohammed", family_name="Ahmadi", phone="+1 613 555 0177", birth_year=1979),
        consent_method="verbal",
    )
    b = browser(caseworker_a)
    form = register_form(
        given_name="محمد", family_name="احمدی", phone="613-555-0177", birth_year="1979", languages="fa"
    )
    response = b.post(reverse("staff:client-new"), form, follow=True)
    page = text(response)
    assert response.redirect_chain[-1][0].endswith("/duplicates/?new=1")
    assert earlier.code and earlier.code in page and "Newcomer Office" in page
    assert "Mohammed" not in page and "Ahmadi" not in page  # not hers to open: code and agency only


def test_a_new_member_joins_the_household_of_a_client_she_can_open(
    riverton: Jurisdiction, caseworker_a: User, olena: Client
) -> None:
    b = browser(caseworker_a)
    form = register_form(given_name="Софія", household_of=olena.code, relationship="child", birth_year="2015")
    assert b.post(reverse("staff:client-new"), form).status_code == 302
    child = Client.objects.get(given_name_latin__isnull=False, relationship="child")
    olena.refresh_from_db()
    assert olena.household_id and child.household_id == olena.household_id
    page = text(b.get(reverse("staff:client", args=[olena.pk])))
    assert "Софія" in page and str(child.code) in page

    wrong = b.post(reverse("staff:client-new"), register_form(household_of="RVT-26-999999-0", relationship="child"))
    assert wrong.status_code == 400 and "No client you can open has this code" in text(wrong)


def test_a_self_registration_is_found_by_its_reference_checked_for_duplicates_and_verified(
    riverton: Jurisdiction, caseworker_a: User, olena: Client
) -> None:
    pending = services.self_register(
        jurisdiction=riverton, person=Person(given_name="Olena", family_name="Koval", phone="613 555 0133")
    )
    assert pending.reference
    b = browser(caseworker_a)
    page = text(b.get(reverse("staff:pending"), {"reference": pending.reference.lower().replace("-", " ")}))
    assert "Koval" in page and str(olena.code) in page  # the earlier record, hers, as a possible duplicate
    response = b.post(reverse("staff:pending"), {"reference": pending.reference})
    pending.refresh_from_db()
    assert pending.state == "active" and pending.code and pending.caseworker_id == caseworker_a.pk
    assert response["Location"] == reverse("staff:client", args=[pending.pk])
    again = b.post(reverse("staff:pending"), {"reference": pending.reference})
    assert again.status_code == 200 and "No self-registration is waiting" in text(again)


def test_search_finds_her_by_name_in_another_script_but_only_among_the_clients_in_scope(
    caseworker_a: User, caseworker_b: User, olena: Client
) -> None:
    page = text(browser(caseworker_a).get(reverse("staff:clients"), {"q": "Olena Koval"}))
    assert str(olena.code) in page and "Олена" in page
    assert str(olena.code) not in text(browser(caseworker_b).get(reverse("staff:clients"), {"q": "Olena Koval"}))


# --- the record --------------------------------------------------------------------------------


def test_a_note_sent_twice_is_kept_once_and_an_internal_note_stays_in_the_agency(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, olena: Client
) -> None:
    a = browser(caseworker_a)
    url = reverse("staff:client-note", args=[olena.pk])
    for _ in range(2):
        assert a.post(url, {"text": "Lost her job last week."}).status_code == 302
    a.post(url, {"text": "She asked for help with a doctor.", "shared": "on"})
    assert Note.objects.count() == 2
    refer_to_b(riverton, caseworker_a, olena, agency_b)
    page = text(browser(caseworker_b).get(reverse("staff:client", args=[olena.pk])))
    assert "help with a doctor" in page and "Lost her job" not in page
    empty = a.post(url, {"text": "  "})
    assert empty.status_code == 400 and "errorlist" in text(empty)


def test_a_task_is_added_shows_on_her_home_page_and_is_marked_done(caseworker_a: User, olena: Client) -> None:
    b = browser(caseworker_a)
    url = reverse("staff:client-task", args=[olena.pk])
    b.post(url, {"title": "Book the interpreter", "due": "2020-01-01"})
    b.post(url, {"title": "Book the interpreter", "due": "2020-01-01"})
    task = Task.objects.get()
    home = text(b.get(reverse("staff:home")))
    assert "Book the interpreter" in home and "Overdue" in home
    b.post(reverse("staff:task-done", args=[olena.pk, task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None
    assert "Book the interpreter" not in text(b.get(reverse("staff:home")))


def test_her_consent_to_share_is_recorded_with_the_agency_it_names_and_withdrawn_from_the_pages(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, olena: Client
) -> None:
    a = browser(caseworker_a)
    url = reverse("staff:client-consent", args=[olena.pk])
    no_agency = a.post(url, {"purpose": "sharing", "method": "verbal"})
    assert no_agency.status_code == 400 and "must name the agency" in text(no_agency)
    assert a.post(url, {"purpose": "sharing", "method": "written", "agency": str(agency_b.pk)}).status_code == 302
    consent = Consent.objects.get(purpose="sharing")
    assert consent.agency_id == agency_b.pk and consent.method == "written"
    services.referral_create(actor=actor_for(caseworker_a, riverton), client=olena, to_agency=agency_b, shared=["name"])
    b = browser(caseworker_b)
    assert b.get(reverse("staff:client", args=[olena.pk])).status_code == 200
    a.post(reverse("staff:consent-withdraw", args=[olena.pk, consent.pk]))
    assert b.get(reverse("staff:client", args=[olena.pk])).status_code == 404
    assert Referral.objects.get().state == "withdrawn"


def test_a_manager_assigns_her_case_and_a_caseworker_cannot(
    caseworker_a: User, caseworker_a2: User, manager_a: User, olena: Client
) -> None:
    url = reverse("staff:client-assign", args=[olena.pk])
    assert browser(caseworker_a).post(url, {"caseworker": caseworker_a2.pk}).status_code == 403
    assert browser(manager_a).post(url, {"caseworker": caseworker_a2.pk}).status_code == 302
    olena.refresh_from_db()
    assert olena.caseworker_id == caseworker_a2.pk
    assert browser(caseworker_a).get(reverse("staff:client", args=[olena.pk])).status_code == 404


def test_editing_her_record_changes_it_and_keeps_her_latin_name_filled(caseworker_a: User, olena: Client) -> None:
    b = browser(caseworker_a)
    url = reverse("staff:client-edit", args=[olena.pk])
    assert "Коваль" in text(b.get(url))
    data = {"given_name": "Олена", "family_name": "Коваленко", "languages": "uk", "phone": "+1 613 555 0134"}
    assert b.post(url, data).status_code == 302
    olena.refresh_from_db()
    assert (olena.family_name, olena.family_name_latin, olena.phone) == ("Коваленко", "Kovalenko", "+1 613 555 0134")


def test_a_needs_assessment_uses_the_triage_needs_in_her_workers_language(caseworker_a: User, olena: Client) -> None:
    b = browser(caseworker_a)
    url = reverse("staff:client-assess", args=[olena.pk])
    form_fr = text(b.get(url, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Logement" in form_fr
    assert b.post(url, {"needs": ["food", "legal"], "urgency": "today", "notes": "No food at home."}).status_code == 302
    assert olena.assessments.first().needs == ["food", "legal"]  # type: ignore[union-attr]
    assert b.post(url, {"needs": ["status"], "urgency": "today"}).status_code == 400


def test_two_records_of_hers_are_merged_after_a_confirmation_page(
    riverton: Jurisdiction, caseworker_a: User, olena: Client
) -> None:
    actor = actor_for(caseworker_a, riverton)
    twin = services.client_register(
        actor=actor,
        person=Person(given_name="Olena", family_name="Koval", phone="613 555 0133"),
        consent_method="verbal",
    )
    services.note_add(actor=actor, client=twin, text="Came on Tuesday.")
    b = browser(caseworker_a)
    assert str(twin.code) in text(b.get(reverse("staff:client-duplicates", args=[olena.pk])))
    url = reverse("staff:client-merge", args=[olena.pk, twin.pk])
    page = text(b.get(url))
    assert "Коваль" in page and "Koval" in page and "cannot be undone" in page
    assert b.post(url, {"keep": str(olena.pk)}).status_code == 400  # not confirmed
    assert b.post(url, {"keep": str(olena.pk), "confirm": "on"}).status_code == 302
    twin.refresh_from_db()
    assert twin.state == "merged" and twin.merged_into_id == olena.pk
    assert olena.notes.get().text == "Came on Tuesday."


# --- referrals ----------------------------------------------------------------------------------


@pytest.fixture
def clinic_service(riverton: Jurisdiction, agency_b: Agency) -> Service:
    org = Organization.objects.create(jurisdiction=riverton, name="Riverton Health Clinic", description="")
    agency_b.organization = org
    agency_b.save()
    return Service.objects.create(
        jurisdiction=riverton, organization=org, name="Family doctors", last_modified=dt.datetime.now(dt.UTC)
    )


def test_the_referral_moves_through_its_states_from_the_pages_of_both_agencies(
    caseworker_a: User, caseworker_b: User, agency_b: Agency, clinic_service: Service, olena: Client
) -> None:
    a, b = browser(caseworker_a), browser(caseworker_b)
    form_page = text(a.get(reverse("staff:client-refer", args=[olena.pk])))
    assert "Family doctors" in form_page and "Health Clinic" in form_page
    refer = {
        "to_agency": str(agency_b.pk),
        "service": str(clinic_service.pk),
        "shared": ["name", "needs"],
        "message": "Needs a family doctor.",
    }
    without_consent = a.post(reverse("staff:client-refer", args=[olena.pk]), refer)
    assert without_consent.status_code == 400 and "has not agreed to share" in text(without_consent)
    sent = a.post(reverse("staff:client-refer", args=[olena.pk]), {**refer, "consent_method": "verbal"})
    again = a.post(reverse("staff:client-refer", args=[olena.pk]), {**refer, "consent_method": "verbal"})
    referral = Referral.objects.get()
    assert sent["Location"] == again["Location"] == reverse("staff:referral", args=[referral.pk])
    assert referral.state == "sent" and referral.service_id == clinic_service.pk

    inbox = text(b.get(reverse("staff:referrals")))
    assert str(olena.code) in inbox and "Олена" in inbox and "Family doctors" in inbox
    answer = reverse("staff:referral-answer", args=[referral.pk])
    assert a.post(answer, {"to_state": "accepted"}).status_code == 403  # not the sender's to answer
    page = text(b.get(reverse("staff:referral", args=[referral.pk])))
    assert "Accept" in page and "Decline" in page and "Withdraw" not in page
    b.post(answer, {"to_state": "accepted"})
    b.post(answer, {"to_state": "accepted"})  # a double click changes nothing more
    b.post(answer, {"to_state": "in-progress"})
    no_outcome = b.post(answer, {"to_state": "completed"})
    assert no_outcome.status_code == 400 and "Choose what came of the referral" in text(no_outcome)
    b.post(answer, {"to_state": "completed", "outcome": "served", "note": "Has a doctor now."})
    referral.refresh_from_db()
    assert (referral.state, referral.outcome) == ("completed", "served")
    assert [e.to_state for e in referral.events.all()] == ["draft", "sent", "accepted", "in-progress", "completed"]
    sent_list = text(a.get(reverse("staff:referrals")))
    assert "Completed" in sent_list and "Got the help" in sent_list


def test_declining_needs_a_reason_and_only_the_sender_withdraws(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, olena: Client
) -> None:
    referral = refer_to_b(riverton, caseworker_a, olena, agency_b)
    b = browser(caseworker_b)
    assert b.post(reverse("staff:referral-withdraw", args=[referral.pk])).status_code == 403
    answer = reverse("staff:referral-answer", args=[referral.pk])
    no_reason = b.post(answer, {"to_state": "declined"})
    assert no_reason.status_code == 400 and "Say why the referral is declined" in text(no_reason)
    b.post(answer, {"to_state": "declined", "reason": "No places until March."})
    assert Referral.objects.get().state == "declined"
    page = text(browser(caseworker_a).get(reverse("staff:referral", args=[referral.pk])))
    assert "No places until March." in page

    second = services.referral_create(
        actor=actor_for(caseworker_a, riverton), client=olena, to_agency=agency_b, shared=["name"]
    )
    browser(caseworker_a).post(reverse("staff:referral-withdraw", args=[second.pk]))
    assert Referral.objects.get(pk=second.pk).state == "withdrawn"


def test_late_referrals_are_highlighted_in_the_inbox_oldest_answer_date_first(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, olena: Client
) -> None:
    late = refer_to_b(riverton, caseworker_a, olena, agency_b)
    Referral.objects.filter(pk=late.pk).update(respond_by=dt.date.today() - dt.timedelta(days=2))
    newer = services.referral_create(
        actor=actor_for(caseworker_a, riverton), client=olena, to_agency=agency_b, shared=["needs"]
    )
    page = text(browser(caseworker_b).get(reverse("staff:referrals")))
    assert page.count('class="late"') >= 2  # the row and its label
    assert page.index(str(late.pk)) < page.index(str(newer.pk))
    home = text(browser(caseworker_b).get(reverse("staff:home")))
    assert "Late" in home


def test_the_inbox_names_her_only_where_the_referral_shares_her_name(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, olena: Client
) -> None:
    refer_to_b(riverton, caseworker_a, olena, agency_b, shared=["needs"])
    rows = selectors.inbox_rows(actor_for(caseworker_b, riverton))
    assert [row.name_shown for row in rows] == [False]
    assert "Олена" not in text(browser(caseworker_b).get(reverse("staff:referrals")))


def test_each_side_of_a_referral_is_offered_only_its_own_moves(
    riverton: Jurisdiction, caseworker_a: User, caseworker_b: User, agency_b: Agency, olena: Client
) -> None:
    referral = refer_to_b(riverton, caseworker_a, olena, agency_b)
    assert services.referral_moves(actor_for(caseworker_b, riverton), referral) == {"accepted", "declined"}
    assert services.referral_moves(actor_for(caseworker_a, riverton), referral) == {"withdrawn"}


# --- rights requests, the card ---------------------------------------------------------------------


def test_a_manager_erases_a_record_after_a_confirmation_that_says_what_stays_and_a_caseworker_is_refused(
    caseworker_a: User, manager_a: User, olena: Client
) -> None:
    url = reverse("staff:client-erase", args=[olena.pk])
    caseworker = browser(caseworker_a)
    assert caseworker.get(url).status_code == 403
    assert caseworker.post(url, {"confirm": "on"}).status_code == 403
    manager = browser(manager_a)
    page = text(manager.get(url))
    assert "What is removed" in page and "That someone had these needs" in page
    assert manager.post(url).status_code == 400
    assert Client.objects.get(pk=olena.pk).state == "active"
    assert manager.post(url, {"confirm": "on"})["Location"] == reverse("staff:clients")
    erased = Client.objects.get(pk=olena.pk)
    assert erased.state == "erased" and erased.given_name == "" and erased.code is None
    assert erased.assessments.get().needs == ["health", "housing"]
    assert manager.get(reverse("staff:client", args=[olena.pk])).status_code == 404


def test_a_manager_downloads_everything_held_about_her_and_a_caseworker_is_refused(
    caseworker_a: User, manager_a: User, olena: Client
) -> None:
    url = reverse("staff:client-export", args=[olena.pk])
    assert browser(caseworker_a).get(url).status_code == 403
    assert browser(caseworker_a).post(url).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.subject_access_export(actor=actor_for(caseworker_a, olena.jurisdiction), client=olena)
    response = browser(manager_a).post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{olena.code}.json"'
    export = json.loads(response.content)
    assert export["client"]["given_name"] == "Олена" and export["client"]["phone"] == "+1 613 555 0133"
    assert export["assessments"][0]["needs"] == ["health", "housing"]
    assert AuditEntry.objects.filter(action="export", client_id=olena.pk, username="mona").exists()


def test_the_client_card_shows_her_code_and_a_qr_code_of_the_code_alone(caseworker_a: User, olena: Client) -> None:
    assert olena.code
    page = text(browser(caseworker_a).get(reverse("staff:client-card", args=[olena.pk])))
    assert olena.code in page
    assert segno.make_qr(olena.code, error="m").svg_inline(scale=4, title=olena.code) in page
    card = page[page.index('class="client-card"') :]
    assert "Олена" not in card and "613" not in card


# --- the frame: CSRF, no scripts, bounded queries ------------------------------------------------------


def test_a_form_posted_without_its_csrf_token_is_refused(caseworker_a: User, olena: Client) -> None:
    b = Browser(enforce_csrf_checks=True)
    b.force_login(caseworker_a)
    assert b.post(reverse("staff:client-note", args=[olena.pk]), {"text": "x"}).status_code == 403
    assert not Note.objects.exists()


def test_the_pages_load_no_script_and_nothing_from_elsewhere(
    riverton: Jurisdiction, caseworker_a: User, manager_a: User, agency_b: Agency, olena: Client
) -> None:
    refer_to_b(riverton, caseworker_a, olena, agency_b)
    b = browser(manager_a)
    for url in (
        reverse("staff:home"),
        reverse("staff:client", args=[olena.pk]),
        reverse("staff:client-card", args=[olena.pk]),
        reverse("staff:referrals"),
        reverse("staff:referral", args=[Referral.objects.get().pk]),
        reverse("staff:client-erase", args=[olena.pk]),
    ):
        page = text(b.get(url))
        assert "<script" not in page and ' style="' not in page, url
        assert not re.search(r'(src|href)="(https?:)?//', page), url


def test_the_client_page_and_the_inbox_take_a_bounded_number_of_queries_however_much_there_is(
    riverton: Jurisdiction,
    caseworker_a: User,
    caseworker_b: User,
    agency_b: Agency,
    olena: Client,
    django_assert_max_num_queries: Any,
) -> None:
    actor = actor_for(caseworker_a, riverton)
    services.consent_record(actor=actor, client=olena, purpose="sharing", method="verbal", agency=agency_b)
    for n in range(8):
        services.note_add(actor=actor, client=olena, text=f"Note {n}", shared=bool(n % 2))
        services.task_add(actor=actor, client=olena, title=f"Task {n}")
        services.assessment_record(actor=actor, client=olena, needs=["food"], urgency="later")
        services.referral_create(actor=actor, client=olena, to_agency=agency_b, shared=["name", "needs"])
        services.client_register_once(
            actor=actor,
            person=Person(given_name=f"Child {n}"),
            consent_method="verbal",
            submission="",
            household_of=olena,
            relationship="child",
        )
    a, b = browser(caseworker_a), browser(caseworker_b)
    # about half of these are the frame's: session, user, two-factor device, jurisdiction, memberships
    with django_assert_max_num_queries(20):
        assert a.get(reverse("staff:client", args=[olena.pk])).status_code == 200
    with django_assert_max_num_queries(18):
        assert b.get(reverse("staff:client", args=[olena.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        page = text(b.get(reverse("staff:referrals")))
    assert page.count(str(olena.code)) == 8


# --- the services and selectors added for the pages ------------------------------------------------------


def test_the_same_registration_form_twice_registers_her_once(riverton: Jurisdiction, caseworker_a: User) -> None:
    actor = actor_for(caseworker_a, riverton)
    first, created = services.client_register_once(
        actor=actor, person=Person(given_name="Ana"), consent_method="verbal", submission="k1", also=["statistics"]
    )
    again, created_again = services.client_register_once(
        actor=actor, person=Person(given_name="Ana"), consent_method="verbal", submission="k1", also=["statistics"]
    )
    assert (created, created_again) == (True, False) and first.pk == again.pk
    assert sorted(first.consents.values_list("purpose", flat=True)) == ["registration", "statistics"]


def test_an_open_referral_to_the_same_agency_and_service_is_given_back_rather_than_made_twice(
    riverton: Jurisdiction, caseworker_a: User, agency_b: Agency, olena: Client
) -> None:
    actor = actor_for(caseworker_a, riverton)
    first, created = services.referral_create_once(
        actor=actor, client=olena, to_agency=agency_b, shared=["name"], consent_method="verbal"
    )
    again, created_again = services.referral_create_once(actor=actor, client=olena, to_agency=agency_b, shared=["name"])
    assert (created, created_again) == (True, False) and first.pk == again.pk
    assert olena.consents.filter(purpose="sharing", agency=agency_b).count() == 1
    services.referral_withdraw(actor=actor, referral=first)
    _third, created_third = services.referral_create_once(
        actor=actor, client=olena, to_agency=agency_b, shared=["name"]
    )
    assert created_third


def test_the_household_on_her_record_hides_the_members_outside_the_readers_scope(
    riverton: Jurisdiction, caseworker_a: User, caseworker_a2: User, manager_a: User, olena: Client
) -> None:
    child, _ = services.client_register_once(
        actor=actor_for(manager_a, riverton),
        person=Person(given_name="Taras"),
        consent_method="verbal",
        submission="",
        household_of=olena,
        relationship="child",
    )
    services.client_assign(actor=actor_for(manager_a, riverton), client=child, caseworker_id=caseworker_a2.pk)
    actor = actor_for(caseworker_a, riverton)
    record = selectors.client_record(actor, selectors.client_for(actor, olena.pk, purpose="test"))
    assert (record.household, record.household_hidden) == ([], 1)
    manager = actor_for(manager_a, riverton)
    record = selectors.client_record(manager, selectors.client_for(manager, olena.pk, purpose="test"))
    assert [m.pk for m in record.household] == [child.pk] and record.household_hidden == 0
    assert AuditEntry.objects.filter(username="mona", client_id=child.pk, purpose__startswith="household of").exists()
