"""Requests: made from a client's needs by the staff who hold her record, checked fact by fact, kept
once per form, scoped like her record, audited, and seen on the staff pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from welcoming.accounts.actors import Actor, actor_for
from welcoming.accounts.models import Agency, AuditEntry, User
from welcoming.cases import selectors as cases_selectors
from welcoming.cases import services as case_services
from welcoming.cases.models import Client, NeedsAssessment
from welcoming.cases.services import Person
from welcoming.community.models import Offer, Offerer
from welcoming.lib.crypto import keyring
from welcoming.matching import request_selectors, request_services
from welcoming.matching.models import MatchRun, Proposal, Request
from welcoming.places.models import Area, Jurisdiction

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[-76.6, 44.1], [-76.3, 44.1], [-76.3, 44.4], [-76.6, 44.1]]]}


def browser(user: User) -> Browser:
    b = Browser()
    b.force_login(user)
    return b


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def mine(riverton: Jurisdiction, caseworker_a: User) -> Actor:
    return actor_for(caseworker_a, riverton)


@pytest.fixture
def area(riverton: Jurisdiction) -> Area:
    return Area.objects.create(
        jurisdiction=riverton,
        code="northfield",
        name="Northfield",
        boundary=SQUARE,
        centre_latitude=44.2,
        centre_longitude=-76.5,
    )


@pytest.fixture
def fatima(mine: Actor) -> Client:
    """Caseworker A's client: a mother of two (a boy of 10, a girl of 6), assessed for housing."""
    this_year = timezone.localdate().year
    head = case_services.client_register(
        actor=mine,
        person=Person(given_name="Fatima", family_name="Haddad", birth_year=1986, languages=["ar", "en"]),
        consent_method="verbal",
    )
    for name, age, gender in (("Youssef", 10, "boy"), ("Layla", 6, "")):
        case_services.household_add(
            actor=mine,
            head=head,
            person=Person(given_name=name, family_name="Haddad", birth_year=this_year - age, gender=gender),
            relationship="child",
            consent_method="verbal",
        )
    case_services.assessment_record(actor=mine, client=head, needs=["housing", "education"], urgency="week")
    return head


def assessment(client: Client) -> NeedsAssessment:
    found = request_selectors.latest_assessment(client)
    assert found is not None
    return found


# --- making a request ----------------------------------------------------------------------------------


def test_a_caseworker_records_a_housing_request_and_the_income_is_encrypted_and_audited(
    mine: Actor, fatima: Client, area: Area
) -> None:
    request = request_services.request_create(
        actor=mine,
        client=fatima,
        kind="housing",
        adults=1,
        children=[[6, "f"], [10, "m"]],
        monthly_income="2850.5",
        max_rent=1100,
        areas=[area.pk],
        school_area=area.pk,
        note="Prefers the ground floor.",
    )
    request.refresh_from_db()
    assert (request.kind, request.state, request.wanted, request.allocated) == ("housing", "open", 1, 0)
    assert request.children == [[10, "m"], [6, "f"]]
    assert request.monthly_income == "2850.50" and request.agency_id == fatima.agency_id
    assert request.languages == ["ar", "en"]  # hers, when the request names none
    assert request.waiting_since == timezone.localdate() and list(request.areas.all()) == [area]
    with connection.cursor() as cursor:
        cursor.execute("SELECT monthly_income, note FROM matching_request WHERE id = %s", [request.pk.hex])
        raw = cursor.fetchone()
    assert "2850" not in raw[0] and "ground floor" not in raw[1]
    entry = AuditEntry.objects.get(record_type="matching.request", record_id=str(request.pk))
    assert entry.action == AuditEntry.Action.CREATE and entry.client_id == fatima.pk
    assert "monthly_income" in entry.fields and "2850" not in str(entry.fields)


