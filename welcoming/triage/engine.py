"""The triage engine: from what she writes (and a few optional answers) to her needs, an emergency
flag, and a short list of services she can use, each with its reasons.

Plain Python: plain data in, plain data out, no Django. Deterministic: the same input gives the
same output. Reasons are codes with a value (`Reason("speaks", "ar")`); the shell words them in
her language.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from welcoming.lib.geo import EARTH_RADIUS_KM
from welcoming.triage.text import LANGUAGES, detect, script_languages, stems, words
from welcoming.triage.vocabulary import (
    EMERGENCY_NEED,
    LATER,
    NOW,
    NUMBER,
    SHORT_STEM_LANGUAGES,
    TONIGHT_KINDS,
    Forms,
    Label,
    Vocabulary,
)

OTHER_LANGUAGE_WEIGHT = 0.5  # a word of another language's vocabulary counts, less
PHRASE_WEIGHT = 1.5
FUZZY_WEIGHT = 0.7
MISSPELT_BESIDE_WORDS = 0.3  # a misspelt word's share when other words were understood as they are
MODIFIER_BESIDE_WORDS = 0.2  # a modifier's ("who speaks Arabic", "cheap") share beside a need's words
CHOSEN_WEIGHT = 2.5  # a need tile she tapped
EMERGENCY_WEIGHT = 2.0
FIRST_NAMED = 0.2  # the need she names first weighs this much more
NEED_WEIGHT = 3.0  # a service that answers her strongest need...
OTHER_NEED_WEIGHT = 1.5  # ...and each other need it answers: two of her needs come before one
BM25_K1, BM25_B = 1.2, 0.75
# how much the services' own words count: when her words name needs, they choose among the services
# of those needs and do not overturn them (the words that named the needs are counted there already)
TEXT_WEIGHT = 0.4
TEXT_ALONE_WEIGHT = 0.8  # when the vocabulary understood nothing, the text is all there is


@dataclass(frozen=True)
class Schedule:
    days: frozenset[int]  # 0 = Monday
    opens: int  # minutes after midnight
    closes: int

    def covers(self, weekday: int, minute: int) -> bool:
        return weekday in self.days and self.opens <= minute < self.closes


@dataclass(frozen=True)
class ServiceRecord:
    id: str
    needs: tuple[str, ...]
    languages: frozenset[str] = frozenset()
    free: bool = False
    latitude: float | None = None
    longitude: float | None = None
    schedules: tuple[Schedule, ...] = ()
    minimum_age: float | None = None
    maximum_age: float | None = None
    delivery: str = "in-person"  # in-person, virtual or phone
    texts: Mapping[str, str] = field(default_factory=dict)  # language → searchable text in it
    payload: Any = None  # whatever the caller wants back with a match


@dataclass(frozen=True)
class Query:
    text: str = ""
    language: str | None = None  # a hint; otherwise detected from the text
    needs: tuple[str, ...] = ()  # tiles she chose
    adults: int | None = None
    children_ages: tuple[int, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    languages_spoken: tuple[str, ...] = ()
    urgent: bool = False
    free_only: bool = False
    now: tuple[int, int] | None = None  # (weekday, minute of the day), local to the city
    limit: int = 10


@dataclass(frozen=True)
class NeedMatch:
    slug: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    code: str  # need, speaks, free, open_now, always_open, distance, children, phone, online, words
    value: Any = None


@dataclass(frozen=True)
class Match:
    service: ServiceRecord
    score: float
    reasons: tuple[Reason, ...]
    distance_km: float | None
    open_now: bool | None


@dataclass(frozen=True)
class Result:
    language: str
    needs: tuple[NeedMatch, ...]
    emergency: bool
    emergency_kinds: tuple[str, ...]
    results: tuple[Match, ...]


UNPLACED = 1 << 30  # evidence that is no word of hers (a tile she tapped)


@dataclass
class _Evidence:
    score: float = 0.0
    words: dict[str, None] = field(default_factory=dict)
    first: int = UNPLACED  # the position of the first word that led to it

    def add(self, weight: float, word: str, position: int = UNPLACED) -> None:
        self.score += weight
        self.words.setdefault(word, None)
        self.first = min(self.first, position)


class _Bm25:
    """A BM25 index of the services' text in one language; each word's postings are arrays with the
    per-document part of the score worked out in advance."""

    def __init__(self, language: str, texts: Sequence[str], stopwords: set[str]) -> None:
        self.count = len(texts)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(self.count)
        for index, text in enumerate(texts):
            counts: dict[str, int] = defaultdict(int)
            for word in words(text, language) if text else []:
                stem = stems(word, language)[0]
                if stem not in stopwords:
                    counts[stem] += 1
            for stem, tf in counts.items():
                postings[stem].append((index, tf))
            lengths[index] = sum(counts.values())
        average = float(lengths.mean()) if self.count and lengths.any() else 1.0
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for stem, entries in postings.items():
            rows = np.array([i for i, _ in entries], dtype=np.int64)
            frequency = np.array([t for _, t in entries], dtype=np.float64)
            norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[rows] / average)
            df = len(entries)
            idf = math.log(1 + (self.count - df + 0.5) / (df + 0.5))
            self.postings[stem] = (rows, idf * frequency * (BM25_K1 + 1) / (frequency + norm))

    def search(self, query_stems: Iterable[str]) -> np.ndarray | None:
        """Every service's score for these words, or None when no word is in the index."""
        scores = None
        for stem in dict.fromkeys(query_stems):
            found = self.postings.get(stem)
            if found is None or len(found[0]) > self.count / 2:
                continue
            if scores is None:
                scores = np.zeros(self.count)
            scores[found[0]] += found[1]
        return scores


