"""Reading the pages of a jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from welcoming.content.models import Entry, Page
from welcoming.lib.models import TranslationState
from welcoming.places.models import Jurisdiction


def published_pages(jurisdiction: Jurisdiction) -> QuerySet[Page]:
    return Page.objects.filter(jurisdiction=jurisdiction, published=True).select_related("jurisdiction")


def published_page(jurisdiction: Jurisdiction, slug: str) -> Page | None:
    return (
        published_pages(jurisdiction)
        .prefetch_related(Prefetch("entries", queryset=Entry.objects.select_related("page__jurisdiction")))
        .filter(slug=slug)
        .first()
    )


def pages_for_needs(jurisdiction: Jurisdiction, needs: Iterable[str], limit: int = 3) -> list[Page]:
    """Pages about the needs found, in the order of the needs."""
    wanted = list(dict.fromkeys(needs))
    if not wanted:
        return []
    found = list(published_pages(jurisdiction).filter(need__in=wanted))
    found.sort(key=lambda page: (wanted.index(page.need), page.kind != Page.Kind.GUIDE, page.order))
    return found[:limit]


_WORST = [TranslationState.MISSING, TranslationState.OUTDATED, TranslationState.UP_TO_DATE]


def page_translation_state(page: Page, language: str) -> TranslationState:
    """The state of the page and its entries together: the worst of them."""
    states = {page.translation_state(language), *(entry.translation_state(language) for entry in page.entries.all())}
    return next(state for state in _WORST if state in states)
