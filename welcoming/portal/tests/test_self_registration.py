"""She registers herself on the portal: a few answers, her consent on a screen of its own and in her
language, then a reference code to show at the counter."""

from __future__ import annotations

import html as htmllib
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import segno
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client as Browser
from django.utils import timezone, translation

from welcoming.accounts.actors import actor_for
from welcoming.accounts.models import AuditEntry, User
from welcoming.cases import services
from welcoming.cases.models import Client, Consent
from welcoming.places.models import Jurisdiction
from welcoming.portal import views
from welcoming.portal.forms import RegisterForm

pytestmark = pytest.mark.django_db

HER_ANSWERS = {
    "given_name": "فاطمة",
    "family_name": "الزهراء حسن",
    "birth_year": "١٩٩١",  # Arabic-Indic digits, as her keyboard types them
    "birth_year_approximate": "on",
    "languages": ["ar", "fr"],
    "interpreter_needed": "on",
    "phone": "+1 613 555 ٠١٩٩",
}


@pytest.fixture(autouse=True)
def no_earlier_registrations_counted() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def arabic(message: str) -> str:
    """The message as an Arabic reader sees it in the page (HTML-escaped, as templates write it)."""
    with translation.override("ar"):
        return htmllib.escape(translation.gettext(message), quote=True)


def key_of(page: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', page)
    assert found, "the form carries no one-time key"
    return found[1]


def hidden_fields(page: str) -> dict[str, Any]:
    """What the consent screen sends back: her answers, carried in the page, not stored."""
    carried: dict[str, Any] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page):
        value = htmllib.unescape(value)
        if name == "languages":
            carried.setdefault(name, []).append(value)
        else:
            carried[name] = value
    return carried


def open_form(browser: Browser, language: str = "ar") -> str:
    response = browser.get(f"/{language}/register/")
    assert response.status_code == 200
    return response.content.decode()


def consent_screen(browser: Browser, answers: dict[str, Any], language: str = "ar") -> str:
    key = key_of(open_form(browser, language))
    response = browser.post(f"/{language}/register/", {**answers, "key": key, "step": "details"})
    assert response.status_code == 200
    return response.content.decode()


def test_she_registers_in_arabic_from_her_answers_through_her_consent_to_a_reference_with_a_qr_code(
    riverton: Jurisdiction,
) -> None:
    browser = Browser(enforce_csrf_checks=True)
    form = open_form(browser)
    assert '<html lang="ar" dir="rtl">' in form
    assert arabic("Register with the city") in form

    token = browser.cookies["csrftoken"].value
    answers = {**HER_ANSWERS, "key": key_of(form), "step": "details", "csrfmiddlewaretoken": token}
    consent = browser.post("/ar/register/", answers).content.decode()
    assert arabic("Before we keep your details") in consent
    for heading in ("What we keep", "Who sees it", "For how long", "How to have it erased"):
        assert arabic(heading) in consent
    assert arabic("Nobody here will ask about your immigration status, your papers or your nationality.") in consent
    assert "<bdi>فاطمة</bdi>" in consent  # her answers, read back to her
    assert Client.objects.count() == 0  # nothing is kept before she consents

    sent = {**hidden_fields(consent), "csrfmiddlewaretoken": token}
    sent.update({"step": "consent", "registration": "on", "statistics": "on"})
    response = browser.post("/ar/register/", sent)
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/register/done/")

    client = Client.objects.get()
    assert client.state == Client.State.PENDING and client.reference
    assert (client.given_name, client.family_name) == ("فاطمة", "الزهراء حسن")
    assert (client.birth_year, client.birth_year_approximate) == (1991, True)
    assert client.languages == ["ar", "fr"]
    assert client.interpreter_needed is True
    assert client.phone == "+1 613 555 0199"
    assert client.code is None and client.agency_id is None
    consents = {(c.purpose, c.method) for c in client.consents.all()}
    assert consents == {
        (Consent.Purpose.REGISTRATION, Consent.Method.ONLINE),
        (Consent.Purpose.STATISTICS, Consent.Method.ONLINE),
    }
    assert AuditEntry.objects.filter(client_id=client.pk, action="create", via="portal").exists()

    done = browser.get(response["Location"])
    assert done.status_code == 200
    page = done.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<p class="reference" translate="no"><bdi dir="ltr">{client.reference}</bdi></p>' in page
    # the QR code holds her reference and nothing else: not a link, not her name
    assert segno.make_qr(client.reference, error="m").svg_inline(scale=6, title=client.reference) in page
    assert "فاطمة" not in page
    assert "no-store" in done["Cache-Control"]