class Engine:
    def __init__(self, vocabularies: Mapping[str, Vocabulary], services: Sequence[ServiceRecord]) -> None:
        self.vocabularies = dict(vocabularies)
        self.services = list(services)
        self.table = _Table(self.services)
        self.indexes = {
            language: _Bm25(
                language,
                [s.texts.get(language, "") for s in self.services],
                self.vocabularies[language].stopwords if language in self.vocabularies else set(),
            )
            for language in LANGUAGES
            if any(s.texts.get(language) for s in self.services)
        }

    # --- what she needs ---------------------------------------------------------------------

    def understand(
        self, text: str, language: str, hint: str | None = None
    ) -> tuple[dict[str, _Evidence], dict[str, _Evidence]]:
        """Needs and emergencies found in the text, with the words that led to each. The vocabularies
        read are those of the text's scripts, and of her language (Arabic typed in Latin letters).

        Her language is read first; another language's vocabulary reads only the words hers left
        alone (neither understood nor stopwords): "bus" is not three words because three languages
        know it, nor is the Spanish "come" (eats) in an English sentence. Another language's emergency
        terms read her stopwords too, but not the words hers understood: the Spanish "enfermera" (nurse)
        is not the French "enfermés" (locked in). A misspelt word counts in
        full only when no word was understood as written, and a modifier ("cheap", "someone who
        speaks Arabic") only when nothing else points to a need; otherwise they only break ties."""
        needs: dict[str, _Evidence] = defaultdict(_Evidence)
        emergencies: dict[str, _Evidence] = defaultdict(_Evidence)
        shown = words(text, language)  # evidence is quoted as she wrote it, folded her way
        readable = script_languages(text) | ({hint} if hint else set())
        own_languages = [code for code in dict.fromkeys((language, hint)) if code in self.vocabularies]
        order = [*own_languages, *(code for code in self.vocabularies if code not in own_languages)]
        taken: set[int] = set()  # word positions already read
        understood_words: set[int] = set()  # ...and those her language read as a term, as written
        # the words of idioms found so far ("this job is killing me"), by the kind of emergency they
        # cancel: another language's terms ("overdose" is French too) do not raise it either
        idiomatic: dict[str, set[int]] = {}
        found: list[tuple[Label, float, str, int, bool]] = []  # label, weight, evidence, position, misspelt
        for vocab_language in order:
            if vocab_language not in readable:
                continue
            vocabulary = self.vocabularies[vocab_language]
            own = vocab_language in own_languages
            weight = 1.0 if own else OTHER_LANGUAGE_WEIGHT
            tokens = words(text, vocab_language)
            aligned = len(tokens) == len(shown)
            read: set[int] = set()
            matches = self._matches(text, vocabulary, fuzzy=own, idiomatic=idiomatic if aligned else {})
            for label, matched_weight, (start, end), misspelt in matches:
                span = range(start, end)
                # a need's words are read once; an emergency's, unless her language understood them
                blocked = label[0] != "emergency" or (not own and understood_words.intersection(span))
                if aligned and blocked and taken.intersection(span):
                    continue
                read.update(span)
                if own and aligned and not misspelt:
                    understood_words.update(span)
                evidence = " ".join((shown if aligned else tokens)[start:end])
                found.append((label, weight * matched_weight, evidence, start if aligned else len(shown), misspelt))
            if aligned:
                taken |= read
                if own:  # her stopwords are not read as another language's words either
                    taken.update(
                        i
                        for i, token in enumerate(tokens)
                        if vocabulary.stopwords.intersection(stems(token, vocab_language))
                    )
        if any(label[0] == "emergency" and label[1] in TONIGHT_KINDS for label, *_rest in found) and self._later(
            text, readable, own_languages
        ):
            # she places it later ("next month", "when the lease ends"), and not now: no emergency of
            # tonight, but its words still say what she needs (a home)
            found = [
                (("need", EMERGENCY_NEED[label[1]]), weight, evidence, position, misspelt)
                if label[0] == "emergency" and label[1] in TONIGHT_KINDS
                else (label, weight, evidence, position, misspelt)
                for label, weight, evidence, position, misspelt in found
            ]
        understood = any(label[0] == "need" and not misspelt for label, *_rest, misspelt in found)
        guessed = any(label[0] == "need" for label, *_rest in found)
        for (kind, name), matched_weight, evidence, position, misspelt in found:
            target = emergencies if kind == "emergency" else needs
            share = 1.0
            if kind == "modifier" and guessed:
                share = MODIFIER_BESIDE_WORDS
            elif misspelt and understood:
                share = MISSPELT_BESIDE_WORDS
            target[name].add(matched_weight * share, evidence, position if share == 1.0 else UNPLACED)
        return needs, emergencies

    def _later(self, text: str, readable: set[str], own_languages: Sequence[str]) -> bool:
        """Whether she places what she says later and not now: an expression of later in her language
        ("next month", "الشهر الجاي"), and of now in none that reads the text ("tonight", "today")."""
        later = False
        for vocab_language in self.vocabularies:
            if vocab_language not in readable:
                continue
            times = _times(self.vocabularies[vocab_language], text)
            if NOW in times:
                return False
            later = later or (LATER in times and vocab_language in own_languages)
        return later

    def _matches(
        self, text: str, vocabulary: Vocabulary, fuzzy: bool = True, idiomatic: dict[str, set[int]] | None = None
    ) -> Iterable[tuple[Label, float, tuple[int, int], bool]]:
        """(label, weight, the span of words, misspelt) for each vocabulary term found in the text. Misspelt
        words are forgiven only in her own language, and never for an emergency: a near miss there
        ("waiting" / "suicide" in Arabic) would cry wolf."""
        language = vocabulary.language
        tokens = words(text, language)
        forms = [stems(token, language) for token in tokens]
        used = [False] * len(tokens)
        present = {form for token_forms in forms for form in token_forms}
        # combinations and idioms also see each word as written: their words with a short stem match
        # only so (see Vocabulary.forms_of)
        if language in SHORT_STEM_LANGUAGES:
            forms_as_written = [(token, *token_forms) for token, token_forms in zip(tokens, forms, strict=True)]
            present.update(tokens)
        else:
            forms_as_written = forms
        # idioms ("this job is killing me", "je crève la dalle"): their words count for no emergency
        # of their kinds; `idiomatic` brings those other vocabularies found in the same words
        idiomatic = {} if idiomatic is None else idiomatic
        for kind, positions in _idioms(vocabulary, forms_as_written, present).items():
            idiomatic.setdefault(kind, set()).update(positions)

        def cancelled(label: Label, start: int, end: int) -> bool:
            positions = idiomatic.get(label[1]) if label[0] == "emergency" else None
            return positions is not None and not positions.isdisjoint(range(start, end))

        for kind, alternatives in vocabulary.combinations.items():
            hidden = idiomatic.get(kind)
            kind_forms = (
                [() if i in hidden else f for i, f in enumerate(forms_as_written)] if hidden else forms_as_written
            )
            for groups, triggers in zip(alternatives, vocabulary.combination_triggers[kind], strict=True):
                # cheap test first: every group has at least the first word of one of its terms
                if any(trigger.isdisjoint(present) for trigger in triggers):
                    continue
                spans = [_find_any(group, kind_forms) for group in groups]
                if all(span is not None for span in spans):
                    yield ("emergency", kind), 1.0, spans[0], False  # type: ignore[misc]
                    break
        # phrases first: their words are not counted again alone. Phrases of one need that overlap
        # ("cant pay", "cant pay rent", "pay rent") are one expression: the longest counts.
        phrases: list[tuple[int, int, frozenset[Label]]] = []
        for start, token_forms in enumerate(forms):
            for form in token_forms:
                for key, labels, _written, word_forms in vocabulary.phrases.get(form, ()):
                    end = start + len(key)
                    if end <= len(forms) and all(
                        not word_forms[i].isdisjoint(forms[start + i]) for i in range(1, len(key))
                    ):
                        phrases.append((start, end, labels))
        phrases.sort(key=lambda phrase: (phrase[0] - phrase[1], phrase[0]))
        counted: dict[tuple[bool, str], list[tuple[int, int]]] = defaultdict(list)
        for start, end, labels in phrases:
            for label in labels:
                about = (label[0] == "emergency", label[1])  # a need and its modifiers are one
                if any(start < other_end and other_start < end for other_start, other_end in counted[about]):
                    continue
                if cancelled(label, start, end):
                    continue
                counted[about].append((start, end))
                yield label, PHRASE_WEIGHT, (start, end), False
            for i in range(start, end):
                used[i] = True
        for position, token_forms in enumerate(forms):
            if used[position] or any(form in vocabulary.stopwords for form in token_forms):
                continue
            found = vocabulary.labels(tokens[position], token_forms)
            if found:
                for label in found:
                    if not cancelled(label, position, position + 1):
                        yield label, 1.0, (position, position + 1), False
                continue
            stem = token_forms[0]
            if fuzzy and len(stem) >= 4 and vocabulary.fuzzy_choices:
                closest = vocabulary.closest(stem)
                if closest is not None:
                    for label in vocabulary.single[closest]:
                        if label[0] == "need":
                            yield label, FUZZY_WEIGHT, (position, position + 1), True

    # --- the whole triage -------------------------------------------------------------------

    def triage(self, query: Query) -> Result:
        language = detect(query.text, query.language) if query.text.strip() else (query.language or "en")
        hint = query.language if query.language in self.vocabularies else None
        needs, emergencies = self.understand(query.text, language, hint) if query.text.strip() else ({}, {})
        needs = defaultdict(_Evidence, needs)
        for slug in query.needs:
            needs[slug].add(CHOSEN_WEIGHT, slug)
        for kind, evidence in emergencies.items():
            # in danger, the need that answers the danger comes first
            needs[EMERGENCY_NEED[kind]].add(EMERGENCY_WEIGHT * evidence.score, next(iter(evidence.words)))

        bm25 = None
        index = self.indexes.get(language)
        if index is not None and query.text.strip():
            bm25 = index.search(stems(w, language)[0] for w in words(query.text, language))
        named = bool(needs)
        if not needs and bm25 is not None:
            # the vocabulary missed: let the best-matching services say what she may need
            best = np.argsort(-bm25, kind="stable")[:10]
            for position, service_index in enumerate(i for i in best.tolist() if bm25[i] > 0):
                for slug in self.services[service_index].needs[:1]:
                    needs[slug].add(0.3 / (1 + position), "…")

        # she names first what she came for: between needs of about the same evidence, the one
        # she wrote first leads ("a job and a daycare", "cheap bike to go to work")
        placed = [slug for slug, evidence in needs.items() if evidence.first != UNPLACED]
        leading = min(placed, key=lambda slug: (needs[slug].first, slug), default=None)
        score = {slug: evidence.score * (1 + FIRST_NAMED if slug == leading else 1) for slug, evidence in needs.items()}
        ranked_needs = sorted(needs.items(), key=lambda item: (-score[item[0]], item[0]))
        need_matches = tuple(
            NeedMatch(slug, round(1 - math.exp(-evidence.score), 3), tuple(w for w in evidence.words if w != "…"))
            for slug, evidence in ranked_needs
        )
        # services are weighed by each need's evidence next to the strongest one's: confidence
        # saturates near 1 and would let small bonuses (free, nearby) mix needs up
        strongest = max(score.values(), default=0.0)
        weight = {slug: value / strongest for slug, value in score.items() if strongest}
        emergency_kinds = tuple(sorted(emergencies, key=lambda k: -emergencies[k].score))
        results = self._rank(query, language, weight, bm25, TEXT_WEIGHT if named else TEXT_ALONE_WEIGHT)
        return Result(language, need_matches, bool(emergency_kinds), emergency_kinds, results)

    def _rank(
        self,
        query: Query,
        language: str,
        confidence: Mapping[str, float],
        bm25: np.ndarray | None,
        text_weight: float = TEXT_ALONE_WEIGHT,
    ) -> tuple[Match, ...]:
        """Scores every service at once (numpy), then words the reasons of the few that win."""
        table = self.table
        if not table.count:
            return ()
        weights = np.array([confidence.get(slug, 0.0) for slug in table.needs], dtype=np.float64)
        top = weights.max(initial=0.0)
        weights[weights < 0.25 * top] = 0.0  # needs far behind the first do not pull services in
        wanted = np.flatnonzero(weights)
        if len(wanted):
            served = table.serves[:, wanted] * weights[wanted]
            best = served.max(axis=1)
            score = NEED_WEIGHT * best + OTHER_NEED_WEIGHT * (served.sum(axis=1) - best)
        else:
            best = np.zeros(table.count)
            score = np.zeros(table.count)
        text = np.zeros(table.count)
        if bm25 is not None and bm25.max() > 0:
            text = bm25 / bm25.max()
        score += text_weight * text
        eligible = (best > 0) | (text > 0)
        if query.free_only:
            eligible &= table.free
        ages = [*query.children_ages, *([30] * (query.adults or 0))]
        if ages:
            fits = np.zeros(table.count, dtype=bool)
            for age in ages:
                fits |= (table.minimum_age <= age) & (age <= table.maximum_age)
            eligible &= fits
        spoken_mask = table.language_mask({language, *query.languages_spoken})
        speaks = (table.languages & spoken_mask) != 0
        score += 0.4 * speaks + 0.2 * table.free
        distance = None
        if query.latitude is not None and query.longitude is not None:
            distance = _haversine(query.latitude, query.longitude, table.latitude, table.longitude)
            score += np.where(np.isnan(distance), 0.0, 0.6 * np.exp(-np.nan_to_num(distance, nan=0.0) / 3.0))
        if query.children_ages:
            score += 0.2 * table.for_children
        score = np.where(eligible, score, -np.inf)
        candidates = np.flatnonzero(eligible)
        if not len(candidates):
            return ()
        # "open now" adds at most `bonus`: only services within reach of the winners need the exact check
        bonus = 0.05 + (0.45 if query.urgent else 0.0)
        limit = min(query.limit, len(candidates))
        kth = np.partition(score[candidates], len(candidates) - limit)[len(candidates) - limit]
        close = candidates[score[candidates] >= kth - bonus]
        if len(close) > MAX_EXACT:
            close = close[np.argsort(-score[close], kind="stable")[:MAX_EXACT]]
        finals = []
        for index in close.tolist():
            service = self.services[index]
            open_now = _open_now(service, query.now)
            final = float(score[index]) + (bonus if open_now else 0.0)
            finals.append((-final, service.id, index, open_now))
        finals.sort()
        matches = []
        for negative, _id, index, open_now in finals[: query.limit]:
            service = self.services[index]
            km = None if distance is None or np.isnan(distance[index]) else float(distance[index])
            reasons = self._reasons(service, confidence, float(text[index]), language, spoken_mask, open_now, km, query)
            matches.append(Match(service, round(-negative, 4), reasons, km, open_now))
        return tuple(matches)

    def _reasons(
        self,
        service: ServiceRecord,
        confidence: Mapping[str, float],
        text_score: float,
        language: str,
        spoken_mask: int,
        open_now: bool | None,
        distance: float | None,
        query: Query,
    ) -> tuple[Reason, ...]:
        reasons: list[Reason] = []
        served = sorted((confidence[n], n) for n in service.needs if confidence.get(n))
        if served:
            reasons.append(Reason("need", served[-1][1]))
        elif text_score >= 0.5:
            reasons.append(Reason("words"))
        speaks = sorted(code for code in service.languages if self.table.language_mask({code}) & spoken_mask)
        if speaks:
            reasons.append(Reason("speaks", language if language in speaks else speaks[0]))
        if service.free:
            reasons.append(Reason("free"))
        if open_now:
            always = any(s.opens == 0 and s.closes >= 1439 and len(s.days) == 7 for s in service.schedules)
            reasons.append(Reason("always_open" if always else "open_now"))
        if distance is not None:
            reasons.append(Reason("distance", round(distance, 1)))
        if query.children_ages and service.maximum_age is not None and service.maximum_age <= 18:
            reasons.append(Reason("children"))
        if service.delivery == "phone":
            reasons.append(Reason("phone"))
        elif service.delivery == "virtual":
            reasons.append(Reason("online"))
        return tuple(reasons)


