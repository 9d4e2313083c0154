"""Abstract model pieces shared by the contexts."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from welcoming.lib.i18n import Localized, pick


class Translatable(models.Model):
    """A record whose human text exists in several languages.

    The model's own fields hold the text in `source_language()`; `translations` holds the rest as
    ``{"fr": {"name": "..."}}``. Only the fields named in `translated_fields` are translatable.
    """

    translated_fields: ClassVar[tuple[str, ...]] = ()

    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def source_language(self) -> str:
        return "en"

    def localized(self, field: str, language: str, source_language: str | None = None) -> Localized:
        """The text of `field` in `language`, or in the source language when it has no translation.
        Pass `source_language` when known, to spare the lookup of the jurisdiction."""
        return pick(
            source_text=getattr(self, field) or "",
            source_language=source_language or self.source_language(),
            translations=self.translations,
            field=field,
            language=language,
        )

    def set_translation(self, language: str, field: str, text: str) -> None:
        if field not in self.translated_fields:
            raise ValueError(f"{type(self).__name__}.{field} is not translatable")
        if language == self.source_language():
            setattr(self, field, text)
            return
        bucket = dict(self.translations.get(language) or {})
        if text:
            bucket[field] = text
        else:
            bucket.pop(field, None)
        translations = {k: v for k, v in self.translations.items() if k != language}
        if bucket:
            translations[language] = bucket
        self.translations = translations