def test_the_same_form_key_makes_one_request(mine: Actor, fatima: Client) -> None:
    key = uuid.uuid4()
    first = request_services.request_create(
        actor=mine, client=fatima, kind="goods", items={"blanket": 3}, submission=key
    )
    again = request_services.request_create(
        actor=mine, client=fatima, kind="goods", items={"blanket": 3}, submission=key
    )
    assert again == first and Request.objects.count() == 1


def test_she_waits_for_one_thing_of_each_kind_at_a_time(mine: Actor, fatima: Client) -> None:
    first = request_services.request_create(actor=mine, client=fatima, kind="goods", items={"blanket": 3})
    with pytest.raises(request_services.AlreadyOpen) as refused:
        request_services.request_create(actor=mine, client=fatima, kind="goods", items={"bed": 1})
    assert refused.value.request == first
    request_services.request_close(actor=mine, request=first, reason="Given by a neighbour.")
    assert request_services.request_create(actor=mine, client=fatima, kind="goods", items={"bed": 1}) != first


def test_each_wrong_fact_is_named_and_nothing_is_written(mine: Actor, fatima: Client, lakeside: Jurisdiction) -> None:
    elsewhere = Area.objects.create(
        jurisdiction=lakeside, code="far", name="Far", boundary=SQUARE, centre_latitude=0, centre_longitude=0
    )
    with pytest.raises(request_services.Invalid) as wrong:
        request_services.request_create(
            actor=mine,
            client=fatima,
            kind="housing",
            adults=0,
            children=[[20, "m"]],
            monthly_income="a lot",
            areas=[elsewhere.pk],
            languages=["arabic!"],
            colour="blue",
        )
    assert set(wrong.value.errors) == {"adults", "children", "monthly_income", "areas", "languages", "colour"}
    assert "18 and over count as adults" in wrong.value.errors["children"]
    with pytest.raises(request_services.Invalid) as goods:
        request_services.request_create(actor=mine, client=fatima, kind="goods", items={"unicorn": 1})
    assert "unknown item 'unicorn'" in goods.value.errors["items"]
    for kind, missing in (("goods", "items"), ("volunteer", "skills"), ("mentoring", "profession"), ("job", "sector")):
        with pytest.raises(request_services.Invalid) as empty:
            request_services.request_create(actor=mine, client=fatima, kind=kind)
        assert missing in empty.value.errors, kind
    assert not Request.objects.exists()
    assert not AuditEntry.objects.filter(record_type="matching.request").exists()


def test_a_goods_request_wants_the_sum_of_its_items(mine: Actor, fatima: Client) -> None:
    request = request_services.request_create(
        actor=mine, client=fatima, kind="goods", items={"blanket": 3, "winter_coat_child": 2, "chair": 0}
    )
    assert request.items == {"blanket": 3, "winter_coat_child": 2} and request.wanted == 5


def test_only_those_who_hold_her_record_make_a_request_for_her(
    riverton: Jurisdiction,
    mine: Actor,
    fatima: Client,
    agency_b: Agency,
    caseworker_a2: User,
    caseworker_b: User,
    manager_a: User,
    coordinator: User,
    analyst: User,
) -> None:
    case_services.consent_record(actor=mine, client=fatima, purpose="sharing", method="verbal", agency=agency_b)
    case_services.referral_create(actor=mine, client=fatima, to_agency=agency_b, shared=["name", "household", "needs"])
    with pytest.raises(request_services.NotAllowed):
        request_services.request_create(
            actor=actor_for(caseworker_b, riverton), client=fatima, kind="goods", items={"bed": 1}
        )
    for outsider in (caseworker_a2, analyst):
        with pytest.raises(cases_selectors.NotFound):
            request_services.request_create(
                actor=actor_for(outsider, riverton), client=fatima, kind="goods", items={"bed": 1}
            )
    assert not Request.objects.exists()
    by_manager = request_services.request_create(
        actor=actor_for(manager_a, riverton), client=fatima, kind="goods", items={"bed": 1}
    )
    by_coordinator = request_services.request_create(
        actor=actor_for(coordinator, riverton), client=fatima, kind="job", sector="care"
    )
    assert by_manager.agency_id == by_coordinator.agency_id == fatima.agency_id


