"""Scoring the triage against an evaluation set. Plain Python (no Django)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from welcoming.triage.engine import Query, Result

EVAL_FILE = Path(__file__).resolve().parent / "eval" / "queries.jsonl"


@dataclass
class Scores:
    statements: int = 0
    need_hits: int = 0
    precision_sum: float = 0.0
    precision_count: int = 0
    emergencies: int = 0
    emergencies_found: int = 0
    false_alarms: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def need_accuracy(self) -> float:
        return self.need_hits / self.statements if self.statements else 0.0

    @property
    def precision_at_5(self) -> float:
        return self.precision_sum / self.precision_count if self.precision_count else 0.0

    @property
    def emergency_recall(self) -> float:
        return self.emergencies_found / self.emergencies if self.emergencies else 1.0


def read(path: Path = EVAL_FILE) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(items: Iterable[dict[str, Any]], run: Callable[[Query], Result]) -> dict[str, Scores]:
    """Per language: expected need among the top 3, share of the top 5 services serving it, and
    the share of emergencies flagged."""
    scores: dict[str, Scores] = defaultdict(Scores)
    for item in items:
        language = item["lang"]
        expected = item["needs"][0]
        result = run(Query(text=item["q"], language=language, limit=5))
        s = scores[language]
        s.statements += 1
        top3 = [n.slug for n in result.needs[:3]]
        if expected in top3:
            s.need_hits += 1
        else:
            s.misses.append(f"{language}: {item['q']!r} expected {expected}, got {top3}")
        if result.results:
            serving = sum(1 for match in result.results[:5] if expected in match.service.needs)
            s.precision_sum += serving / min(5, len(result.results))
            s.precision_count += 1
        if item.get("emergency"):
            s.emergencies += 1
            if result.emergency:
                s.emergencies_found += 1
            else:
                s.misses.append(f"{language}: {item['q']!r} is an emergency, not flagged")
        elif result.emergency:
            s.false_alarms += 1
    return dict(scores)
