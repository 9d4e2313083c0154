"""The engine's findings in her language: need labels, reasons and emergency contacts."""

from __future__ import annotations

import functools
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from welcoming.directory.needs import NEED_NAMES
from welcoming.triage.engine import Reason

# language names Django does not know, in each interface language
EXTRA_LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "so": {"en": "Somali", "fr": "somali", "ar": "الصومالية", "uk": "сомалі", "es": "somalí", "fa": "سومالیایی"},
    "ti": {"en": "Tigrinya", "fr": "tigrigna", "ar": "التغرينية", "uk": "тигринья", "es": "tigriña", "fa": "تیگرینیا"},
    "ps": {"en": "Pashto", "fr": "pachto", "ar": "البشتو", "uk": "пушту", "es": "pastún", "fa": "پشتو"},
}


def need_label(slug: str, language: str) -> str:
    names = NEED_NAMES.get(slug, {})
    return names.get(language) or names.get("en") or slug


def language_name(code: str, language: str) -> str:
    if code in EXTRA_LANGUAGE_NAMES:
        return EXTRA_LANGUAGE_NAMES[code].get(language, EXTRA_LANGUAGE_NAMES[code]["en"])
    try:
        info = translation.get_language_info(code)
    except KeyError:
        return code
    with translation.override(language):
        return _(info["name"])


def reason_text(reason: Reason, language: str) -> str:
    return _reason_text(reason.code, reason.value, language)


@functools.lru_cache(maxsize=4096)
def _reason_text(code: str, value: Any, language: str) -> str:
    reason = Reason(code, value)
    with translation.override(language):
        match reason.code:
            case "need":
                return _("Helps with: %(need)s") % {"need": need_label(reason.value, language)}
            case "speaks":
                return _("Speaks %(language)s") % {"language": language_name(reason.value, language)}
            case "free":
                return _("Free")
            case "open_now":
                return _("Open now")
            case "always_open":
                return _("Open day and night")
            case "distance":
                return _("%(distance)s km away") % {"distance": number_format(reason.value, 1)}
            case "children":
                return _("For families with children")
            case "phone":
                return _("By phone")
            case "online":
                return _("Online")
            case "words":
                return _("Matches the words you wrote")
        return reason.code


def emergency_contacts(contacts: list[dict[str, Any]], language: str) -> list[dict[str, str]]:
    out = []
    for contact in contacts:
        names = contact.get("name") or {}
        name_language = language if names.get(language) else "en"
        out.append(
            {
                "number": str(contact.get("number", "")),
                "name": names.get(name_language, ""),
                "name_language": name_language,
            }
        )
    return out
