"""The engine alone: plain data in, plain data out, no database."""

from __future__ import annotations

from typing import Any

import pytest

from welcoming.triage.engine import Engine, Query, Schedule, ServiceRecord
from welcoming.triage.text import detect, stems, words
from welcoming.triage.vocabulary import compile_vocabulary

VOCABULARY: dict[str, dict[str, Any]] = {
    "ar": {
        "needs": {"health": ["طبيب", "دكتور", "مريض", "مستشفى"], "housing": ["سكن", "بيت", "ايجار"]},
        "emergency": {"violence": ["يضربني"], "homeless-tonight": ["ما عندي مكان انام فيه"]},
        "stopwords": ["في", "انا", "و"],
    },
    "fa": {"needs": {"health": ["دکتر", "مریض", "بیمارستان"]}, "emergency": {}, "stopwords": ["من"]},
    "uk": {"needs": {"health": ["лікар", "лікарня"], "housing": ["житло", "квартира"]}, "emergency": {}},
    "en": {
        "needs": {"health": ["doctor", "sick", "clinic"], "housing": ["flat", "rent", "housing"]},
        "emergency": {"violence": ["hitting me", "beats me"], "self-harm": ["kill myself"]},
        "stopwords": ["i", "my", "a", "need", "is", "me"],
    },
    "fr": {"needs": {"food": ["pain", "nourriture"], "health": ["medecin"]}, "emergency": {}},
    "es": {"needs": {"health": ["medico", "enfermo"]}, "emergency": {}},
}
VOCABULARIES = {lang: compile_vocabulary(lang, data) for lang, data in VOCABULARY.items()}
WEEKDAYS = frozenset(range(5))


def service(id: str, needs: tuple[str, ...], **kwargs: object) -> ServiceRecord:
    return ServiceRecord(id=id, needs=needs, **kwargs)  # type: ignore[arg-type]


SERVICES = [
    service(
        "clinic-ar",
        ("health",),
        languages=frozenset({"ar", "en"}),
        free=True,
        latitude=44.231,
        longitude=-76.486,
        schedules=(Schedule(WEEKDAYS, 9 * 60, 17 * 60),),
        texts={"en": "Family doctor clinic"},
    ),
    service(
        "clinic-en",
        ("health",),
        languages=frozenset({"en"}),
        free=False,
        latitude=44.30,
        longitude=-76.40,
        texts={"en": "Walk-in clinic"},
    ),
    service(
        "dentist",
        ("health",),
        languages=frozenset({"en"}),
        free=True,
        minimum_age=18,
        texts={"en": "Low-cost dental care"},
    ),
    service(
        "shelter",
        ("housing", "safety"),
        languages=frozenset({"en", "ar"}),
        free=True,
        schedules=(Schedule(frozenset(range(7)), 0, 1440),),
        texts={"en": "Emergency shelter beds"},
    ),
    service("flats", ("housing",), languages=frozenset({"en"}), free=True, texts={"en": "Help finding a flat"}),
    service("bread", ("food",), free=True, texts={"fr": "Banque alimentaire, pain et légumes", "en": "Food bank"}),
    service("bikes", ("transport",), free=True, texts={"en": "Refurbished bicycles for newcomers"}),
]
ENGINE = Engine(VOCABULARIES, SERVICES)
MONDAY_NOON = (0, 12 * 60)


def test_she_writes_in_arabic_and_gets_health_services_with_reasons() -> None:
    result = ENGINE.triage(Query(text="ابني مريض ويحتاج طبيب", now=MONDAY_NOON))
    assert result.language == "ar"
    assert result.needs[0].slug == "health"
    assert set(result.needs[0].evidence) == {"مريض", "طبيب"}
    assert not result.emergency
    first = result.results[0]
    assert first.service.id == "clinic-ar"
    assert {r.code for r in first.reasons} >= {"need", "speaks", "free", "open_now"}
    assert all("health" in m.service.needs for m in result.results[:3])


def test_diacritics_tatweel_and_hamza_do_not_stop_a_match() -> None:
    result = ENGINE.triage(Query(text="أحتاج طَبِيـــب في المستشفى"))
    assert result.needs[0].slug == "health"


