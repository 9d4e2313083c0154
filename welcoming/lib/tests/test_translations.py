"""Every interface string exists in all six languages, and the compiled catalogues are current."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ("fr", "ar", "uk", "es", "fa")
ENTRY = re.compile(r'((?:#.*\n)*)msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)')


def unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t")


def entries(language: str) -> list[tuple[str, str, str]]:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    out = []
    for comments, msgid, msgstr in ENTRY.findall(text):
        key = "".join(re.findall(r'"(.*)"', msgid))
        if key:
            out.append((comments, key, "".join(re.findall(r'"(.*)"', msgstr))))
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(language: str) -> None:
    missing = [key for comments, key, value in entries(language) if not value or "fuzzy" in comments]
    assert missing == [], f"{language}: no translation for {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for _comments, key, value in entries(language):
        assert compiled.gettext(unescape(key)) == unescape(value), (
            f"{language}: django.mo is older than django.po; run manage.py compilemessages"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    for _comments, key, value in entries(language):
        assert sorted(re.findall(r"%\(\w+\)[sd]", key)) == sorted(re.findall(r"%\(\w+\)[sd]", value)), key