def test_a_self_registration_not_yet_verified_has_no_request(riverton: Jurisdiction, coordinator: User) -> None:
    pending = case_services.self_register(jurisdiction=riverton, person=Person(given_name="Oleksandr"))
    with pytest.raises(request_services.Invalid) as refused:
        request_services.request_create(
            actor=actor_for(coordinator, riverton), client=pending, kind="goods", items={"bed": 1}
        )
    assert "client" in refused.value.errors


# --- from her needs assessment --------------------------------------------------------------------------


def test_a_request_from_her_assessment_counts_her_household_from_the_years_of_birth(
    mine: Actor, fatima: Client
) -> None:
    made = request_services.request_from_assessment(actor=mine, assessment=assessment(fatima), kind="housing")
    assert (made.adults, made.couple) == (1, False)
    assert made.children == [[10, "m"], [6, ""]]  # "boy" says the son's sex; the daughter's was not given
    assert made.languages == ["ar", "en"]
    assert made.waiting_since == timezone.localtime(assessment(fatima).assessed_at).date()
    assert made.assessment == assessment(fatima)
    again = request_services.request_from_assessment(actor=mine, assessment=assessment(fatima), kind="housing")
    assert again == made
    read = AuditEntry.objects.filter(record_type="cases.client", purpose__contains="household", action="read")
    assert read.count() == 2


def test_goods_from_her_assessment_come_sized_to_her_household(mine: Actor, fatima: Client) -> None:
    made = request_services.request_from_assessment(actor=mine, assessment=assessment(fatima), kind="goods")
    # housing: a bed, bedding and a chair each, one kitchen set and table; education: a school bag per child
    assert made.items == {
        "bed": 3,
        "bedding": 3,
        "kitchen_set": 1,
        "table": 1,
        "chair": 3,
        "school_bag": 2,
        "laptop": 1,
    }
    assert made.wanted == 14


def test_a_kind_her_needs_do_not_call_for_is_refused(mine: Actor, fatima: Client) -> None:
    with pytest.raises(request_services.Invalid) as refused:
        request_services.request_from_assessment(actor=mine, assessment=assessment(fatima), kind="job")
    assert "calls for no job request" in refused.value.errors["kind"]


def test_each_need_suggests_the_kinds_that_answer_it() -> None:
    assert request_selectors.suggested_kinds(["housing"]) == ["housing", "host_room", "goods", "volunteer"]
    assert request_selectors.suggested_kinds(["employment", "language"]) == ["job", "mentoring", "volunteer"]
    assert request_selectors.suggested_kinds(["documents", "nothing-known"]) == ["volunteer"]
    from welcoming.directory.needs import NEED_SLUGS

    assert set(request_selectors.NEED_KINDS) == set(NEED_SLUGS)


def test_a_childs_sex_is_read_only_from_clear_words() -> None:
    assert [request_selectors.sex_in_words(w) for w in ("Girl", "garçon", "жінка", "پسر", "non-binary", "")] == [
        "f",
        "m",
        "f",
        "m",
        "",
        "",
    ]


# --- changing and closing ----------------------------------------------------------------------------


@pytest.fixture
def blankets(mine: Actor, fatima: Client, riverton: Jurisdiction) -> Request:
    request = request_services.request_create(actor=mine, client=fatima, kind="goods", items={"blanket": 4})
    offerer = Offerer.objects.create(
        jurisdiction=riverton,
        name="Sam",
        email="sam@example.org",
        email_index=keyring().blind_index("sam@example.org", "email"),
        language="en",
        consent_at=timezone.now(),
    )
    lot = Offer.objects.create(
        jurisdiction=riverton,
        offerer=offerer,
        kind="goods",
        state="published",
        title="Blankets",
        text_language="en",
        item="blanket",
        capacity=6,
    )
    request.allocations.create(offer=lot, item="blanket", units=3)
    Request.objects.filter(pk=request.pk).update(allocated=3)
    request.refresh_from_db()
    return request