def test_typos_are_forgiven() -> None:
    assert ENGINE.triage(Query(text="i need a docter", language="en")).needs[0].slug == "health"
    assert ENGINE.triage(Query(text="my son is sik", language="en")).needs == ()  # too short to guess


def test_violence_raises_the_emergency_flag_and_points_to_safety() -> None:
    result = ENGINE.triage(Query(text="my husband is hitting me", language="en"))
    assert result.emergency and result.emergency_kinds == ("violence",)
    arabic = ENGINE.triage(Query(text="ما عندي مكان انام فيه الليلة"))
    assert arabic.emergency and "homeless-tonight" in arabic.emergency_kinds
    assert arabic.needs[0].slug == "housing"
    assert arabic.results[0].service.id == "shelter"


def test_a_word_means_what_it_means_in_her_language() -> None:
    assert ENGINE.triage(Query(text="je cherche du pain", language="fr")).needs[0].slug == "food"


def test_the_language_is_detected_from_the_script_and_letters() -> None:
    assert detect("پسرم مریض است") == "fa"
    assert detect("ابني مريض") == "ar"
    assert detect("мій син хворий") == "uk"
    assert detect("mi hijo está enfermo") == "es"
    assert detect("mon fils est malade") == "fr"
    assert detect("my son is sick") == "en"
    assert detect("my son is sick", hint="ar") == "en"


def test_free_only_and_ages_filter_the_list() -> None:
    free = ENGINE.triage(Query(text="doctor", language="en", free_only=True))
    assert "clinic-en" not in {m.service.id for m in free.results}
    child = ENGINE.triage(Query(text="doctor", language="en", children_ages=(6,), adults=0))
    assert "dentist" not in {m.service.id for m in child.results}


def test_distance_orders_equal_services_and_is_given_in_km() -> None:
    result = ENGINE.triage(Query(text="doctor", language="en", latitude=44.30, longitude=-76.40))
    by_id = {m.service.id: m for m in result.results}
    assert by_id["clinic-en"].distance_km == pytest.approx(0.0, abs=0.01)
    assert by_id["clinic-ar"].distance_km == pytest.approx(10.2, abs=0.5)


def test_a_chosen_tile_is_enough_without_text() -> None:
    result = ENGINE.triage(Query(needs=("housing",), language="uk"))
    assert result.needs[0].slug == "housing"
    assert {m.service.id for m in result.results[:2]} == {"shelter", "flats"}


def test_what_the_vocabulary_misses_the_service_text_can_find() -> None:
    result = ENGINE.triage(Query(text="refurbished bicycles", language="en"))
    assert result.results[0].service.id == "bikes"
    assert result.needs[0].slug == "transport"


def test_the_same_question_always_gets_the_same_answer() -> None:
    query = Query(text="ابني مريض", now=MONDAY_NOON, latitude=44.2, longitude=-76.5)
    assert ENGINE.triage(query) == ENGINE.triage(query)


def test_persian_and_ukrainian_words_are_stemmed_lightly() -> None:
    assert "دکتر" in stems("دکترها", "fa")
    assert "лікар" in stems("лікаря", "uk")
    assert words("Ще́ раз", "uk") == ("ще", "раз") or words("Ще́ раз", "uk")[1] == "раз"


def test_the_evaluation_set_passes_its_own_checks(capsys: pytest.CaptureFixture[str]) -> None:
    from welcoming.triage.eval import check_eval

    assert check_eval.main(["check_eval"]) == 0, capsys.readouterr().out


def test_the_vocabulary_files_pass_their_own_checks(capsys: pytest.CaptureFixture[str]) -> None:
    from welcoming.triage.tests import vocabulary_checks

    assert vocabulary_checks.main([]) == 0, capsys.readouterr().out


# --- how needs are weighed and services ranked --------------------------------------------------