MAX_EXACT = 2000


class _Table:
    """The services as columns, so a query scores them all in a few vector operations."""

    def __init__(self, services: Sequence[ServiceRecord]) -> None:
        self.count = len(services)
        self.needs = sorted({need for s in services for need in s.needs})
        column = {need: i for i, need in enumerate(self.needs)}
        self.serves = np.zeros((self.count, len(self.needs)), dtype=np.float64)
        for row, service in enumerate(services):
            for need in service.needs:
                self.serves[row, column[need]] = 1.0
        self.bits: dict[str, int] = {}
        for service in services:
            for code in sorted(service.languages):
                if code not in self.bits and len(self.bits) < 63:
                    self.bits[code] = 1 << len(self.bits)
        self.languages = np.array([self.language_mask(s.languages) for s in services], dtype=np.int64)
        self.free = np.array([s.free for s in services], dtype=bool)
        self.latitude = np.array([np.nan if s.latitude is None else s.latitude for s in services], dtype=np.float64)
        self.longitude = np.array([np.nan if s.longitude is None else s.longitude for s in services], dtype=np.float64)
        self.minimum_age = np.array([-np.inf if s.minimum_age is None else s.minimum_age for s in services])
        self.maximum_age = np.array([np.inf if s.maximum_age is None else s.maximum_age for s in services])
        self.for_children = self.maximum_age <= 18

    def language_mask(self, codes: Iterable[str]) -> int:
        mask = 0
        for code in codes:
            mask |= self.bits.get(code, 0)
        return mask


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat), np.radians(lats)
    dphi = phi2 - phi1
    dlambda = np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def _find_any(group: Sequence[Forms], forms: Sequence[tuple[str, ...]]) -> tuple[int, int] | None:
    """Where in the text one of the group's words or phrases stands (every word of a phrase in a row,
    each sharing a form with the text's word)."""
    for phrase in group:
        for start in range(len(forms) - len(phrase) + 1):
            if all(not phrase[i].isdisjoint(forms[start + i]) for i in range(len(phrase))):
                return start, start + len(phrase)
    return None