def test_the_same_page_sent_twice_makes_one_record(riverton: Jurisdiction, anonymous: Browser) -> None:
    consent = consent_screen(anonymous, HER_ANSWERS)
    final = {**hidden_fields(consent), "step": "consent", "registration": "on"}
    first = anonymous.post("/ar/register/", final)
    again = anonymous.post("/ar/register/", final)
    assert first.status_code == again.status_code == 302
    client = Client.objects.get()
    assert client.consents.count() == 1 and client.reference
    for response in (first, again):
        assert client.reference in anonymous.get(response["Location"]).content.decode()


def test_a_form_kept_on_a_shared_phone_and_filled_in_by_someone_else_is_a_new_record(
    riverton: Jurisdiction, anonymous: Browser
) -> None:
    consent = consent_screen(anonymous, HER_ANSWERS)
    final = {**hidden_fields(consent), "step": "consent", "registration": "on"}
    anonymous.post("/ar/register/", final)
    anonymous.post("/ar/register/", {**final, "given_name": "Олена", "family_name": "Коваленко"})
    assert Client.objects.count() == 2


def test_the_same_page_sent_again_after_her_record_was_erased_asks_her_to_send_it_anew(
    riverton: Jurisdiction, anonymous: Browser, coordinator: User
) -> None:
    consent = consent_screen(anonymous, HER_ANSWERS)
    final = {**hidden_fields(consent), "step": "consent", "registration": "on"}
    anonymous.post("/ar/register/", final)
    services.client_erase(actor=actor_for(coordinator, riverton), client=Client.objects.get())
    response = anonymous.post("/ar/register/", final)
    assert response.status_code == 200
    page = response.content.decode()
    assert arabic("This form was already used. Please check your answers and send them again.") in page
    assert key_of(page) != final["key"] and 'value="فاطمة"' in page
    assert Client.objects.filter(state=Client.State.PENDING).count() == 0


