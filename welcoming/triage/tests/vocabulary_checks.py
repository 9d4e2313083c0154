#!/usr/bin/env python3
"""Check the triage vocabulary files (en, fr, ar, uk, es, fa .yaml beside this script).

Standalone: the standard library and PyYAML only, so it runs before anything else is installed:

    python3 -m welcoming.triage.tests.vocabulary_checks [--verbose] [FOLDER]

Rules checked, per file:
- the file loads with `yaml.safe_load` and has the keys language, needs, emergency, stopwords, and
  may have `modifiers` (per need, words that say what kind of service she wants, "cheap", "someone
  who speaks Arabic": they count for the need only when nothing else in the text does) and `idioms`
  (per emergency kind, or `any`, expressions that sound like that emergency and are not one, "this
  job is killing me": an emergency term they overlap does not count), and `later` and `now` (expressions
  of time, "next month", "tonight": a statement of nowhere to sleep with one of later and none of now
  is no emergency of tonight), which go together;
- `language` is the file's name;
- every need of the triage and every emergency kind has a list, and nothing else is there; modifiers
  are listed under needs of the triage, and a modifier is not also a term of the same need;
- at least 40 terms per need and 12 per emergency kind; 40 to 120 stopwords;
- a term is a non-empty string (YAML turns an unquoted yes, no, on, off or 911 into something else),
  in lower case, without surrounding or doubled spaces, of at most 4 words (6 for an emergency or an
  idiom, which may need a negation: "dont want to be alive"), made of letters, digits,
  spaces, hyphens and apostrophes, in one script (a Latin "a" inside a Cyrillic word never matches);
- the script is the language's: Latin for en, fr, es; Cyrillic for uk (a few Latin transliterations
  are counted, not refused); Arabic script for ar (or Latin Arabizi) and for fa (or Latin Finglish),
  where Persian letters are required (ی and ک, not the Arabic ي and ك);
- no term twice in one list, neither as written nor once folded the way the engine folds text
  (case, accents, apostrophes, tatweel, Arabic and Persian letter variants, Russian letters in uk);
- no stopword is also a one-word term (the engine drops stopwords, so such a term would never count);
- at least 12 expressions of later and 12 of now, of at most 6 words; none is both (a number in digits
  stands for any number, so "in 2 weeks" and "in 3 weeks" are one expression).

Terms shared between two needs of one file are allowed (rent is housing and money) and listed
with --verbose. Prints the number of terms per category and language; exits 1 on any error.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

from welcoming.directory.needs import NEED_SLUGS
from welcoming.triage.vocabulary import EMERGENCY_KINDS, NUMBER, TIMES

LANGUAGES = ("en", "fr", "ar", "uk", "es", "fa")
NEEDS = NEED_SLUGS
KEYS = ("language", "needs", "emergency", "stopwords")
OPTIONAL_KEYS = ("modifiers", "idioms", *TIMES)
ANY_KIND = "any"
MIN_NEED_TERMS = 40
MIN_EMERGENCY_TERMS = 12
MIN_TIME_TERMS = 12
MIN_STOPWORDS, MAX_STOPWORDS = 40, 120
MAX_WORDS = 4
MAX_EMERGENCY_WORDS = 6

WORD = re.compile(r"\w+", re.UNICODE)
APOSTROPHES = "'’ʼ`"
ZWNJ, ZWJ = "\u200c", "\u200d"
# allowed besides letters, combining marks and digits
ALLOWED_PUNCTUATION = set(" -" + APOSTROPHES + ZWNJ + ZWJ)

# the engine reads a French elision as two words ("l'école", "aujourd'hui"): so are terms compared,
# though counted as one word
FRENCH_ELISION = str.maketrans({a: " " for a in APOSTROPHES})
COMMON_FOLD = str.maketrans({"ـ": None, ZWNJ: " ", ZWJ: None, **{a: None for a in APOSTROPHES}})
ARABIC_FOLD = str.maketrans(
    {"ی": "ي", "ک": "ك", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}
)
PERSIAN_FOLD = str.maketrans(
    {"ي": "ی", "ك": "ک", "ى": "ی", "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ؤ": "و", "ئ": "ی", "ۀ": "ه"}
)
UKRAINIAN_FOLD = str.maketrans({"ы": "и", "э": "е", "ё": "е", "ъ": None, "ґ": "г", "і": "и", "ї": "и", "є": "е"})
LATIN_I_IN_CYRILLIC = re.compile(r"(?<=[\u0400-\u04ff])i|i(?=[\u0400-\u04ff])")
PERSIAN_VERB_PREFIX = re.compile(r"(?<!\w)(ن?می)[\u200c ]+(?=\w)")
FINGLISH_VERB_PREFIX = re.compile(r"(?<![a-z])((?:ne)?mi)[ -]+(?=[a-z])")


def fold(text: str, language: str) -> str:
    """The text folded the way the triage folds it before matching (welcoming/triage/text.py)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if language == "fa":
        text = FINGLISH_VERB_PREFIX.sub(r"\1", PERSIAN_VERB_PREFIX.sub(r"\1", text))
    elif language == "uk":
        text = LATIN_I_IN_CYRILLIC.sub("и", text)
    text = text.translate(COMMON_FOLD)
    if language in ("ar", "fa"):
        text = "".join(ch for ch in text if not (unicodedata.combining(ch) and "\u064b" <= ch <= "\u065f"))
        return text.translate(ARABIC_FOLD if language == "ar" else PERSIAN_FOLD)
    if language == "uk":
        return text.translate(UKRAINIAN_FOLD)
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def tokens(text: str, language: str) -> tuple[str, ...]:
    return tuple(WORD.findall(fold(text, language)))


