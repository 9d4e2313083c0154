"""Languages of the platform and how a translated text falls back, visibly.

Every translatable record keeps its canonical text in its source language (the jurisdiction's
default language) and the other languages in a `translations` mapping
``{"fr": {"name": "..."}, "ar": {...}}``. Reading a text returns the text *and* the language it is
really in, so callers can tell the reader when they see a fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGE_CODES: tuple[str, ...] = ("en", "fr", "ar", "uk", "es", "fa")
RTL_LANGUAGES = frozenset({"ar", "fa"})


@dataclass(frozen=True)
class Localized:
    text: str
    language: str


def normalise_language(value: str | None) -> str | None:
    """`ar-SY` → `ar`; None or an unsupported language → None."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGE_CODES else None


def pick(
    *,
    source_text: str,
    source_language: str,
    translations: Mapping[str, Mapping[str, str]] | None,
    field: str,
    language: str,
) -> Localized:
    """The text of `field` in `language`, or the source text with the language it is in."""
    if language != source_language and translations:
        text = (translations.get(language) or {}).get(field)
        if text:
            return Localized(text, language)
    return Localized(source_text, source_language)


def best_language(accept_language: str | None) -> str | None:
    """The first supported language of an Accept-Language header, by quality."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = normalise_language(pieces[0])
        if code and quality > 0:
            ranked.append((-quality, position, code))
    return sorted(ranked)[0][2] if ranked else None