RANKING_VOCABULARY: dict[str, dict[str, Any]] = {
    "en": {
        "needs": {
            "transport": ["bus", "bike"],
            "employment": ["job", "work"],
            "childcare": ["daycare"],
            "health": ["doctor"],
            "language": ["english class"],
        },
        "modifiers": {"language": ["who speaks"], "financial": ["cheap"]},
        "stopwords": ["a", "and", "i", "need", "to", "for", "my"],
    },
    "es": {
        "needs": {"transport": ["bus"], "food": ["comer", "comida"], "legal": ["divorcio"]},
        "stopwords": ["me", "quiero", "de"],
    },
    "fr": {"needs": {"transport": ["bus"], "health": ["hôpital"]}, "stopwords": ["je", "a", "la"]},
    "uk": {"needs": {"education": ["підтвердження диплома"]}, "stopwords": ["мені"]},
}
RANKING_SERVICES = [
    service("jobs", ("employment",), texts={"en": "Job search help"}),
    service("jobs-2", ("employment",), texts={"en": "Job coaching"}),
    service("daycare", ("childcare",), texts={"en": "Licensed daycare"}),
    service("daycare-2", ("childcare",), texts={"en": "Daycare drop-in"}),
    service("both", ("childcare", "employment"), texts={"en": "Child minding while you look for work"}),
    service("bus-pass", ("transport",), texts={"en": "Bus pass"}),
    service("clinic", ("health",), texts={"en": "Clinic"}),
    service("english", ("language",), texts={"en": "English class"}),
]
RANKING_ENGINE = Engine(
    {lang: compile_vocabulary(lang, data) for lang, data in RANKING_VOCABULARY.items()}, RANKING_SERVICES
)


def needs_of(text: str, language: str) -> dict[str, float]:
    return {n.slug: n.confidence for n in RANKING_ENGINE.triage(Query(text=text, language=language)).needs}


def test_a_word_two_languages_know_counts_once() -> None:
    # "bus" is English, French and Spanish: still one word
    assert needs_of("bus", "en")["transport"] == needs_of("doctor", "en")["health"]


def test_a_short_stem_does_not_stand_for_other_words() -> None:
    # Spanish "como" (how) and "comer" (to eat) share the stem "com"
    assert "food" not in needs_of("quiero divorcio como hago", "es")
    assert "food" in needs_of("comer", "es")


def test_french_elision_and_ukrainian_endings_do_not_hide_a_word() -> None:
    assert "health" in needs_of("je vais a l'hôpital", "fr")
    assert "education" in needs_of("підтвердження диплому", "uk")


def test_a_modifier_counts_only_when_nothing_else_points_to_a_need() -> None:
    assert max(needs_of("a cheap doctor", "en").items(), key=lambda item: item[1])[0] == "health"
    assert needs_of("a cheap doctor", "en").get("financial", 0) < 0.25
    assert list(needs_of("something cheap", "en")) == ["financial"]
    assert list(needs_of("doctor who speaks arabic", "en")) == ["health", "language"]


def test_the_need_she_names_first_leads_a_tie_and_services_for_both_come_first() -> None:
    result = RANKING_ENGINE.triage(Query(text="i need a job and a daycare", language="en"))
    assert [n.slug for n in result.needs[:2]] == ["employment", "childcare"]
    assert result.results[0].service.id == "both"
    assert {m.service.id for m in result.results[1:3]} == {"jobs", "jobs-2"}
    flipped = RANKING_ENGINE.triage(Query(text="daycare, and a job", language="en"))
    assert flipped.needs[0].slug == "childcare"
    assert {m.service.id for m in flipped.results[1:3]} == {"daycare", "daycare-2"}


def test_a_word_written_as_a_need_term_still_raises_the_emergency_its_stem_stands_for() -> None:
    vocabulary = compile_vocabulary(
        "ar",
        {
            "needs": {"safety": ["يضربنا"], "health": ["دكتور"], "education": ["دكتوراه"]},
            "emergency": {"violence": ["يضرب"]},
        },
    )
    assert vocabulary.labels("يضربنا", stems("يضربنا", "ar")) == {("need", "safety"), ("emergency", "violence")}
    # but a word that is a need term as written is not another need's stem
    assert vocabulary.labels("دكتور", stems("دكتور", "ar")) == {("need", "health")}