def test_without_her_consent_nothing_is_stored_and_she_is_told_why_in_arabic(
    riverton: Jurisdiction, anonymous: Browser
) -> None:
    consent = consent_screen(anonymous, HER_ANSWERS)
    response = anonymous.post("/ar/register/", {**hidden_fields(consent), "step": "consent", "statistics": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    message = arabic("Tick the box to agree, or we cannot register you. You can also register at the counter instead.")
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert f'<a href="#id_registration">{message}</a>' in summary
    assert re.search(r'<ul class="errorlist" id="id_registration_error"><li>' + re.escape(message), page)
    assert re.search(r'<input type="checkbox" name="registration"[^>]*aria-invalid="true"', page)
    assert Client.objects.count() == 0 and Consent.objects.count() == 0


def test_a_wrong_answer_is_named_next_to_its_field_in_her_language(riverton: Jurisdiction, anonymous: Browser) -> None:
    key = key_of(open_form(anonymous))
    wrong = {**HER_ANSWERS, "given_name": " ", "birth_year": "91", "phone": "12", "key": key, "step": "details"}
    page = anonymous.post("/ar/register/", wrong).content.decode()
    this_year = timezone.localdate().year
    assert arabic("Write your given name.") in page
    assert (
        arabic("Write a year between %(first)d and %(last)d.") % {"first": this_year - 120, "last": this_year} in page
    )
    assert (
        arabic("Write your phone number with its digits only, for example +1 613 555 0101, or leave it empty.") in page
    )
    assert 'aria-describedby="id_given_name_error"' in page
    assert re.search(r'name="birth_year"[^>]*aria-invalid="true"', page)
    assert re.search(r'name="phone"[^>]*aria-invalid="true"', page)
    assert re.search(r'name="family_name"(?![^>]*aria-invalid)[^>]*>', page)  # the right answer is not flagged
    assert 'value="الزهراء حسن"' in page  # what she wrote well stays
    assert arabic("Before we keep your details") not in page
    assert Client.objects.count() == 0


def test_the_form_asks_nothing_about_status_papers_nationality_or_origin(riverton: Jurisdiction) -> None:
    assert set(RegisterForm.base_fields) == {
        "key",
        "given_name",
        "family_name",
        "birth_year",
        "birth_year_approximate",
        "languages",
        "interpreter_needed",
        "phone",
    }
    page = open_form(Browser(), "en")
    for promise in (
        "We never ask about your immigration status, your papers, your nationality or the country you come from.",
        "We never ask about your immigration status.",
    ):
        page = page.replace(promise, "")
    for word in ("status", "papers", "nationality", "citizen", "passport", "visa", "country", "asylum", "permit"):
        assert word not in page.lower()


def test_every_language_gets_the_form_and_arabic_and_persian_read_right_to_left(
    riverton: Jurisdiction, anonymous: Browser
) -> None:
    for language in ("en", "fr", "ar", "uk", "es", "fa"):
        page = open_form(anonymous, language)
        direction = "rtl" if language in ("ar", "fa") else "ltr"
        assert f'<html lang="{language}" dir="{direction}">' in page
        assert 'type="checkbox" name="languages" value="' + language + '" id="id_languages_0" checked' in page


def test_too_many_registrations_from_one_address_in_an_hour_are_paused(
    riverton: Jurisdiction, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "REGISTRATIONS_PER_ADDRESS_PER_HOUR", 2)
    busy = Browser(REMOTE_ADDR="203.0.113.7")
    for given in ("Amal", "Olena"):
        consent = consent_screen(busy, {**HER_ANSWERS, "given_name": given})
        assert (
            busy.post("/ar/register/", {**hidden_fields(consent), "step": "consent", "registration": "on"}).status_code
            == 302
        )
    consent = consent_screen(busy, {**HER_ANSWERS, "given_name": "Maryam"})
    paused = busy.post("/ar/register/", {**hidden_fields(consent), "step": "consent", "registration": "on"})
    assert paused.status_code == 429
    assert arabic("Please try again later") in paused.content.decode()
    assert Client.objects.count() == 2

    elsewhere = Browser(REMOTE_ADDR="198.51.100.4")
    consent = consent_screen(elsewhere, {**HER_ANSWERS, "given_name": "Maryam"})
    ok = elsewhere.post("/ar/register/", {**hidden_fields(consent), "step": "consent", "registration": "on"})
    assert ok.status_code == 302
    assert not [key for key in cache._cache if "203.0.113.7" in key]  # type: ignore[attr-defined]


def test_a_reference_link_that_was_not_signed_here_shows_nothing(
    riverton: Jurisdiction, lakeside: Jurisdiction, anonymous: Browser
) -> None:
    consent = consent_screen(anonymous, HER_ANSWERS)
    done = anonymous.post("/ar/register/", {**hidden_fields(consent), "step": "consent", "registration": "on"})
    token = done["Location"].split("/done/")[1].strip("/")
    reference = str(Client.objects.get().reference)
    assert anonymous.get(f"/ar/register/done/{token}/").status_code == 200
    assert anonymous.get(f"/ar/register/done/{reference}/").status_code == 404
    forged = token.replace(reference, "K7M3-QX9S")
    assert anonymous.get(f"/ar/register/done/{forged}/").status_code == 404
    assert anonymous.get(f"/ar/register/done/{token}/?jurisdiction=lakeside").status_code == 404


def test_in_the_demo_city_the_reference_page_says_where_to_bring_it(anonymous: Browser) -> None:
    call_command("load_demo", stdout=io.StringIO())
    home = anonymous.get("/ar/").content.decode()
    assert 'href="/ar/register/"' in home
    consent = consent_screen(anonymous, HER_ANSWERS)
    done = anonymous.post("/ar/register/", {**hidden_fields(consent), "step": "consent", "registration": "on"})
    page = anonymous.get(done["Location"]).content.decode()
    assert "مكتب القادمين الجدد في مدينة ريفرتون" in page  # the Newcomer Office, named in Arabic
    assert "1 Civic Square" in page
    assert 'href="tel:+16135550101"' in page
    assert "مركز ريفرتون لاستقبال القادمين الجدد" not in page  # an agency with no staff cannot verify


@pytest.mark.parametrize(
    ("language", "written", "gregorian"),
    [("fa", "1369", 1990), ("fa", "۱۳۶۹", 1990), ("ar", "1410", 1990), ("en", "1990", 1990)],
)
def test_a_birth_year_of_the_persian_or_islamic_calendar_is_understood_as_approximate(
    language: str, written: str, gregorian: int
) -> None:
    form = RegisterForm(
        {**HER_ANSWERS, "key": "k" * 16, "birth_year": written, "birth_year_approximate": ""}, language=language
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_year"] == gregorian
    assert form.cleaned_data["birth_year_approximate"] is (written != "1990")
