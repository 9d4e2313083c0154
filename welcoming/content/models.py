"""Pages the city writes for newcomers: guides, their rights, and myths set straight.

The text is in the jurisdiction's language, with translations tracked per language (up to date,
outdated, missing) so that staff know what to translate and readers are told what they are reading.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from welcoming.directory.needs import NEED_SLUGS
from welcoming.lib.models import TrackedTranslatable
from welcoming.places.models import Jurisdiction


class Page(TrackedTranslatable):
    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        RIGHTS = "rights", _("Your rights")
        MYTHS = "myths", _("Myths and facts")

    translated_fields = ("title", "summary", "body")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="pages")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GUIDE)
    slug = models.SlugField(max_length=80, help_text="The page's address: /{lang}/guides/<slug>/")
    need = models.CharField(
        max_length=20,
        blank=True,
        choices=[(slug, slug) for slug in NEED_SLUGS],
        help_text="The kind of help this page is about; the results for that need link to it.",
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True, help_text="One plain sentence, shown in lists.")
    body = models.TextField(
        blank=True,
        help_text="Markdown: paragraphs, ## headings, - lists, **bold**, [links](https://...). No HTML.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "order", "slug"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "slug"], name="content_page_slug_unique")]

    def __str__(self) -> str:
        return self.title

    def source_language(self) -> str:
        return self.jurisdiction.default_language


class Entry(TrackedTranslatable):
    """A question and its answer on a page: on a myths page, the myth and the fact."""

    translated_fields = ("question", "answer")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="entries")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown, as in the page's body.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return self.question

    def source_language(self) -> str:
        return self.page.jurisdiction.default_language
