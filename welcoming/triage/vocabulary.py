"""The curated vocabulary: per language, the words and phrases that point to each need and to
each kind of emergency, compiled for matching. Plain Python (no Django)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from welcoming.triage.text import LANGUAGES, stems, words

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabulary"
EMERGENCY_KINDS = ("violence", "self-harm", "trafficking", "homeless-tonight", "medical")
ANY_KIND = "any"  # idioms listed under it cancel the terms of every kind
# Emergencies of tonight: a problem she places later ("next month", "when the lease ends") and not
# now ("tonight", "already outside") is a need, not tonight's emergency. Each vocabulary lists its
# expressions of either time under `later` and `now`.
TONIGHT_KINDS = frozenset({"homeless-tonight"})
LATER, NOW = "later", "now"
TIMES = (LATER, NOW)
NUMBER = "#"  # a number in digits, in an expression of time, stands for any number: "in 3 days", "in 10 days"
# the need an emergency of each kind is about
EMERGENCY_NEED = {
    "violence": "safety",
    "self-harm": "mental-health",
    "trafficking": "safety",
    "homeless-tonight": "housing",
    "medical": "health",
}

# ("need", slug), ("emergency", kind), or ("modifier", slug): words that say what kind of service she
# wants ("someone who speaks Arabic", "cheap") more than what she needs; they point to the need
# only when nothing else in the text does.
Label = tuple[str, str]
Forms = tuple[frozenset[str], ...]  # the forms of each word of a term
# Snowball cuts some words down to a stem of a few letters that many unrelated words share
# (Spanish "comer" and "como", French "payer" and "pays", "gare" and "gars"). A term whose stem is
# that short matches only as written, or as its plural.
SHORT_STEM = 3
SHORT_STEM_LANGUAGES = frozenset({"en", "fr", "es"})
# Arabic and Persian emergency terms match as written, without their clitics (و, ب, ال ... ; ها, ام ...),
# not by the stemmer's root: a pronoun is often all that tells "طلعوني" (they threw me out) from
# "طلعت" (I went out). Their inflections are listed.
WRITTEN_EMERGENCIES = frozenset({"ar", "fa"})


def bases(word: str) -> tuple[str, ...]:
    """The word, and the word without a plural ending: what a short-stemmed term is compared with."""
    out = [word]
    if len(word) > 3 and word[-1] in "sx":
        out.append(word[:-1])
        if word.endswith("es") and len(word) > 4:
            out.append(word[:-2])
    return tuple(out)


@dataclass
class Vocabulary:
    language: str
    single: dict[str, set[Label]] = field(default_factory=lambda: defaultdict(set))
    # one-word terms as written: a word that is a term as it stands means that term, whatever
    # other terms share its stem (Arabic "دكتور" is a doctor, though "دكتوراه" stems to it)
    written: dict[str, set[Label]] = field(default_factory=lambda: defaultdict(set))
    # words matched as written (or as their plural) rather than by stem: see SHORT_STEM
    exact: dict[str, set[Label]] = field(default_factory=lambda: defaultdict(set))
    # first word's form → [(the phrase's stems, labels, the phrase as written, each word's forms)]
    # a word of the text matches a word of the phrase when they share a form ("диплому", "диплома")
    phrases: dict[str, list[tuple[tuple[str, ...], frozenset[Label], str, tuple[frozenset[str], ...]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    stopwords: set[str] = field(default_factory=set)
    fuzzy_choices: list[str] = field(default_factory=list)
    # emergency kind → combinations, each a list of groups of terms, each term its words' forms;
    # every group must be present
    combinations: dict[str, list[list[list[Forms]]]] = field(default_factory=lambda: defaultdict(list))
    # for each combination, each group's first words (all their forms) together: a combination whose
    # group has none of them in the text is skipped with one set test per group
    combination_triggers: dict[str, list[tuple[frozenset[str], ...]]] = field(default_factory=lambda: defaultdict(list))
    # idioms that sound like an emergency and are not one ("this job is killing me"): first word as
    # written → [(each word as written, the kinds of emergency whose terms they cancel)]
    idioms: dict[str, list[tuple[Forms, frozenset[str]]]] = field(default_factory=lambda: defaultdict(list))
    # expressions of time ("next month", "tonight"): first word as written → [(each word as written,
    # LATER or NOW)]; see TONIGHT_KINDS
    times: dict[str, list[tuple[Forms, str]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, term: str, label: Label) -> None:
        parts = words(term, self.language)
        if not parts:
            return
        # a word typed in Latin letters (Arabizi, Finglish) matches by its skeleton only for an
        # emergency, where recall comes first ("tal3ouna", "tala3ona"): for needs, a skeleton stands
        # for too many words ("gama3a", a group, and "gam3a", a university)
        skeletons = label[0] == "emergency"
        stemmed = not (skeletons and self.language in WRITTEN_EMERGENCIES)
        if len(parts) == 1:
            forms = stems(parts[0], self.language, skeletons, stemmed)
            if self.language in SHORT_STEM_LANGUAGES and len(forms[0]) <= SHORT_STEM:
                self.exact[parts[0]].add(label)
                return
            for form in forms:
                self.single[form].add(label)
            self.written[parts[0]].add(label)
            return
        firsts = stems(parts[0], self.language, skeletons, stemmed)
        key = tuple(stems(p, self.language, skeletons, stemmed)[0] for p in parts)
        word_forms = tuple(frozenset(stems(p, self.language, skeletons, stemmed)) for p in parts)
        for first in firsts:
            self.phrases[first].append((key, frozenset({label}), term, word_forms))

    def forms_of(self, term: str) -> Forms:
        """Each word's forms, for a term of a combination (an emergency's: see `add`); a word whose
        stem is short matches as written, or as its plural (French "tue" is not "tu", you)."""
        out = []
        for part in words(term, self.language):
            forms = stems(part, self.language, stemmed=self.language not in WRITTEN_EMERGENCIES)
            if self.language in SHORT_STEM_LANGUAGES and len(forms[0]) <= SHORT_STEM:
                forms = bases(part)
            out.append(frozenset(forms))
        return tuple(out)

    def add_idiom(self, term: str, kinds: frozenset[str]) -> None:
        # an idiom is a fixed expression: its words match as written (folded), so that "پاسپورتمو گرفتم"
        # (I got my passport) does not also cancel "پاسپورتمو گرفت" (he took it), one stem apart
        word_forms = tuple(frozenset({part}) for part in words(term, self.language))
        for first in word_forms[0] if word_forms else ():
            self.idioms[first].append((word_forms, kinds))

    def add_time(self, term: str, when: str) -> None:
        # fixed expressions too, matched as written (folded), like idioms; a number matches any number
        word_forms = tuple(frozenset({NUMBER if part.isdigit() else part}) for part in words(term, self.language))
        for first in word_forms[0] if word_forms else ():
            self.times[first].append((word_forms, when))

    def labels(self, word: str, forms: Iterable[str]) -> set[Label]:
        """What one word of the text points to: by its stem, or as written for short stems."""
        found: set[Label] = set()
        if self.exact:
            for base in bases(word):
                found |= self.exact.get(base, set())
        for form in (word, *forms):
            found |= self.written.get(form, set())
        stemmed: set[Label] = set()
        for form in forms:
            stemmed |= self.single.get(form, set())
        if found:
            # a word that is a term as written means that term; but it never hides an emergency
            stemmed = {label for label in stemmed if label[0] == "emergency"}
        return found | stemmed

    def finish(self) -> None:
        self.fuzzy_choices = sorted(form for form in self.single if len(form) >= 4 and form not in self.stopwords)
        self._closest: dict[str, str | None] = {}

    def closest(self, stem: str) -> str | None:
        """The vocabulary word a misspelt one is closest to: one edit away for short words, two for
        long ones. Remembered, since people misspell the same words."""
        if stem in self._closest:
            return self._closest[stem]
        best = process.extractOne(
            stem, self.fuzzy_choices, scorer=Levenshtein.distance, score_cutoff=1 if len(stem) < 7 else 2
        )
        found = best[0] if best is not None else None
        if len(self._closest) < 100_000:
            self._closest[stem] = found
        return found


def compile_vocabulary(
    language: str, data: Mapping[str, Any], combinations: Mapping[str, Any] | None = None
) -> Vocabulary:
    vocabulary = Vocabulary(language)
    for kind, alternatives in (combinations or {}).items():
        for groups in alternatives:
            compiled = []
            for group in groups:
                compiled.append([forms for forms in (vocabulary.forms_of(str(term)) for term in group) if forms])
            vocabulary.combinations[kind].append(compiled)
            vocabulary.combination_triggers[kind].append(
                tuple(frozenset().union(*(phrase[0] for phrase in group)) for group in compiled)
            )
    for kind, terms in (data.get("idioms") or {}).items():
        kinds = frozenset(EMERGENCY_KINDS if kind == ANY_KIND else (kind,))
        for term in terms or []:
            vocabulary.add_idiom(str(term), kinds)
    for when in TIMES:
        for term in data.get(when) or []:
            vocabulary.add_time(str(term), when)
    for word in data.get("stopwords") or []:
        for part in words(str(word), language):
            vocabulary.stopwords.update(stems(part, language))
    for slug, terms in (data.get("needs") or {}).items():
        for term in terms or []:
            vocabulary.add(str(term), ("need", slug))
    for slug, terms in (data.get("modifiers") or {}).items():
        for term in terms or []:
            vocabulary.add(str(term), ("modifier", slug))
    for kind, terms in (data.get("emergency") or {}).items():
        for term in terms or []:
            vocabulary.add(str(term), ("emergency", kind))
    # a stopword never carries a need on its own
    for form in list(vocabulary.single):
        if form in vocabulary.stopwords:
            del vocabulary.single[form]
    for word in list(vocabulary.written):
        if set(stems(word, language)) & vocabulary.stopwords:
            del vocabulary.written[word]
    for word in list(vocabulary.exact):
        if set(stems(word, language)) & vocabulary.stopwords:
            del vocabulary.exact[word]
    vocabulary.finish()
    return vocabulary


COMBINATIONS_FILE = Path(__file__).resolve().parent / "combinations.yaml"


def load(folder: Path = VOCABULARY_DIR, languages: Iterable[str] = LANGUAGES) -> dict[str, Vocabulary]:
    combinations: dict[str, Any] = {}
    if COMBINATIONS_FILE.exists():
        with COMBINATIONS_FILE.open(encoding="utf-8") as handle:
            combinations = yaml.safe_load(handle) or {}
    out = {}
    for language in languages:
        path = folder / f"{language}.yaml"
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                out[language] = compile_vocabulary(language, yaml.safe_load(handle) or {}, combinations.get(language))
    return out
