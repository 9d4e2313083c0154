"""The triage engine: from what she writes (and a few optional answers) to her needs, an emergency
flag, and a short list of services she can use, each with its reasons.

Plain Python: plain data in, plain data out, no Django. Deterministic: the same input gives the
same output. Reasons are codes with a value (`Reason("speaks", "ar")`); the shell words them in
her language.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from welcoming.lib.geo import haversine_km
from welcoming.triage.text import LANGUAGES, detect, stems, words
from welcoming.triage.vocabulary import EMERGENCY_NEED, Label, Vocabulary

OTHER_LANGUAGE_WEIGHT = 0.5  # a word of another language's vocabulary counts, less
PHRASE_WEIGHT = 1.5
FUZZY_WEIGHT = 0.7
CHOSEN_WEIGHT = 2.5  # a need tile she tapped
BM25_K1, BM25_B = 1.2, 0.75


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


@dataclass
class _Evidence:
    score: float = 0.0
    words: dict[str, None] = field(default_factory=dict)

    def add(self, weight: float, word: str) -> None:
        self.score += weight
        self.words.setdefault(word, None)


class _Bm25:
    """A BM25 index of the services' text in one language."""

    def __init__(self, language: str, texts: Sequence[str], stopwords: set[str]) -> None:
        self.language = language
        self.stopwords = stopwords
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = []
        for index, text in enumerate(texts):
            counts: dict[str, int] = defaultdict(int)
            for word in words(text, language) if text else []:
                stem = stems(word, language)[0]
                if stem not in stopwords:
                    counts[stem] += 1
            for stem, tf in counts.items():
                self.postings[stem].append((index, tf))
            lengths.append(sum(counts.values()))
        self.lengths = lengths
        self.average = (sum(lengths) / len(lengths)) if lengths else 1.0
        self.count = len(texts)

    def search(self, query_stems: Iterable[str]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for stem in dict.fromkeys(query_stems):
            postings = self.postings.get(stem)
            if not postings or len(postings) > self.count / 2:
                continue
            idf = math.log(1 + (self.count - len(postings) + 0.5) / (len(postings) + 0.5))
            for index, tf in postings:
                norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[index] / self.average)
                scores[index] += idf * tf * (BM25_K1 + 1) / (tf + norm)
        return scores