def script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "ARABIC"):
        if name.startswith(script):
            return script.lower()
    return "other"


def scripts(term: str) -> set[str]:
    return {script_of(ch) for ch in term if ch.isalpha() and ch not in APOSTROPHES}


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.notes: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def note(self, where: str, message: str) -> None:
        self.notes.append(f"{where}: {message}")


def check_term(
    term: object, where: str, language: str, report: Report, max_words: int = MAX_WORDS
) -> tuple[str, ...] | None:
    """The term's folded words if it is well formed, else None (and the errors reported)."""
    if not isinstance(term, str):
        report.error(where, f"{term!r} is a {type(term).__name__}, not a string: quote it")
        return None
    if not term.strip():
        report.error(where, "empty term")
        return None
    shown = f"{term!r}"
    ok = True
    if term != term.strip() or "  " in term:
        report.error(where, f"{shown} has surrounding or doubled spaces")
        ok = False
    if term != term.lower():
        report.error(where, f"{shown} is not in lower case")
        ok = False
    odd = sorted({ch for ch in term if not (ch.isalnum() or unicodedata.combining(ch) or ch in ALLOWED_PUNCTUATION)})
    if odd:
        report.error(where, f"{shown} has characters other than letters, digits, spaces, hyphens, apostrophes: {odd}")
        ok = False
    words = tokens(term, language)
    if not words:
        report.error(where, f"{shown} has no word")
        return None
    count = max(len(words), len(term.replace(ZWNJ, " ").split()))
    if count > max_words:
        report.error(where, f"{shown} has {count} words (at most {max_words})")
        ok = False
    found = scripts(term) - {"other"}
    if "other" in scripts(term):
        report.error(where, f"{shown} has letters of an unexpected script")
        ok = False
    if len(found) > 1:
        report.error(where, f"{shown} mixes scripts {sorted(found)} (look-alike letters never match)")
        ok = False
    elif language in ("en", "fr", "es") and found - {"latin"}:
        report.error(where, f"{shown} is not in Latin script")
        ok = False
    elif language == "uk" and found - {"cyrillic", "latin"}:
        report.error(where, f"{shown} is neither Cyrillic nor a Latin transliteration")
        ok = False
    elif language == "ar" and found - {"arabic", "latin"}:
        report.error(where, f"{shown} is neither Arabic script nor Arabizi")
        ok = False
    elif language == "fa":
        if found - {"arabic", "latin"}:
            report.error(where, f"{shown} is neither Persian script nor Finglish")
            ok = False
        arabic_letters = sorted(set(term) & {"ي", "ك"})
        if arabic_letters:
            report.error(where, f"{shown} has the Arabic letters {arabic_letters}: write ی and ک")
            ok = False
    return words if ok else None


