"""Abstract model pieces shared by the contexts."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar

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


class TranslationState(models.TextChoices):
    UP_TO_DATE = "up-to-date", "up to date"
    OUTDATED = "outdated", "outdated"
    MISSING = "missing", "missing"


class TrackedTranslatable(Translatable):
    """A translatable record that knows, per language, whether its translation is up to date.

    `translated_from` keeps, for each language, a digest of the source text the translation was made
    from; when the source text changes the digests no longer agree and the translation is outdated.
    """

    translated_from = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def source_digest(self) -> str:
        text = "\x1f".join(str(getattr(self, field) or "") for field in self.translated_fields)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def translation_state(self, language: str) -> TranslationState:
        if language == self.source_language():
            return TranslationState.UP_TO_DATE
        bucket = self.translations.get(language) or {}
        if not all(bucket.get(field) for field in self.translated_fields if getattr(self, field)):
            return TranslationState.MISSING
        if self.translated_from.get(language) != self.source_digest():
            return TranslationState.OUTDATED
        return TranslationState.UP_TO_DATE

    def stamp_translations(self, previous: Mapping[str, Any] | None) -> None:
        """Record that each translation changed since `previous` (the stored translations) was made
        from the current source text; forget languages that no longer have one."""
        previous = previous or {}
        digest = self.source_digest()
        stamped = {}
        for language, bucket in self.translations.items():
            if not bucket:
                continue
            if bucket != previous.get(language) or language not in self.translated_from:
                stamped[language] = digest
            else:
                stamped[language] = self.translated_from[language]
        self.translated_from = stamped