class Engine:
    def __init__(self, vocabularies: Mapping[str, Vocabulary], services: Sequence[ServiceRecord]) -> None:
        self.vocabularies = dict(vocabularies)
        self.services = list(services)
        self.by_need: dict[str, list[int]] = defaultdict(list)
        for index, service in enumerate(self.services):
            for need in service.needs:
                self.by_need[need].append(index)
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

    def understand(self, text: str, language: str) -> tuple[dict[str, _Evidence], dict[str, _Evidence]]:
        """Needs and emergencies found in the text, with the words that led to each."""
        needs: dict[str, _Evidence] = defaultdict(_Evidence)
        emergencies: dict[str, _Evidence] = defaultdict(_Evidence)
        shown = words(text, language)  # evidence is quoted as she wrote it, folded her way
        for vocab_language, vocabulary in self.vocabularies.items():
            weight = 1.0 if vocab_language == language else OTHER_LANGUAGE_WEIGHT
            for label, matched_weight, (start, end) in self._matches(text, vocabulary):
                kind, name = label
                target = needs if kind == "need" else emergencies
                target[name].add(weight * matched_weight, " ".join(shown[start:end]))
        return needs, emergencies

    def _matches(self, text: str, vocabulary: Vocabulary) -> Iterable[tuple[Label, float, tuple[int, int]]]:
        """(label, weight, the span of words) for each vocabulary term found in the text."""
        language = vocabulary.language
        tokens = words(text, language)
        forms = [stems(token, language) for token in tokens]
        used = [False] * len(tokens)
        # phrases first: their words are not counted again alone
        for start, token_forms in enumerate(forms):
            for form in token_forms:
                for key, labels, _written in vocabulary.phrases.get(form, ()):
                    end = start + len(key)
                    if end <= len(forms) and all(key[i] in forms[start + i] for i in range(1, len(key))):
                        for label in labels:
                            yield label, PHRASE_WEIGHT, (start, end)
                        for i in range(start, end):
                            used[i] = True
        for position, token_forms in enumerate(forms):
            if used[position] or any(form in vocabulary.stopwords for form in token_forms):
                continue
            found: set[Label] = set()
            for form in token_forms:
                found |= vocabulary.single.get(form, set())
            if found:
                for label in found:
                    yield label, 1.0, (position, position + 1)
                continue
            stem = token_forms[0]
            if len(stem) >= 4 and vocabulary.fuzzy_choices:
                best = process.extractOne(
                    stem,
                    vocabulary.fuzzy_choices,
                    scorer=Levenshtein.distance,
                    score_cutoff=1 if len(stem) < 7 else 2,
                )
                if best is not None:
                    for label in vocabulary.single[best[0]]:
                        if label[0] == "need" or len(stem) >= 6:
                            yield label, FUZZY_WEIGHT, (position, position + 1)

    # --- the whole triage -------------------------------------------------------------------

    def triage(self, query: Query) -> Result:
        language = detect(query.text, query.language) if query.text.strip() else (query.language or "en")
        needs, emergencies = self.understand(query.text, language) if query.text.strip() else ({}, {})
        needs = defaultdict(_Evidence, needs)
        for slug in query.needs:
            needs[slug].add(CHOSEN_WEIGHT, slug)
        for kind, evidence in emergencies.items():
            needs[EMERGENCY_NEED[kind]].add(evidence.score, next(iter(evidence.words)))

        bm25: dict[int, float] = {}
        index = self.indexes.get(language)
        if index is not None and query.text.strip():
            query_stems = [stems(w, language)[0] for w in words(query.text, language)]
            bm25 = index.search(query_stems)
        if not needs and bm25:
            # the vocabulary missed: let the best-matching services say what she may need
            for position, (service_index, _score) in enumerate(heapq.nlargest(10, bm25.items(), key=lambda i: i[1])):
                for slug in self.services[service_index].needs[:1]:
                    needs[slug].add(0.3 / (1 + position), "…")

        ranked_needs = sorted(needs.items(), key=lambda item: (-item[1].score, item[0]))
        need_matches = tuple(
            NeedMatch(slug, round(1 - math.exp(-evidence.score), 3), tuple(w for w in evidence.words if w != "…"))
            for slug, evidence in ranked_needs
        )
        confidence = {match.slug: match.confidence for match in need_matches}
        emergency_kinds = tuple(sorted(emergencies, key=lambda k: -emergencies[k].score))
        results = self._rank(query, language, confidence, bm25)
        return Result(language, need_matches, bool(emergency_kinds), emergency_kinds, results)

    def _rank(
        self, query: Query, language: str, confidence: Mapping[str, float], bm25: Mapping[int, float]
    ) -> tuple[Match, ...]:
        top = max(confidence.values(), default=0.0)
        candidates: set[int] = set()
        for slug, value in confidence.items():
            if value >= 0.25 * top:
                candidates.update(self.by_need.get(slug, ()))
        best_text = max(bm25.values(), default=0.0)
        candidates.update(i for i, _ in heapq.nlargest(100, bm25.items(), key=lambda item: item[1]))
        spoken = {language, *query.languages_spoken}
        ages = [*query.children_ages, *([30] * (query.adults or 0))]
        scored: list[tuple[float, str, int, tuple[Reason, ...], float | None, bool | None]] = []
        for index in candidates:
            service = self.services[index]
            if query.free_only and not service.free:
                continue
            if ages and not any(_fits(age, service) for age in ages):
                continue
            reasons: list[Reason] = []
            served = sorted((confidence[n], n) for n in service.needs if n in confidence)
            score = 0.0
            if served:
                best, slug = served[-1]
                score += 3.0 * best + 0.5 * sum(c for c, _ in served[:-1])
                reasons.append(Reason("need", slug))
            if best_text:
                text_score = bm25.get(index, 0.0) / best_text
                score += 0.8 * text_score
                if text_score >= 0.5 and not served:
                    reasons.append(Reason("words"))
            speaks = sorted(spoken & service.languages)
            if speaks:
                score += 0.4
                reasons.append(Reason("speaks", language if language in speaks else speaks[0]))
            if service.free:
                score += 0.2
                reasons.append(Reason("free"))
            open_now = _open_now(service, query.now)
            if open_now:
                score += 0.2 + (0.3 if query.urgent else 0.0)
                always = any(s.opens == 0 and s.closes >= 1439 and len(s.days) == 7 for s in service.schedules)
                reasons.append(Reason("always_open" if always else "open_now"))
            distance = None
            if query.latitude is not None and query.longitude is not None and service.latitude is not None:
                distance = haversine_km(query.latitude, query.longitude, service.latitude, service.longitude or 0.0)
                score += 0.6 * math.exp(-distance / 3.0)
                reasons.append(Reason("distance", round(distance, 1)))
            if query.children_ages and service.maximum_age is not None and service.maximum_age <= 18:
                score += 0.2
                reasons.append(Reason("children"))
            if service.delivery == "phone":
                reasons.append(Reason("phone"))
            elif service.delivery == "virtual":
                reasons.append(Reason("online"))
            scored.append((score, service.id, index, tuple(reasons), distance, open_now))
        best_scores = heapq.nsmallest(query.limit, scored, key=lambda item: (-item[0], item[1]))
        return tuple(
            Match(self.services[index], round(score, 4), reasons, distance, open_now)
            for score, _id, index, reasons, distance, open_now in best_scores
        )


def _fits(age: int, service: ServiceRecord) -> bool:
    if service.minimum_age is not None and age < service.minimum_age:
        return False
    return not (service.maximum_age is not None and age > service.maximum_age)


def _open_now(service: ServiceRecord, now: tuple[int, int] | None) -> bool | None:
    if now is None or not service.schedules:
        return None
    weekday, minute = now
    return any(schedule.covers(weekday, minute) for schedule in service.schedules)