def numbers_as_one(words: tuple[str, ...]) -> tuple[str, ...]:
    """An expression of time as the engine reads it: a number in digits stands for any number."""
    return tuple(NUMBER if word.isdigit() else word for word in words)


def check_list(
    terms: object,
    where: str,
    language: str,
    minimum: int,
    report: Report,
    max_words: int = MAX_WORDS,
    numbers: bool = False,
) -> list[tuple[str, tuple[str, ...]]]:
    if not isinstance(terms, list):
        report.error(where, f"must be a list of terms, not {type(terms).__name__}")
        return []
    good: list[tuple[str, tuple[str, ...]]] = []
    seen_raw: set[str] = set()
    seen_folded: dict[tuple[str, ...], str] = {}
    for term in terms:
        words = check_term(term, where, language, report, max_words)
        if isinstance(term, str):
            if term in seen_raw:
                report.error(where, f"{term!r} is listed twice")
                continue
            seen_raw.add(term)
        if words is None:
            continue
        if language == "fr":
            words = tokens(str(term).translate(FRENCH_ELISION), language)
        if numbers:
            words = numbers_as_one(words)
        if words in seen_folded:
            report.error(where, f"{term!r} is the same as {seen_folded[words]!r} once folded")
            continue
        seen_folded[words] = str(term)
        good.append((str(term), words))
    if len(terms) < minimum:
        report.error(where, f"{len(terms)} terms, at least {minimum} needed")
    return good