def test_an_update_changes_the_facts_but_never_below_what_was_given(mine: Actor, blankets: Request) -> None:
    updated = request_services.request_update(actor=mine, request=blankets, items={"blanket": 5, "bed": 1})
    assert updated.wanted == 6
    entry = AuditEntry.objects.filter(record_type="matching.request", action="update").get()
    assert entry.fields == ["items", "wanted"]
    with pytest.raises(request_services.Invalid) as refused:
        request_services.request_update(actor=mine, request=blankets, items={"blanket": 2})
    assert "3 are already given" in refused.value.errors["items"]
    blankets.refresh_from_db()
    assert blankets.items == {"blanket": 5, "bed": 1}


def test_closing_needs_a_reason_lets_its_proposals_lapse_and_happens_once(
    mine: Actor, blankets: Request, riverton: Jurisdiction
) -> None:
    run = MatchRun.objects.create(jurisdiction=riverton, kind="goods", state="done")
    waiting = Proposal.objects.create(
        run=run, request=blankets, offer=blankets.allocations.get().offer, item="blanket", score=40
    )
    with pytest.raises(request_services.Invalid):
        request_services.request_close(actor=mine, request=blankets, reason="  ")
    closed = request_services.request_close(actor=mine, request=blankets, reason="She moved to Lakeside.")
    assert closed.state == "closed" and closed.closed_at is not None
    assert closed.note.endswith("She moved to Lakeside.")
    waiting.refresh_from_db()
    assert waiting.state == Proposal.State.STALE
    assert request_services.request_close(actor=mine, request=closed, reason="Again.").note == closed.note
    with pytest.raises(request_services.Invalid):
        request_services.request_update(actor=mine, request=closed, items={"blanket": 9})


# --- the pages -----------------------------------------------------------------------------------------


def test_the_requests_page_shows_each_role_its_own_clients_longest_waiting_first(
    riverton: Jurisdiction,
    mine: Actor,
    fatima: Client,
    caseworker_a: User,
    caseworker_a2: User,
    manager_a: User,
    coordinator: User,
) -> None:
    other = case_services.client_register(
        actor=actor_for(caseworker_a2, riverton), person=Person(given_name="Omar"), consent_method="verbal"
    )
    old = request_services.request_create(
        actor=mine,
        client=fatima,
        kind="goods",
        items={"bed": 2},
        waiting_since=timezone.localdate() - dt.timedelta(days=90),
    )
    new = request_services.request_create(actor=mine, client=fatima, kind="mentoring", profession="Teacher")
    omars = request_services.request_create(
        actor=actor_for(caseworker_a2, riverton), client=other, kind="job", sector="care"
    )
    page = text(browser(caseworker_a).get(reverse("staff:requests")))
    assert page.index(str(old.pk)) < page.index(str(new.pk)) and str(omars.pk) not in page
    assert "90" in page
    assert str(omars.pk) in text(browser(caseworker_a2).get(reverse("staff:requests")))
    for everyone in (manager_a, coordinator):
        page = text(browser(everyone).get(reverse("staff:requests")))
        assert all(str(r.pk) in page for r in (old, new, omars))
    only_jobs = text(browser(coordinator).get(reverse("staff:requests") + "?kind=job"))
    assert str(omars.pk) in only_jobs and str(old.pk) not in only_jobs


def test_an_analyst_sees_how_many_wait_for_what_and_never_who(mine: Actor, fatima: Client, analyst: User) -> None:
    request = request_services.request_create(actor=mine, client=fatima, kind="goods", items={"bed": 2})
    response = browser(analyst).get(reverse("staff:requests"))
    assert response.status_code == 200
    page = text(response)
    assert "never a person" in page and str(request.pk) not in page and (fatima.code or "x") not in page
    assert browser(analyst).get(reverse("staff:request", args=[request.pk])).status_code == 404


