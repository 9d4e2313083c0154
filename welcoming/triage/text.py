"""Text for the triage: language detection, normalisation and stemming, per language.

Plain Python (no Django). Every vocabulary term and every query go through `terms()`, so whatever
the folding does, it does to both sides alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import Stemmer

LANGUAGES = ("en", "fr", "ar", "uk", "es", "fa")
SNOWBALL = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic", "fa": "persian"}

_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_PERSIAN_ONLY = set("پچژگکی")
_UKRAINIAN_ONLY = set("іїєґ")
_ARABIC_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
_PERSIAN_SUFFIXES = (
    # spoken Persian joins the object marker to the possessive: پولمو, حقوقتو, خونشو
    "هامو",
    "مونو",
    "تونو",
    "شونو",
    "مو",
    "تو",
    "شو",
    "هایم",
    "هایت",
    "هایش",
    "هامون",
    "هاتون",
    # spoken possessives: بیرونمون, خونشون, پولتون
    "مون",
    "تون",
    "شون",
    "ها",
    "های",
    "ام",
    "ات",
    "اش",
    "مان",
    "تان",
    "شان",
    "م",
    "ش",
    "ی",
)
# longest first, so "ами" is tried before "и" (as written here; folded below)
_UKRAINIAN_SUFFIXES_WRITTEN = tuple(
    sorted(
        {
            *("ами", "ями", "ові", "еві", "ого", "ому", "ими", "іми", "ій", "ий", "ої", "ою", "ею", "єю"),
            *("ах", "ях", "ам", "ям", "ів", "їв", "ей", "ка", "ки", "ку", "ці", "ко", "ок", "ть", "ти"),
            *("сь", "ся", "а", "я", "о", "е", "є", "у", "ю", "и", "і", "ї", "ь"),
            # verbs: ображає, ображають, ображати are one word
            *("ають", "яють", "ують", "юють", "ає", "яє", "ує", "ює", "ати", "яти", "ити", "уть", "ють", "ять"),
        },
        key=lambda suffix: (-len(suffix), suffix),
    )
)

_FOLDS: dict[str, dict[int, Any]] = {
    "common": str.maketrans({"ـ": None, "\u200c": " ", "\u200d": None, "’": None, "'": None, "ʼ": None, "`": None}),
    # Arabic text: the Arabic letters, alef and hamza forms folded
    "ar": str.maketrans(
        {"ی": "ي", "ک": "ك", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}
    ),
    # Persian text: the Persian letters
    "fa": str.maketrans(
        {"ي": "ی", "ك": "ک", "ى": "ی", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ؤ": "و", "ئ": "ی", "ۀ": "ه"}
    ),
    # Ukrainian typed with Russian letters, or on a Russian keyboard, which has no і, ї, є: "ниде",
    # "ничого", "ее" are how many type "ніде", "нічого", "її"; both spellings become one
    "uk": str.maketrans({"ы": "и", "э": "е", "ё": "е", "ъ": None, "ґ": "г", "і": "и", "ї": "и", "є": "е"}),
}
# a Latin i typed inside a Cyrillic word ("мiй", "нiде") is the Ukrainian і
_LATIN_I_IN_CYRILLIC = re.compile(r"(?<=[\u0400-\u04ff])i|i(?=[\u0400-\u04ff])")
# Persian verbs: the prefixes می and نمی are written joined, with a ZWNJ or with a space
# ("نمیکشه", "نمی‌کشه", "نمی کشه"); in Finglish "mizane", "mi zane"
_PERSIAN_VERB_PREFIX = re.compile(r"(?<!\w)(ن?می)[\u200c ]+(?=\w)")
_FINGLISH_VERB_PREFIX = re.compile(r"(?<![a-z])((?:ne)?mi)[ -]+(?=[a-z])")
# the endings, folded like the text
_UKRAINIAN_SUFFIXES = tuple(
    sorted(
        {suffix.translate(_FOLDS["uk"]) for suffix in _UKRAINIAN_SUFFIXES_WRITTEN},
        key=lambda suffix: (-len(suffix), suffix),
    )
)


_FRENCH_ELISION = str.maketrans({mark: " " for mark in "'’ʼ`"})


def detect(text: str, hint: str | None = None) -> str:
    """The language of a text, from its script and letters; the hint decides between languages
    that share a script (and wins when the text says nothing)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return hint if hint in LANGUAGES else "en"
    arabic = sum(1 for ch in letters if _ARABIC_SCRIPT.match(ch))
    cyrillic = sum(1 for ch in letters if _CYRILLIC.match(ch))
    latin = len(letters) - arabic - cyrillic
    script = max((arabic, "arabic"), (cyrillic, "cyrillic"), (latin, "latin"))[1]
    if script == "arabic":
        if hint in ("ar", "fa"):
            persian = any(ch in _PERSIAN_ONLY for ch in letters)
            return "fa" if persian and hint == "fa" else hint if not persian else "fa"
        return "fa" if any(ch in _PERSIAN_ONLY for ch in letters) else "ar"
    if script == "cyrillic":
        return "uk"
    return hint if hint in ("en", "fr", "es") else guess_latin(text)