def check_file(path: Path, language: str, report: Report, counts: dict[str, dict[str, int]]) -> None:
    name = path.name
    if not path.exists():
        report.error(name, "missing")
        return
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        report.error(name, f"does not load: {exc}")
        return
    if not isinstance(data, dict):
        report.error(name, "must be a mapping with the keys " + ", ".join(KEYS))
        return
    for key in KEYS:
        if key not in data:
            report.error(name, f"no {key!r}")
    for key in data:
        if key not in KEYS and key not in OPTIONAL_KEYS:
            report.error(name, f"unknown key {key!r}")
    if data.get("language") != language:
        report.error(name, f"language is {data.get('language')!r}, expected {language!r}")

    single_terms: dict[tuple[str, ...], list[str]] = defaultdict(list)
    by_folded: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for section, expected, minimum in (
        ("needs", NEEDS, MIN_NEED_TERMS),
        ("emergency", EMERGENCY_KINDS, MIN_EMERGENCY_TERMS),
    ):
        block = data.get(section)
        if not isinstance(block, dict):
            report.error(name, f"{section!r} must be a mapping of {', '.join(expected)}")
            continue
        for category in expected:
            if category not in block:
                report.error(f"{name} {section}", f"no {category!r}")
        for category in block:
            if category not in expected:
                report.error(f"{name} {section}", f"unknown category {category!r}")
        for category in expected:
            if category not in block:
                continue
            where = f"{name} {section}.{category}"
            longest = MAX_EMERGENCY_WORDS if section == "emergency" else MAX_WORDS
            good = check_list(block[category], where, language, minimum, report, longest)
            counts[f"{section}.{category}"][language] = len(block[category]) if isinstance(block[category], list) else 0
            for _term, words in good:
                if len(words) == 1:
                    single_terms[words].append(f"{section}.{category}")
                if section == "needs":
                    by_folded[words].append(category)

    modifiers = data.get("modifiers", {})
    if not isinstance(modifiers, dict):
        report.error(name, "'modifiers' must be a mapping of needs")
        modifiers = {}
    need_terms = {(category, words) for words, categories in by_folded.items() for category in categories}
    for category, terms in modifiers.items():
        where = f"{name} modifiers.{category}"
        if category not in NEEDS:
            report.error(f"{name} modifiers", f"unknown need {category!r}")
            continue
        for term, words in check_list(terms, where, language, 0, report):
            if (category, words) in need_terms:
                report.error(where, f"{term!r} is also a term of needs.{category}: list it once")
            if len(words) == 1:
                single_terms[words].append(f"modifiers.{category}")

    idioms = data.get("idioms", {})
    if not isinstance(idioms, dict):
        report.error(name, "'idioms' must be a mapping of emergency kinds (or any)")
        idioms = {}
    for kind, terms in idioms.items():
        if kind not in EMERGENCY_KINDS and kind != ANY_KIND:
            report.error(f"{name} idioms", f"unknown emergency kind {kind!r}")
            continue
        check_list(terms, f"{name} idioms.{kind}", language, 0, report, MAX_EMERGENCY_WORDS)

    present = [when for when in TIMES if when in data]
    if present and len(present) < len(TIMES):
        report.error(name, f"{present[0]!r} without {', '.join(repr(w) for w in TIMES if w not in present)}")
    times: dict[tuple[str, ...], str] = {}
    for when in present:
        where = f"{name} {when}"
        good = check_list(data[when], where, language, MIN_TIME_TERMS, report, MAX_EMERGENCY_WORDS, numbers=True)
        counts[when][language] = len(data[when]) if isinstance(data[when], list) else 0
        for term, words in good:
            if words in times:
                report.error(where, f"{term!r} is also an expression of {times[words]}")
            times.setdefault(words, when)

    stopwords = data.get("stopwords")
    if isinstance(stopwords, list):
        counts["stopwords"][language] = len(stopwords)
        if not MIN_STOPWORDS <= len(stopwords) <= MAX_STOPWORDS:
            report.error(
                f"{name} stopwords", f"{len(stopwords)} stopwords, expected {MIN_STOPWORDS} to {MAX_STOPWORDS}"
            )
        seen: set[tuple[str, ...]] = set()
        for word in stopwords:
            checked = check_term(word, f"{name} stopwords", language, report)
            if checked is None:
                continue
            words = checked
            if len(words) != 1:
                report.error(f"{name} stopwords", f"{word!r}: a stopword is one word")
            if words in seen:
                report.error(f"{name} stopwords", f"{word!r} is listed twice")
            seen.add(words)
            if words in single_terms:
                report.error(
                    f"{name} stopwords",
                    f"{word!r} is also a term of {', '.join(single_terms[words])}: a stopword never carries a need",
                )
    else:
        report.error(name, "'stopwords' must be a list")

    for words, categories in sorted(by_folded.items()):
        if len(set(categories)) > 1:
            report.note(name, f"{' '.join(words)!r} is under {', '.join(sorted(set(categories)))}")


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "vocabulary"
    report = Report()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for language in LANGUAGES:
        check_file(folder / f"{language}.yaml", language, report, counts)

    rows = [f"needs.{n}" for n in NEEDS] + [f"emergency.{k}" for k in EMERGENCY_KINDS] + [*TIMES, "stopwords"]
    width = max(len(r) for r in rows) + 2
    print("terms per category and language".ljust(width) + "".join(f"{lang:>7}" for lang in LANGUAGES))
    totals = dict.fromkeys(LANGUAGES, 0)
    for row in rows:
        cells = []
        for language in LANGUAGES:
            value = counts[row].get(language)
            cells.append(f"{value:>7}" if value is not None else f"{'-':>7}")
            if value is not None and row.startswith(("needs.", "emergency.")):
                totals[language] += value
        print(row.ljust(width) + "".join(cells))
    print("total terms".ljust(width) + "".join(f"{totals[lang]:>7}" for lang in LANGUAGES))

    shared = len(report.notes)
    print(
        f"\n{shared} terms shared by two or more needs" + ("" if verbose or not shared else " (--verbose lists them)")
    )
    if verbose:
        for note in report.notes:
            print("  " + note)
    if report.errors:
        print(f"\n{len(report.errors)} errors:")
        for error in report.errors:
            print("  " + error)
        return 1
    print("\nOK: all six vocabulary files follow the rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
