"""Staff write the pages here, every language beside the source text, and see what needs translating."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join

from welcoming.content import selectors, services
from welcoming.content.models import Entry, Page
from welcoming.lib.admin import TranslatableAdmin, TranslatableStackedInline
from welcoming.lib.i18n import LANGUAGE_CODES
from welcoming.lib.models import TranslationState

STATE_MARKS = {TranslationState.UP_TO_DATE: "✓", TranslationState.OUTDATED: "outdated", TranslationState.MISSING: "✗"}


class EntryInline(TranslatableStackedInline):
    model = Entry
    extra = 0
    exclude = ("translated_from",)


@admin.register(Page)
class PageAdmin(TranslatableAdmin):
    list_display = ("title", "kind", "need", "published", "translations_state", "updated_at")
    list_filter = ("jurisdiction", "kind", "published", "need")
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    exclude = ("translated_from",)
    inlines = [EntryInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("jurisdiction").prefetch_related("entries")

    @admin.display(description="translations")
    def translations_state(self, page: Page) -> str:
        languages = [code for code in LANGUAGE_CODES if code != page.source_language()]
        return format_html_join(
            " ",
            '<span title="{}">{} {}</span>',
            (
                (state.label, code, STATE_MARKS[state])
                for code in languages
                for state in [selectors.page_translation_state(page, code)]
            ),
        )

    def save_model(self, request: HttpRequest, obj: Page, form: Any, change: bool) -> None:
        services.page_save(page=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for entry in formset.save(commit=False):
            services.entry_save(entry=entry)
        for entry in formset.deleted_objects:
            entry.delete()
