from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from welcoming.content import markup, services
from welcoming.content.models import Entry, Page
from welcoming.content.selectors import page_translation_state
from welcoming.lib.models import TranslationState
from welcoming.places.models import Jurisdiction

pytestmark = pytest.mark.django_db


def make_page(jurisdiction: Jurisdiction, **fields: Any) -> Page:
    page = Page(
        jurisdiction=jurisdiction,
        slug=fields.pop("slug", "seeing-a-doctor"),
        kind=fields.pop("kind", Page.Kind.GUIDE),
        need=fields.pop("need", "health"),
        title=fields.pop("title", "Seeing a doctor"),
        summary=fields.pop("summary", "Where to go when you are sick."),
        body=fields.pop("body", "## Emergencies\nCall **911**."),
    )
    for language, texts in fields.pop("translations", {}).items():
        for field, text in texts.items():
            page.set_translation(language, field, text)
    return services.page_save(page=page)


ARABIC = {"title": "زيارة الطبيب", "summary": "أين تذهب عندما تمرض.", "body": "## الطوارئ\nاتصل بالرقم **911**."}


def test_a_translation_saved_with_the_text_is_up_to_date_and_a_missing_one_is_missing(riverton: Jurisdiction) -> None:
    page = make_page(riverton, translations={"ar": ARABIC})
    assert page_translation_state(page, "ar") == TranslationState.UP_TO_DATE
    assert page_translation_state(page, "fa") == TranslationState.MISSING
    assert page_translation_state(page, "en") == TranslationState.UP_TO_DATE


def test_a_translation_becomes_outdated_when_the_source_text_changes_and_current_when_it_is_revised(
    riverton: Jurisdiction,
) -> None:
    page = make_page(riverton, translations={"ar": ARABIC})
    page.body += "\nInterpreters are free."
    services.page_save(page=page)
    assert page_translation_state(page, "ar") == TranslationState.OUTDATED

    page.set_translation("ar", "body", ARABIC["body"] + "\nالمترجمون مجانيون.")
    services.page_save(page=page)
    assert page_translation_state(page, "ar") == TranslationState.UP_TO_DATE


def test_a_page_is_only_as_translated_as_its_least_translated_entry(riverton: Jurisdiction) -> None:
    page = make_page(riverton, kind=Page.Kind.MYTHS, translations={"ar": ARABIC})
    entry = Entry(page=page, question="Interpreters cost money.", answer="They are free.")
    services.entry_save(entry=entry)
    assert page_translation_state(page, "ar") == TranslationState.MISSING


