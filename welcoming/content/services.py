"""Writing guides, rights and myths pages: every save records which translations it brought up to date."""

from __future__ import annotations

from django.db import transaction

from welcoming.content.models import Entry, Page
from welcoming.lib.models import TrackedTranslatable


def _save(record: TrackedTranslatable) -> None:
    stored = type(record)._default_manager.filter(pk=record.pk).values_list("translations", flat=True).first()
    record.stamp_translations(stored)
    record.full_clean()
    record.save()


@transaction.atomic
def page_save(*, page: Page) -> Page:
    """Create or update a page. A translation changed in this save counts as made from the current
    text; one left alone becomes outdated when the source text changed."""
    _save(page)
    return page


@transaction.atomic
def entry_save(*, entry: Entry) -> Entry:
    _save(entry)
    return entry
