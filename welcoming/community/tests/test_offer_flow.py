"""A resident offers help on the public form, confirms her e-mail address, the city's coordinator
publishes the offer, and she changes and withdraws it through her private link: the whole way, in
her language, through the pages she and the coordinator use."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client as Browser

from welcoming.accounts.models import AuditEntry, User
from welcoming.community.models import Offer, Offerer
from welcoming.community.tests.helpers import answers, in_language, key_of, links_in, send
from welcoming.lib.addresses import building_index
from welcoming.places.models import Area, Jurisdiction
from welcoming.tests.staff import signed_in

pytestmark = pytest.mark.django_db


SENT_AGAIN = (
    "If offers were made with this e-mail address, we have sent it new private links. Look in your inbox, "
    "and in your spam or junk folder."
)
PUBLISHED_CHANGE_NOTE = (
    "Your offer is published. If you change what it offers, it goes back to the city's coordinators for review, "
    "and it is not matched until they publish it again. Changing only your name, phone or organisation does not."
)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_she_offers_a_flat_confirms_it_and_changes_and_withdraws_it_after_the_city_published_it(
    language: str,
    riverton: Jurisdiction,
    areas: dict[str, Area],
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    her = Browser(enforce_csrf_checks=True)
    start = her.get(f"/{language}/offer/").content.decode()
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in start
    assert f'href="/{language}/offer/housing/"' in start

    form = her.get(f"/{language}/offer/housing/").content.decode()
    assert in_language(language, "What you offer") in form
    assert 'name="address"' in form and 'name="item"' not in form  # only this kind's questions
    token = her.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        sent = her.post(
            f"/{language}/offer/housing/",
            {**answers("housing", areas["northfield"]), "key": key_of(form), "csrfmiddlewaretoken": token},
        )
    assert sent.status_code == 302 and sent["Location"] == f"/{language}/offer/sent/"
    assert in_language(language, "Thank you! Now check your e-mail") in her.get(sent["Location"]).content.decode()

    offer = Offer.objects.get()
    assert offer.state == Offer.State.UNVERIFIED and offer.kind == Offer.Kind.HOUSING
    assert (offer.bedrooms, offer.rent_monthly, offer.lift, offer.pets_allowed) == (2, 950, False, True)
    assert offer.offerer.language == language and offer.offerer.consent_at is not None
    # the address is encrypted at rest, and its building found by a blind index
    assert offer.address == "Apt 4, 12 Harbour Street"
    assert offer.building_index == building_index("12 harbour st")
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM community_offer")
        assert "Harbour" not in cursor.fetchone()[0]
    assert len(offer.verify_token_hash) == len(offer.manage_token_hash) == 64

    # one e-mail, to her, in her language, with her two links
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@example.org"]
    city = "ريفرتون" if language == "ar" else "Riverton"
    assert city in message.subject
    assert "Maria Lopez" in message.body
    links = links_in(message)
    assert links["verify"].startswith(f"/{language}/offer/verify/")
    assert links["manage"].startswith(f"/{language}/offer/manage/")
    for link in links.values():  # only the hashes of the tokens are kept
        secret = link.rstrip("/").rsplit("/", 1)[1]
        assert secret not in (offer.verify_token_hash, offer.manage_token_hash)

    confirmed = her.get(links["verify"])
    assert confirmed.status_code == 200
    assert in_language(language, "What happens next") in confirmed.content.decode()
    assert "no-store" in confirmed["Cache-Control"] and confirmed["Referrer-Policy"] == "no-referrer"
    offer.refresh_from_db()
    assert offer.state == Offer.State.PENDING and offer.verified_at is not None

    coordinator_browser = signed_in(coordinator)
    queue = coordinator_browser.get("/staff/offers/").content.decode()
    assert f"/staff/offers/{offer.pk}/" in queue
    with django_capture_on_commit_callbacks(execute=True):
        published = coordinator_browser.post(f"/staff/offers/{offer.pk}/publish/")
    assert published.status_code == 302
    offer.refresh_from_db()
    assert offer.state == Offer.State.PUBLISHED and offer.moderated_by == coordinator
    assert city in mail.outbox[1].body and mail.outbox[1].to == ["maria@example.org"]

    page = her.get(links["manage"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert in_language(language, "Published") in page.content.decode()
    assert "Apt 4, 12 Harbour Street" in page.content.decode()  # her own address, on her private page

    change_form = her.get(links["manage"] + "change/").content.decode()
    assert 'value="Apt 4, 12 Harbour Street"' in change_form
    assert 'name="email"' not in change_form  # her address is how she is reached: not changed here
    assert in_language(language, PUBLISHED_CHANGE_NOTE) in change_form
    changed = her.post(
        links["manage"] + "change/",
        {
            **answers("housing", areas["northfield"], rent_monthly="900"),
            "csrfmiddlewaretoken": token,
        },
    )
    assert changed.status_code == 302 and changed["Location"].endswith("?done=review")
    offer.refresh_from_db()
    assert offer.rent_monthly == 900 and offer.state == Offer.State.PENDING
    after = html.unescape(her.get(changed["Location"]).content.decode())
    assert in_language(language, "Waiting for review") in after
    assert (
        in_language(
            language,
            "Your changes are saved. Because your offer was published, it goes back to the city's coordinators "
            "for review, and it is not matched until they publish it again.",
        )
        in after
    )

    confirm = her.get(links["manage"] + "withdraw/")
    assert confirm.status_code == 200 and Offer.objects.get().state == Offer.State.PENDING  # a GET changes nothing
    refused = her.post(links["manage"] + "withdraw/", {"csrfmiddlewaretoken": token})
    assert refused.status_code == 400 and Offer.objects.get().state == Offer.State.PENDING
    withdrawn = her.post(links["manage"] + "withdraw/", {"confirm": "on", "csrfmiddlewaretoken": token})
    assert withdrawn.status_code == 302
    offer.refresh_from_db()
    assert offer.state == Offer.State.WITHDRAWN and offer.withdrawn_at is not None
    assert in_language(language, "Your offer is withdrawn. It is no longer matched.") in html.unescape(
        her.get(withdrawn["Location"]).content.decode()
    )

    # what she did herself is in the audit log, as done through the portal
    purposes = list(
        AuditEntry.objects.filter(record_type="community.offer", via="portal").values_list("purpose", flat=True)
    )
    assert sorted(purposes) == sorted(
        ["offer submitted", "e-mail address confirmed", "changed by the offerer", "withdrawn by the offerer"]
    )


def test_the_same_page_sent_twice_makes_one_offer_and_one_email(
    riverton: Jurisdiction, areas: dict[str, Area], django_capture_on_commit_callbacks: Any
) -> None:
    her = Browser()
    key = key_of(her.get("/en/offer/goods/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        first = send(her, "en", "goods", answers("goods", areas["northfield"]), key=key)
        again = send(her, "en", "goods", answers("goods", areas["northfield"]), key=key)
    assert first.status_code == again.status_code == 302
    assert Offer.objects.count() == 1 and Offerer.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_page_kept_open_and_sent_again_with_other_answers_is_a_second_offer(
    riverton: Jurisdiction, areas: dict[str, Area]
) -> None:
    her = Browser()
    key = key_of(her.get("/en/offer/goods/").content.decode())
    send(her, "en", "goods", answers("goods", areas["northfield"]), key=key)
    send(her, "en", "goods", answers("goods", areas["northfield"], item="blanket", capacity="10"), key=key)
    assert sorted(Offer.objects.values_list("item", flat=True)) == ["blanket", "winter_coat_child"]
    # the same person, with the same details: one offerer behind both
    assert Offerer.objects.count() == 1


def test_a_wrong_or_expired_link_is_a_plain_not_found_page_in_her_language(
    riverton: Jurisdiction, areas: dict[str, Area], django_capture_on_commit_callbacks: Any
) -> None:
    her = Browser()
    with django_capture_on_commit_callbacks(execute=True):
        send(her, "ar", "goods", answers("goods", areas["northfield"]))
    links = links_in(mail.outbox[0])
    for path in (
        "/ar/offer/verify/not-a-token/",
        "/ar/offer/manage/not-a-token/",
        "/ar/offer/manage/not-a-token/change/",
        "/ar/offer/manage/not-a-token/withdraw/",
        "/ar/offer/manage/not-a-token/erase/",
        links["verify"].replace("/verify/", "/manage/"),  # one link does not open the other's page
    ):
        response = her.get(path)
        assert response.status_code == 404, path
        page = response.content.decode()
        assert '<html lang="ar" dir="rtl">' in page
        assert in_language("ar", "This link does not work") in page

    Offer.objects.update(created_at=Offer.objects.get().created_at.replace(year=2020))
    assert her.get(links["verify"]).status_code == 404  # the confirmation link has expired
    assert Offer.objects.get().state == Offer.State.UNVERIFIED
    assert her.get(links["manage"]).status_code == 200  # her private link still works


def test_her_links_open_nothing_in_another_city(
    riverton: Jurisdiction, lakeside: Jurisdiction, areas: dict[str, Area], django_capture_on_commit_callbacks: Any
) -> None:
    her = Browser()
    with django_capture_on_commit_callbacks(execute=True):
        send(her, "en", "goods", answers("goods", areas["northfield"]))
    links = links_in(mail.outbox[0])
    assert her.get(links["manage"] + "?jurisdiction=lakeside").status_code == 404
    assert her.get(links["verify"] + "?jurisdiction=lakeside").status_code == 404
    assert Offer.objects.get().state == Offer.State.UNVERIFIED


def test_an_offer_made_in_another_city_carries_its_city_in_her_links(
    lakeside: Jurisdiction, riverton: Jurisdiction, django_capture_on_commit_callbacks: Any
) -> None:
    her = Browser()
    page = her.get("/en/offer/mentoring/?jurisdiction=lakeside").content.decode()
    assert 'action="/en/offer/mentoring/?jurisdiction=lakeside"' in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = her.post("/en/offer/mentoring/?jurisdiction=lakeside", {**answers("mentoring"), "key": key_of(page)})
    assert sent.status_code == 302 and sent["Location"] == "/en/offer/sent/?jurisdiction=lakeside"
    assert Offer.objects.get().jurisdiction == lakeside
    verify_link = re.search(r"(/en/offer/verify/[\w-]+/\?jurisdiction=lakeside)", str(mail.outbox[0].body))
    assert verify_link, mail.outbox[0].body
    assert her.get(verify_link[1]).status_code == 200
    assert Offer.objects.get().state == Offer.State.PENDING


def test_a_rejected_offer_tells_her_why_and_she_can_change_it_and_send_it_again(
    riverton: Jurisdiction, areas: dict[str, Area], coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    her = Browser()
    with django_capture_on_commit_callbacks(execute=True):
        send(her, "es", "work", answers("work", areas["northfield"]))
    links = links_in(mail.outbox[0])
    her.get(links["verify"])
    offer = Offer.objects.get()
    staff = signed_in(coordinator)
    missing = staff.post(f"/staff/offers/{offer.pk}/reject/", {"reason": "  "})
    assert missing.status_code == 400 and Offer.objects.get().state == Offer.State.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/staff/offers/{offer.pk}/reject/", {"reason": "Por favor, indique el salario por hora."})
    offer.refresh_from_db()
    assert offer.state == Offer.State.REJECTED
    assert "Por favor, indique el salario por hora." in mail.outbox[1].body
    assert mail.outbox[1].to == ["maria@example.org"]
    page = her.get(links["manage"]).content.decode()
    assert "Por favor, indique el salario por hora." in page
    her.post(links["manage"] + "change/", answers("work", areas["northfield"], description="12 € por hora."))
    offer.refresh_from_db()
    assert offer.state == Offer.State.PENDING and offer.description == "12 € por hora."


def test_she_asks_for_her_private_links_again_and_only_the_new_ones_open_her_offers(
    riverton: Jurisdiction, areas: dict[str, Area], django_capture_on_commit_callbacks: Any
) -> None:
    her = Browser()
    with django_capture_on_commit_callbacks(execute=True):
        send(her, "es", "goods", answers("goods", areas["northfield"]))
        send(her, "es", "time", answers("time", areas["northfield"]))
    old = links_in(mail.outbox[0])["manage"]
    mail.outbox.clear()

    page = her.get("/es/offer/manage/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    wrong = her.post("/es/offer/manage/", {"email": "maria at example"})
    assert wrong.status_code == 400
    assert in_language("es", "Write your e-mail address, for example maria@example.org.") in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = her.post("/es/offer/manage/", {"email": " MARIA@example.org "})
    assert answer.status_code == 200
    assert html.escape(in_language("es", SENT_AGAIN)) in answer.content.decode()

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria@example.org"]
    body = str(mail.outbox[0].body)
    links = re.findall(r"https?://[^/\s]+(/es/offer/manage/[\w-]+/)", body)
    assert len(links) == 2  # one for each of her offers
    assert all(her.get(link).status_code == 200 for link in links)
    assert her.get(old).status_code == 404  # the old link no longer opens anything
    assert "maria@example.org" not in answer.content.decode()  # the address goes by e-mail only


def test_an_address_that_made_no_offer_gets_the_same_answer_and_no_email(
    riverton: Jurisdiction, areas: dict[str, Area], django_capture_on_commit_callbacks: Any
) -> None:
    her = Browser()
    send(her, "en", "goods", answers("goods", areas["northfield"]))
    with django_capture_on_commit_callbacks(execute=True):
        answer = her.post("/en/offer/manage/", {"email": "someone.else@example.org"})
    assert answer.status_code == 200 and SENT_AGAIN in html.unescape(answer.content.decode())
    assert mail.outbox == []
    assert Offer.objects.get().manage_token_hash  # her own link is untouched