def test_page_text_is_markdown_and_nothing_pasted_into_it_can_run_in_her_browser() -> None:
    html = markup.render(
        '# Title\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript:' not in html


def test_the_guides_list_groups_pages_by_kind_in_her_language(riverton: Jurisdiction, anonymous: Client) -> None:
    make_page(riverton, translations={"ar": ARABIC})
    make_page(riverton, slug="tenant-rights", kind=Page.Kind.RIGHTS, need="legal", title="Your rights as a tenant")
    make_page(riverton, slug="draft", title="Not ready", need="").__class__.objects.filter(slug="draft").update(
        published=False
    )
    html = anonymous.get("/ar/guides/").content.decode()
    assert "زيارة الطبيب" in html
    assert '<span lang="en">Your rights as a tenant</span>' in html
    assert "Not ready" not in html
    assert html.index("زيارة الطبيب") < html.index("Your rights as a tenant")


def test_a_page_not_yet_in_her_language_says_so_and_shows_the_source_text_marked_as_english(
    riverton: Jurisdiction, anonymous: Client
) -> None:
    make_page(riverton)
    response = anonymous.get("/uk/guides/seeing-a-doctor/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ця сторінка ще не перекладена вашою мовою. Мова оригіналу: Англійська." in html
    assert '<h1 lang="en" dir="auto">Seeing a doctor</h1>' in html
    assert '<div class="prose" lang="en" dir="auto"><h2>Emergencies</h2>' in html


def test_an_outdated_translation_is_shown_with_a_warning(riverton: Jurisdiction, anonymous: Client) -> None:
    page = make_page(riverton, translations={"ar": ARABIC})
    page.body += "\nInterpreters are free."
    services.page_save(page=page)
    html = anonymous.get("/ar/guides/seeing-a-doctor/").content.decode()
    assert "<h1>زيارة الطبيب</h1>" in html
    assert "قد تكون هذه الترجمة قديمة" in html


def test_a_myths_page_shows_each_myth_with_its_fact_and_works_without_javascript(
    riverton: Jurisdiction, anonymous: Client
) -> None:
    page = make_page(riverton, slug="myths", kind=Page.Kind.MYTHS, need="", title="Myths and facts", body="")
    services.entry_save(entry=Entry(page=page, question="Interpreters cost money.", answer="They are **free**."))
    html = anonymous.get("/en/guides/myths/").content.decode()
    assert '<summary><span class="tag">Myth</span> Interpreters cost money.</summary>' in html
    assert '<p class="tag fact">Fact</p><p>They are <strong>free</strong>.</p>' in html


def test_an_unknown_or_unpublished_page_is_not_found(riverton: Jurisdiction, anonymous: Client) -> None:
    make_page(riverton)
    Page.objects.update(published=False)
    assert anonymous.get("/en/guides/seeing-a-doctor/").status_code == 404
    assert anonymous.get("/en/guides/no-such-page/").status_code == 404


def test_another_citys_page_is_not_shown_here(
    riverton: Jurisdiction, lakeside: Jurisdiction, anonymous: Client
) -> None:
    make_page(lakeside, slug="lakeside-only", title="Lakeside ferry")
    assert anonymous.get("/en/guides/lakeside-only/").status_code == 404
    assert anonymous.get("/en/guides/lakeside-only/", {"jurisdiction": "lakeside"}).status_code == 200


def test_results_for_a_need_link_to_the_guide_about_it(riverton: Jurisdiction, anonymous: Client) -> None:
    make_page(riverton)
    html = anonymous.get("/en/find/", {"need": "health"}).content.decode()
    assert 'href="/en/guides/seeing-a-doctor/"' in html


def test_staff_edit_a_page_with_every_language_beside_the_source_and_see_what_is_left_to_translate(
    riverton: Jurisdiction, admin_client: Client
) -> None:
    page = make_page(riverton, translations={"ar": ARABIC})
    listing = admin_client.get("/admin/content/page/").content.decode()
    assert 'title="up to date">ar ✓' in listing
    assert 'title="missing">fr ✗' in listing

    form = admin_client.get(f"/admin/content/page/{page.pk}/change/").content.decode()
    assert 'name="body__ar"' in form and 'dir="rtl"' in form
    data = {
        "jurisdiction": riverton.pk,
        "kind": "guide",
        "slug": "seeing-a-doctor",
        "need": "health",
        "title": "Seeing a doctor",
        "summary": "Where to go when you are sick.",
        "body": "## Emergencies\nCall **911** at any time.",
        "order": 0,
        "published": "on",
        "title__fr": "Voir un médecin",
        "summary__fr": "Où aller quand on est malade.",
        "body__fr": "## Urgences\nAppelez le **911** à toute heure.",
        **{f"{field}__ar": text for field, text in ARABIC.items()},
        "entries-TOTAL_FORMS": 1,
        "entries-INITIAL_FORMS": 0,
        "entries-0-question": "Is it free?",
        "entries-0-answer": "Yes.",
        "entries-0-order": 0,
        "entries-0-question__fr": "Est-ce gratuit ?",
        "entries-0-answer__fr": "Oui.",
    }
    response = admin_client.post(f"/admin/content/page/{page.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page_translation_state(page, "fr") == TranslationState.UP_TO_DATE
    assert page_translation_state(page, "ar") == TranslationState.MISSING  # the new entry has no Arabic
    assert page.translation_state("ar") == TranslationState.OUTDATED  # the English body changed


def test_the_demo_city_has_pages_in_six_languages_with_one_outdated_and_one_untranslated_and_loads_twice_alike(
    riverton: Jurisdiction,
) -> None:
    from welcoming.content.demo import load_demo_content

    assert load_demo_content(riverton) >= 8
    snapshot = list(Page.objects.values_list("slug", "translations", "translated_from"))
    pages = {page.slug: page for page in Page.objects.prefetch_related("entries")}
    assert {page.kind for page in pages.values()} == {"guide", "rights", "myths"}
    assert page_translation_state(pages["renting-a-home"], "fr") == TranslationState.OUTDATED
    assert page_translation_state(pages["getting-ready-for-winter"], "fa") == TranslationState.MISSING
    for language in ("fr", "ar", "uk", "es", "fa"):
        assert page_translation_state(pages["myths-and-facts"], language) == TranslationState.UP_TO_DATE
    load_demo_content(riverton)
    assert list(Page.objects.values_list("slug", "translations", "translated_from")) == snapshot