def _idioms(vocabulary: Vocabulary, forms: Sequence[tuple[str, ...]], present: set[str]) -> dict[str, set[int]]:
    """The positions of the words of each idiom found in the text, by the kind of emergency it cancels."""
    out: dict[str, set[int]] = {}
    if not vocabulary.idioms or vocabulary.idioms.keys().isdisjoint(present):
        return out
    for start, token_forms in enumerate(forms):
        for form in token_forms:
            for word_forms, kinds in vocabulary.idioms.get(form, ()):
                end = start + len(word_forms)
                if end <= len(forms) and all(
                    not word_forms[i].isdisjoint(forms[start + i]) for i in range(1, len(word_forms))
                ):
                    for kind in kinds:
                        out.setdefault(kind, set()).update(range(start, end))
    return out


def _times(vocabulary: Vocabulary, text: str) -> set[str]:
    """When she places what she says, by the vocabulary's expressions of time found in the text: LATER,
    NOW, both or neither. An expression of now within one of later ("two weeks from now") is not one."""
    if not vocabulary.times:
        return set()
    language = vocabulary.language
    forms: list[tuple[str, ...]] = []
    for token in words(text, language):
        token_forms = stems(token, language)
        if language in SHORT_STEM_LANGUAGES:
            token_forms = (token, *token_forms)
        forms.append((*token_forms, NUMBER) if token.isdigit() else token_forms)
    spans: dict[str, list[range]] = {LATER: [], NOW: []}
    for start, token_forms in enumerate(forms):
        for form in token_forms:
            for word_forms, when in vocabulary.times.get(form, ()):
                end = start + len(word_forms)
                if end <= len(forms) and all(
                    not word_forms[i].isdisjoint(forms[start + i]) for i in range(1, len(word_forms))
                ):
                    spans[when].append(range(start, end))
    out = {LATER} if spans[LATER] else set()
    later_words = {i for span in spans[LATER] for i in span}
    if any(later_words.isdisjoint(span) for span in spans[NOW]):
        out.add(NOW)
    return out


def _open_now(service: ServiceRecord, now: tuple[int, int] | None) -> bool | None:
    if now is None or not service.schedules:
        return None
    weekday, minute = now
    return any(schedule.covers(weekday, minute) for schedule in service.schedules)