_LATIN_MARKERS = {
    "fr": {
        "je",
        "j",
        "mon",
        "ma",
        "mes",
        "pour",
        "besoin",
        "des",
        "une",
        "est",
        "pas",
        "avec",
        "suis",
        "ai",
        "il",
        "elle",
        "nous",
        "enfant",
        "logement",
        "travail",
        "aide",
        "cherche",
        "où",
        "ou",
        "comment",
        "les",
        "du",
        "au",
        "le",
        "la",
    },
    "es": {
        "yo",
        "mi",
        "mis",
        "para",
        "necesito",
        "una",
        "es",
        "no",
        "con",
        "soy",
        "tengo",
        "hijo",
        "hija",
        "trabajo",
        "ayuda",
        "busco",
        "donde",
        "como",
        "los",
        "las",
        "el",
        "del",
        "que",
        "por",
        "estoy",
        "casa",
    },
    "en": {
        "i",
        "my",
        "need",
        "for",
        "a",
        "is",
        "not",
        "with",
        "am",
        "have",
        "son",
        "daughter",
        "work",
        "help",
        "looking",
        "where",
        "how",
        "the",
        "of",
        "to",
        "and",
        "we",
        "it",
        "in",
        "me",
    },
}


SCRIPT_LANGUAGES = {"arabic": ("ar", "fa"), "cyrillic": ("uk",), "latin": ("en", "fr", "es")}


def script_languages(text: str) -> set[str]:
    """The languages whose vocabulary can match this text, by the scripts it is written in."""
    out: set[str] = set()
    for ch in text:
        if not ch.isalpha():
            continue
        if _ARABIC_SCRIPT.match(ch):
            out.update(SCRIPT_LANGUAGES["arabic"])
        elif _CYRILLIC.match(ch):
            out.update(SCRIPT_LANGUAGES["cyrillic"])
        else:
            out.update(SCRIPT_LANGUAGES["latin"])
    return out


def guess_latin(text: str) -> str:
    words = set(_WORD.findall(fold_accents(text.casefold())))
    scores = {lang: len(words & {fold_accents(w) for w in markers}) for lang, markers in _LATIN_MARKERS.items()}
    if "ñ" in text.casefold() or "¿" in text or "¡" in text:
        scores["es"] += 2
    if any(ch in text.casefold() for ch in "çèêàùœ"):
        scores["fr"] += 2
    best = max(scores.items(), key=lambda item: (item[1], item[0] == "en"))
    return best[0]


# Arabic and Persian typed in Latin letters (Arabizi, Finglish) are spelt every which way: "tal3ouna",
# "tala3ona", "tl3na"; "mizane", "mizaneh". Such a word is also matched by its skeleton: digraphs
# made one letter, vowels dropped, doubled letters single ("tl3n", "mzn").
_LATIN_WORD = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")
_SKELETON_DIGRAPHS = {
    # 3 = ع, 7 = ح, 2 = ء, 5 = خ, 8 = غ, 9 = ق, 6 = ط
    "ar": (
        ("kh", "5"),
        ("gh", "8"),
        ("ch", "sh"),
        ("c", "k"),
        ("dj", "j"),
        ("g", "j"),
        ("7", "h"),
        ("9", "q"),
        ("6", "t"),
        ("2", ""),
        ("p", "b"),
        ("v", "f"),
    ),
    "fa": (("x", "kh"), ("q", "gh"), ("w", "v")),
}
_VOWELS = re.compile(r"(?<=.)y|[aeiou]")