def test_the_new_request_page_suggests_kinds_from_her_needs(fatima: Client, caseworker_a: User) -> None:
    page = text(browser(caseworker_a).get(reverse("staff:client-request-new", args=[fatima.pk])))
    found = assessment(fatima)
    assert f"?kind=housing&amp;assessment={found.pk}" in page
    assert f"?kind=goods&amp;assessment={found.pk}" in page
    assert "?kind=job" in page  # another kind, without the assessment


def test_the_form_comes_prefilled_and_a_double_send_makes_one_request(fatima: Client, caseworker_a: User) -> None:
    b = browser(caseworker_a)
    url = reverse("staff:client-request-new", args=[fatima.pk]) + f"?kind=housing&assessment={assessment(fatima).pk}"
    form = b.get(url)
    assert form.status_code == 200
    page = text(form)
    assert 'name="adults" value="1"' in page and 'name="child_0_age" value="10"' in page
    assert 'name="languages" value="ar, en"' in page
    data = {
        "form_key": uuid.uuid4().hex,
        "adults": "1",
        "child_0_age": "10",
        "child_0_sex": "m",
        "child_1_age": "6",
        "child_1_sex": "f",
        "monthly_income": "2400",
        "languages": "ar, en",
    }
    first = b.post(url, data)
    second = b.post(url, data)
    made = Request.objects.get()
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert first["Location"] == reverse("staff:request", args=[made.pk])
    assert made.children == [[10, "m"], [6, "f"]] and made.monthly_income == "2400.00"
    assert made.assessment == assessment(fatima)


def test_a_wrong_answer_stays_on_the_form_next_to_its_field(fatima: Client, caseworker_a: User) -> None:
    url = reverse("staff:client-request-new", args=[fatima.pk]) + "?kind=goods"
    response = browser(caseworker_a).post(url, {"form_key": uuid.uuid4().hex, "languages": "ar"})
    assert response.status_code == 400
    assert "Give a quantity of at least one item." in text(response)
    response = browser(caseworker_a).post(url, {"form_key": uuid.uuid4().hex, "item_blanket": "-2"})
    assert response.status_code == 400 and not Request.objects.exists()


def test_asking_again_for_what_she_already_waits_for_opens_the_waiting_request(
    mine: Actor, fatima: Client, caseworker_a: User
) -> None:
    waiting = request_services.request_create(actor=mine, client=fatima, kind="goods", items={"bed": 1})
    url = reverse("staff:client-request-new", args=[fatima.pk]) + "?kind=goods"
    response = browser(caseworker_a).post(url, {"form_key": uuid.uuid4().hex, "item_bed": "2"})
    assert response.status_code == 302 and response["Location"] == reverse("staff:request", args=[waiting.pk])


def test_a_request_page_shows_its_facts_and_the_proposals_with_their_reasons(
    mine: Actor, fatima: Client, caseworker_a: User, caseworker_b: User, riverton: Jurisdiction
) -> None:
    request = request_services.request_create(
        actor=mine, client=fatima, kind="goods", items={"winter_coat_child": 2}, note="Sizes 8 and 12."
    )
    offerer = Offerer.objects.create(
        jurisdiction=riverton,
        name="Sam",
        email="s@example.org",
        email_index="x",
        language="en",
        consent_at=timezone.now(),
    )
    lot = Offer.objects.create(
        jurisdiction=riverton,
        offerer=offerer,
        kind="goods",
        state="published",
        title="Warm coats",
        text_language="en",
        item="winter_coat_child",
        capacity=3,
    )
    run = MatchRun.objects.create(jurisdiction=riverton, kind="goods", state="done")
    Proposal.objects.create(
        run=run,
        request=request,
        offer=lot,
        item="winter_coat_child",
        units=2,
        score=71.5,
        explanation=[{"code": "criterion.waiting", "params": {"points": 12.5, "days": 40}}],
    )
    page = text(browser(caseworker_a).get(reverse("staff:request", args=[request.pk])))
    assert "Sizes 8 and 12." in page and "Warm coats" in page and "Winter coat (child)" in page
    assert "She has waited 40 days: 12.5 points." in page
    assert AuditEntry.objects.filter(record_type="matching.request", action="read", purpose="request page").exists()
    assert browser(caseworker_b).get(reverse("staff:request", args=[request.pk])).status_code == 404


