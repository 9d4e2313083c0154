"""Each kind's form asks only its own questions, and a wrong answer is refused with a message that
says which answer and how to put it right, in her language, keeping everything she wrote."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client as Browser

from welcoming.community import kinds, services
from welcoming.community.models import Offer
from welcoming.community.tests.helpers import answers, in_language, send
from welcoming.community.views import OFFERS_PER_ADDRESS_PER_HOUR
from welcoming.places.models import Area, Jurisdiction

pytestmark = pytest.mark.django_db

SOON = dt.date.today() + dt.timedelta(days=20)


def errors_of(page: str) -> dict[str, str]:
    """Each field in error and its message, as the summary at the top links them."""
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return dict(re.findall(r'<li><a href="#id_(\w+?)(?:_0)?">([^<]+)</a></li>', summary))


@pytest.mark.parametrize("kind", list(kinds.KIND_SLUGS))
def test_each_kind_asks_only_its_own_questions_and_takes_a_complete_answer(
    kind: str, riverton: Jurisdiction, areas: dict[str, Area], anonymous: Browser
) -> None:
    page = anonymous.get(f"/en/offer/{kind}/").content.decode()
    form = page.split('<form class="register offer"', 1)[1].split("</form>", 1)[0]
    asked = set(re.findall(r'name="(\w+)"', form)) - {"csrfmiddlewaretoken", "key"}
    expected = set(kinds.KIND_FIELDS[kinds.KIND_SLUGS[kind]]) | {"name", "email", "phone", "organisation", "consent"}
    assert asked == expected
    area = None if kind == "mentoring" else areas["northfield"]
    response = send(anonymous, "en", kind, answers(kind, area))
    assert response.status_code == 302, errors_of(response.content.decode())
    assert Offer.objects.get().kind == kinds.KIND_SLUGS[kind]


# a number out of its range: the message with its range appended ("...|0|12"), as its translation has placeholders
RANGE_MSGID = "Write a number between %(low)d and %(high)d."
BAD = [
    ("housing", {"bedrooms": "two"}, "bedrooms", f"{RANGE_MSGID}|0|12"),
    ("housing", {"rent_monthly": ""}, "rent_monthly", "Write the rent per month. Write 0 if you ask no rent."),
    ("housing", {"rent_monthly": "cheap"}, "rent_monthly", "Write the rent per month as a number, for example 950."),
    ("housing", {"address": ""}, "address", "Write the address of the home: street, number and postal code."),
    ("housing", {"area": ""}, "area", "Choose the neighbourhood."),
    (
        "housing",
        {"available_from": str(SOON + dt.timedelta(days=30)), "available_until": str(SOON)},
        "available_until",
        "The end must come after the start (%(start)s).",
    ),
    ("housing", {"available_from": "2090-01-01"}, "available_from", "Write a date within the next two years."),
    (
        "housing",
        {"available_until": "2001-01-01"},
        "available_until",
        "This date has passed. Write a date in the future, or leave it empty.",
    ),
    (
        "housing",
        {"available_from": "someday"},
        "available_from",
        "Write the date as year-month-day, for example 2026-05-01.",
    ),
    ("room", {"beds": "0"}, "beds", f"{RANGE_MSGID}|1|20"),
    ("room", {"languages": []}, "languages", "Tick at least one language you speak."),
    ("room", {"duration_weeks": ""}, "duration_weeks", "Write for how many weeks you can host."),
    ("goods", {"item": "piano"}, "item", "Choose what you are giving."),
    ("goods", {"capacity": "0"}, "capacity", f"{RANGE_MSGID}|1|500"),
    ("goods", {"condition": ""}, "condition", "Choose the condition."),
    ("goods", {"area": ""}, "area", "Choose the neighbourhood where it can be picked up."),
    ("time", {"skills": []}, "skills", "Tick at least one thing you can help with."),
    ("time", {"hours_per_week": "100"}, "hours_per_week", f"{RANGE_MSGID}|1|60"),
    ("mentoring", {"profession": ""}, "profession", "Write your profession."),
    ("mentoring", {"capacity": "50"}, "capacity", f"{RANGE_MSGID}|1|10"),
    ("work", {"paid": "no"}, "paid", "A job or short-term work must be paid. Only an internship may be unpaid."),
    ("work", {"job_type": "internship"}, "paid", "Say whether the internship is paid."),
    ("work", {"sector": ""}, "sector", "Choose the sector."),
    ("work", {"profession": ""}, "profession", "Write what the work is, for example: kitchen assistant."),
    ("goods", {"email": "maria at example"}, "email", "Write your e-mail address, for example maria@example.org."),
    ("goods", {"name": " "}, "name", "Write your name."),
    (
        "goods",
        {"phone": "call me"},
        "phone",
        "Write your phone number with its digits only, for example +1 613 555 0101, or leave it empty.",
    ),
    ("goods", {"consent": ""}, "consent", "Tick the box to agree, or we cannot take your offer."),
]


@pytest.mark.parametrize(("kind", "wrong", "field", "message"), BAD, ids=[f"{b[0]}-{b[2]}" for b in BAD])
def test_a_wrong_answer_is_refused_with_a_message_that_says_where_and_keeps_her_answers(
    kind: str, wrong: dict[str, Any], field: str, message: str, riverton: Jurisdiction, areas: dict[str, Area]
) -> None:
    her = Browser()
    area = None if kind == "mentoring" else areas["northfield"]
    data = answers(kind, area, **wrong)
    response = send(her, "uk", kind, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="uk" dir="ltr">' in page
    params: dict[str, Any] = {"start": str(SOON + dt.timedelta(days=30))} if "%(start)s" in message else {}
    if message.startswith(RANGE_MSGID):
        message, low, high = message.split("|")
        params.update(low=int(low), high=int(high))
    assert errors_of(page) == {field: in_language("uk", message, **params).replace("'", "&#x27;")}
    # the answer in error is marked, for screen readers too
    marked = re.search(rf'<(input|select|textarea)[^>]*name="{field}"[^>]*aria-invalid="true"', page)
    assert marked or f'<fieldset class="field invalid" id="id_{field}"' in page
    if field != "name":
        assert 'value="Maria Lopez"' in page  # nothing she wrote is lost
    assert Offer.objects.count() == 0


def test_numbers_and_dates_typed_in_persian_or_arabic_digits_are_read(
    riverton: Jurisdiction, areas: dict[str, Area]
) -> None:
    her = Browser()
    data = answers(
        "housing",
        areas["northfield"],
        bedrooms="۳",
        rent_monthly="١٢٠٠٫٥٠",
        floor="۲",
        available_from=str(SOON).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
        phone="+۱ ۶۱۳ ۵۵۵ ۰۱۹۹",
    )
    assert send(her, "fa", "housing", data).status_code == 302
    offer = Offer.objects.get()
    assert (offer.bedrooms, str(offer.rent_monthly), offer.floor) == (3, "1200.50", 2)
    assert offer.available_from == SOON
    assert offer.offerer.phone == "+1 613 555 0199"


def test_only_an_internship_may_be_unpaid(riverton: Jurisdiction, areas: dict[str, Area]) -> None:
    her = Browser()
    data = answers("work", areas["northfield"], job_type="internship", paid="no")
    assert send(her, "en", "work", data).status_code == 302
    assert Offer.objects.get().paid is False
    job = answers("work", areas["northfield"], profession="Cook")
    assert send(her, "en", "work", job).status_code == 302
    assert Offer.objects.get(profession="Cook").paid is True  # a job is paid, asked or not


def test_an_unknown_kind_is_not_found(riverton: Jurisdiction, anonymous: Browser) -> None:
    assert anonymous.get("/en/offer/piano/").status_code == 404


def test_the_form_never_asks_about_immigration_status(riverton: Jurisdiction, anonymous: Browser) -> None:
    for kind in kinds.KIND_SLUGS:
        page = anonymous.get(f"/en/offer/{kind}/").content.decode().lower()
        assert "we never ask about anyone's immigration status" in page
        form = page.split('<form class="register offer"', 1)[1].split("</form>", 1)[0]
        for word in ("status", "passport", "nationality", "citizenship", "visa", "country of origin"):
            assert word not in form, (kind, word)


def test_offers_from_one_connection_are_paused_after_too_many_in_an_hour(
    riverton: Jurisdiction, areas: dict[str, Area]
) -> None:
    her = Browser()
    for count in range(OFFERS_PER_ADDRESS_PER_HOUR):
        data = answers("goods", areas["northfield"], capacity=str(count + 1), email=f"p{count}@example.org")
        assert send(her, "en", "goods", data).status_code == 302
    refused = send(her, "en", "goods", answers("goods", areas["northfield"], capacity="99"))
    assert refused.status_code == 429
    assert in_language("en", "Please try again later") in refused.content.decode()
    assert Offer.objects.count() == OFFERS_PER_ADDRESS_PER_HOUR
    # the address itself is kept nowhere: only a keyed hash, in the cache
    assert not Offer.objects.filter(description__contains="127.0.0.1").exists()


def test_one_email_address_cannot_be_flooded_with_unconfirmed_offers(
    riverton: Jurisdiction, areas: dict[str, Area]
) -> None:
    contact = services.Contact(name="Someone", email="victim@example.org")
    facts = {"item": "blanket", "capacity": 1, "condition": "good", "area": areas["northfield"]}
    for _count in range(services.UNVERIFIED_PER_EMAIL_PER_DAY):
        services.offer_submit(jurisdiction=riverton, kind="goods", facts=facts, contact=contact, language="en")
    with pytest.raises(services.Invalid) as refused:
        services.offer_submit(jurisdiction=riverton, kind="goods", facts=facts, contact=contact, language="en")
    assert set(refused.value.errors) == {"email"}


def test_the_service_refuses_what_the_form_would_and_answers_of_another_kind(
    riverton: Jurisdiction, lakeside: Jurisdiction, areas: dict[str, Area]
) -> None:
    contact = services.Contact(name="Maria", email="maria@example.org")
    with pytest.raises(services.Invalid) as wrong:
        services.offer_submit(
            jurisdiction=riverton,
            kind="goods",
            facts={"item": "blanket", "capacity": 0, "condition": "good", "area": areas["northfield"], "bedrooms": 2},
            contact=contact,
            language="en",
        )
    assert set(wrong.value.errors) == {"capacity", "kind"}
    Area.objects.filter(pk=areas["old-harbour"].pk).update(jurisdiction=lakeside)
    with pytest.raises(services.Invalid) as elsewhere:
        services.offer_submit(
            jurisdiction=riverton,
            kind="goods",
            facts={"item": "blanket", "capacity": 1, "condition": "good", "area": Area.objects.get(code="old-harbour")},
            contact=contact,
            language="en",
        )
    assert set(elsewhere.value.errors) == {"area"}
    assert Offer.objects.count() == 0


def test_a_city_without_neighbourhoods_does_not_ask_for_one(lakeside: Jurisdiction, riverton: Jurisdiction) -> None:
    her = Browser()
    page = her.get("/en/offer/goods/?jurisdiction=lakeside").content.decode()
    assert 'name="area"' not in page
    data = {k: v for k, v in answers("goods").items() if k != "area"}
    key = re.search(r'name="key" value="([^"]+)"', page)
    assert key
    response = her.post("/en/offer/goods/?jurisdiction=lakeside", {**data, "key": key[1]})
    assert response.status_code == 302
    assert Offer.objects.get().area is None