def skeleton(word: str, language: str) -> str | None:
    """The consonant skeleton of an Arabizi or Finglish word, or None for a word in another script."""
    word = fold_accents(word)
    if not _LATIN_WORD.fullmatch(word):
        return None
    if len(word) > 2 and word[-1] == "h" and word[-2] in "aeiou":
        word = word[:-1]  # the final ة / ه: "mostashfah", "khaneh"
    for written, letter in _SKELETON_DIGRAPHS[language]:
        word = word.replace(written, letter)
    bare = _VOWELS.sub("", word)
    out = re.sub(r"(.)\1+", r"\1", bare)
    return out or None


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def clean(text: str, language: str) -> str:
    """NFKC, case folding, diacritics and tatweel gone, letters folded the way `language` spells."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if language == "fa":
        text = _FINGLISH_VERB_PREFIX.sub(r"\1", _PERSIAN_VERB_PREFIX.sub(r"\1", text))
    elif language == "uk":
        text = _LATIN_I_IN_CYRILLIC.sub("и", text)
    if language == "fr":
        # French elides with an apostrophe: "l'école", "m'insulte", "d'argent" are two words
        text = text.translate(_FRENCH_ELISION)
    text = text.translate(_FOLDS["common"])
    if language in ("ar", "fa"):
        # Arabic harakat are combining marks; keep the letters (hamza forms are folded below)
        text = "".join(ch for ch in text if not (unicodedata.combining(ch) and "\u064b" <= ch <= "\u065f"))
        return text.translate(_FOLDS[language])
    if language == "uk":
        # й and ї carry their marks as part of the letter: fold only what people drop
        return text.translate(_FOLDS["uk"])
    return fold_accents(text)


@functools.lru_cache(maxsize=32)
def words(text: str, language: str) -> tuple[str, ...]:
    """The words of `text` folded for `language`. A triage reads the same text several times for each
    of several languages; the few last are kept for that (not more: a benchmark that replays its
    statements must not be measuring a cache)."""
    return tuple(_WORD.findall(clean(text, language)))


@functools.lru_cache(maxsize=200_000)
def stems(word: str, language: str, skeletons: bool = True, stemmed: bool = True) -> tuple[str, ...]:
    """The forms a word is matched under: its stem, and for Arabic and Persian the stems without the
    clitics people attach (و, ب, ال ... ; ها, ام ...) and, typed in Latin letters, its skeleton
    (unless `skeletons` is false); for Ukrainian a light suffix stripping. Without `stemmed`, an
    Arabic or Persian word is only itself without its clitics: no stemmer, no verb without its می."""
    forms: list[str] = []
    if language == "ar":
        candidates = [
            word,
            *(word[len(p) :] for p in _ARABIC_PROCLITICS if word.startswith(p) and len(word) - len(p) >= 2),
        ]
        for candidate in candidates:
            if stemmed:
                forms.append(_stemmer("ar").stemWord(candidate).translate(_FOLDS["ar"]))
            forms.append(candidate)
        if skeletons:
            forms.append(skeleton(word, language) or "")
    elif language == "fa":
        candidates = [
            word,
            *(word[: -len(s)] for s in _PERSIAN_SUFFIXES if word.endswith(s) and len(word) - len(s) >= 2),
        ]
        if stemmed and word.startswith("می") and len(word) > 4:
            candidates.append(word[2:])
        for candidate in candidates:
            if stemmed:
                forms.append(_stemmer("fa").stemWord(candidate).translate(_FOLDS["fa"]))
            forms.append(candidate)
        if skeletons:
            forms.append(skeleton(word, language) or "")
    elif language == "uk":
        # every ending that fits, not just the longest: "диплому" is "диплом" + "у", not "дипл" + "ому"
        forms.append(word)
        for suffix in _UKRAINIAN_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                forms.append(word[: -len(suffix)])
    else:
        forms.append(_stemmer(language).stemWord(word))
    seen: dict[str, None] = {}
    for form in forms:
        if form:
            seen.setdefault(form, None)
    return tuple(seen)


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(SNOWBALL[language])


def primary_stem(word: str, language: str) -> str:
    return stems(word, language)[0]