def test_a_request_is_changed_and_closed_through_its_pages(mine: Actor, fatima: Client, caseworker_a: User) -> None:
    request = request_services.request_create(actor=mine, client=fatima, kind="mentoring", profession="Teacher")
    b = browser(caseworker_a)
    edit = reverse("staff:request-edit", args=[request.pk])
    assert 'value="Teacher"' in text(b.get(edit))
    assert b.post(edit, {"profession": "Primary school teacher", "languages": "ar"}).status_code == 302
    request.refresh_from_db()
    assert request.profession == "Primary school teacher" and request.languages == ["ar"]
    close = reverse("staff:request-close", args=[request.pk])
    assert b.post(close, {"reason": ""}).status_code == 400
    assert b.post(close, {"reason": "She found a mentor at her college."}).status_code == 302
    request.refresh_from_db()
    assert request.state == "closed"


def test_her_page_leads_to_her_requests(fatima: Client, caseworker_a: User) -> None:
    page = text(browser(caseworker_a).get(reverse("staff:client", args=[fatima.pk])))
    assert reverse("staff:client-request-new", args=[fatima.pk]) in page
    assert f"{reverse('staff:requests')}?client={fatima.pk}" in page


def test_the_list_reads_in_a_fixed_number_of_queries(mine: Actor, fatima: Client, caseworker_a: User) -> None:
    b = browser(caseworker_a)
    request_services.request_create(actor=mine, client=fatima, kind="goods", items={"bed": 1})
    b.get(reverse("staff:requests"))  # the session's first save is not the list's
    with CaptureQueriesContext(connection) as one:
        assert b.get(reverse("staff:requests")).status_code == 200
    for kind, facts in (("job", {"sector": "care"}), ("mentoring", {"profession": "Nurse"})):
        request_services.request_create(actor=mine, client=fatima, kind=kind, **facts)
    with CaptureQueriesContext(connection) as three:
        page = text(b.get(reverse("staff:requests")))
    assert page.count(fatima.code or "?") == 3
    assert len(three.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize(
    ("kind", "asks"),
    [
        ("housing", 'name="monthly_income"'),
        ("host_room", 'name="child_7_sex"'),
        ("goods", 'name="item_winter_coat_child"'),
        ("volunteer", 'name="skills"'),
        ("mentoring", 'name="profession"'),
        ("job", 'name="sector"'),
    ],
)
def test_each_kind_has_its_own_form(kind: str, asks: str, fatima: Client, caseworker_a: User) -> None:
    response = browser(caseworker_a).get(reverse("staff:client-request-new", args=[fatima.pk]) + f"?kind={kind}")
    assert response.status_code == 200 and asks in text(response)


def test_a_housing_request_page_says_who_the_household_is(mine: Actor, fatima: Client, caseworker_a: User) -> None:
    request = request_services.request_create(
        actor=mine,
        client=fatima,
        kind="housing",
        adults=2,
        couple=True,
        children=[[10, "m"], [6, "f"], [2, ""]],
        monthly_income="3100",
        step_free=True,
    )
    page = text(browser(caseworker_a).get(reverse("staff:request", args=[request.pk])))
    for words in ("a boy of 10", "a girl of 6", "a child of 2", "a couple among them", "3100.00", "Needed"):
        assert words in page, words


def test_without_an_assessment_every_kind_can_still_be_chosen(mine: Actor, caseworker_a: User) -> None:
    client = case_services.client_register(actor=mine, person=Person(given_name="Amal"), consent_method="verbal")
    page = text(browser(caseworker_a).get(reverse("staff:client-request-new", args=[client.pk])))
    assert "no needs assessment yet" in page
    assert all(f"?kind={kind}" in page for kind in Request.Kind.values)
