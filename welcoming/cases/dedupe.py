"""Is this the same person? Scores a pair of records and says why. Plain Python, no Django.

Candidates come from the blind indexes (a shared name sound, the same phone); this module weighs
them. It proposes; staff decide, and nothing is ever merged automatically.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from welcoming.lib.names import phone_digits, skeletons

CANDIDATE_SCORE = 60


@dataclass(frozen=True)
class Person:
    names: tuple[str, ...]
    birth_year: int | None = None
    phone: str = ""


@dataclass(frozen=True)
class Likeness:
    score: int
    reasons: tuple[str, ...]

    @property
    def is_candidate(self) -> bool:
        return self.score >= CANDIDATE_SCORE


def _sound(person: Person) -> str:
    return " ".join(part for name in person.names for part in skeletons(name))


def name_likeness(a: Person, b: Person) -> float:
    """0-100: how alike the names sound, whatever the script and the order of the names."""
    sound_a, sound_b = _sound(a), _sound(b)
    return float(fuzz.token_set_ratio(sound_a, sound_b)) if sound_a and sound_b else 0.0


def compare(a: Person, b: Person) -> Likeness:
    score = 0
    reasons: list[str] = []
    names = name_likeness(a, b)
    if names >= 90:
        score += 50
        reasons.append("name sounds the same")
    elif names >= 75:
        score += 30
        reasons.append("name sounds alike")
    if a.birth_year and b.birth_year:
        gap = abs(a.birth_year - b.birth_year)
        if gap == 0:
            score += 25
            reasons.append("born the same year")
        elif gap == 1:
            score += 15
            reasons.append("born a year apart")
        else:
            score -= 30
    digits_a, digits_b = phone_digits(a.phone), phone_digits(b.phone)
    if len(digits_a) >= 6 and digits_a == digits_b:
        score += 40
        reasons.append("same phone number")
    return Likeness(score=max(0, min(100, score)), reasons=tuple(reasons))
