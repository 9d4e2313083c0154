"""Validate the triage evaluation set (queries.jsonl) and print its counts.

Standard library only. Usage:

    python welcoming/triage/eval/check_eval.py [PATH]

PATH defaults to queries.jsonl next to this file. Exits 0 when the file passes, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from welcoming.directory.needs import NEED_SLUGS

NEEDS: tuple[str, ...] = NEED_SLUGS
LANGS: tuple[str, ...] = ("en", "fr", "ar", "uk", "es", "fa")
# The kind of emergency and the main need an emergency line of that kind must have.
KIND_NEED: dict[str, str] = {
    "violence": "safety",
    "self-harm": "mental-health",
    "trafficking": "safety",
    "homeless-tonight": "housing",
    "medical": "health",
}

MIN_LINES_PER_LANG = 40
MIN_MAIN_PER_NEED = 2
MIN_EMERGENCY_PER_LANG = 5
MAX_NEEDS = 2

REQUIRED_KEYS = {"q", "lang", "needs", "emergency"}
ALLOWED_KEYS = REQUIRED_KEYS | {"kind"}

# Arabic letters that Persian text must not use: Arabic yeh, Arabic kaf, alef maksura.
ARABIC_ONLY_IN_FA = {
    "\u064a": "ي (Arabic yeh, use ی)",
    "\u0643": "ك (Arabic kaf, use ک)",
    "\u0649": "ى (alef maksura, use ی)",
}
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


class Query(NamedTuple):
    q: str
    lang: str
    needs: list[str]
    emergency: bool
    kind: str | None


def normalise(text: str) -> str:
    """The form used to find duplicates: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def check_line(number: int, raw: str, errors: list[str]) -> Query | None:
    """Check one line on its own; return the record when it can be counted."""

    def error(message: str) -> None:
        errors.append(f"line {number}: {message}")

    if not raw.strip():
        error("blank line")
        return None
    if "\\u" in raw:
        error("contains \\u escapes; write the text as UTF-8 (json.dumps(..., ensure_ascii=False))")
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        error(f"not valid JSON ({exc})")
        return None
    if not isinstance(record, dict):
        error("not a JSON object")
        return None
    missing = REQUIRED_KEYS - record.keys()
    if missing:
        error(f"missing field(s) {sorted(missing)}")
        return None
    unknown = record.keys() - ALLOWED_KEYS
    if unknown:
        error(f"unknown field(s) {sorted(unknown)}")

    q, lang, needs, emergency = record["q"], record["lang"], record["needs"], record["emergency"]
    ok = True
    if not isinstance(q, str) or not q.strip():
        error("q must be a non-empty string")
        ok = False
    elif q != q.strip():
        error("q has leading or trailing whitespace")
    if lang not in LANGS:
        error(f"lang {lang!r} is not one of {', '.join(LANGS)}")
        ok = False
    if not isinstance(needs, list) or not 1 <= len(needs) <= MAX_NEEDS:
        error(f"needs must be a list of 1 to {MAX_NEEDS} slugs")
        ok = False
    else:
        for slug in needs:
            if slug not in NEEDS:
                error(f"unknown need {slug!r}")
                ok = False
        if len(set(map(str, needs))) != len(needs):
            error("needs repeats a slug")
    if not isinstance(emergency, bool):
        error("emergency must be true or false")
        ok = False
    if not ok:
        return None

    kind = record.get("kind")
    if emergency:
        if kind not in KIND_NEED:
            error(f"emergency line needs a kind, one of {', '.join(KIND_NEED)}")
        elif needs[0] != KIND_NEED[kind]:
            error(f"a {kind} emergency should have {KIND_NEED[kind]!r} as its main need, not {needs[0]!r}")
    elif "kind" in record:
        error("kind is only for emergency lines")

    # Scripts: catch a line filed under the wrong language. Romanised Arabic and Persian are allowed.
    if lang == "fa":
        for char, name in ARABIC_ONLY_IN_FA.items():
            if char in q:
                error(f"Persian text contains {name}")
    if lang == "uk" and not CYRILLIC.search(q):
        error("Ukrainian line has no Cyrillic letters")
    if lang in ("en", "fr", "es") and (CYRILLIC.search(q) or ARABIC_SCRIPT.search(q)):
        error(f"{lang} line contains Cyrillic or Arabic script")
    if lang in ("ar", "fa") and CYRILLIC.search(q):
        error(f"{lang} line contains Cyrillic letters")
    return Query(q, lang, list(needs), emergency, kind)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("queries.jsonl")
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read as UTF-8: {exc}")
        return 1
    errors: list[str] = []
    if text.startswith("\ufeff"):
        errors.append("file starts with a byte-order mark")
        text = text[1:]

    records: list[Query] = []
    seen: dict[str, int] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        record = check_line(number, raw, errors)
        if record is None:
            continue
        key = normalise(record.q)
        if key in seen:
            errors.append(f"line {number}: duplicate of line {seen[key]}: {record.q!r}")
        else:
            seen[key] = number
        records.append(record)

    per_lang: Counter[str] = Counter()
    main_need: Counter[tuple[str, str]] = Counter()
    second_need: Counter[tuple[str, str]] = Counter()
    two_needs: Counter[str] = Counter()
    emergencies: Counter[str] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    for record in records:
        lang, needs = record.lang, record.needs
        per_lang[lang] += 1
        main_need[lang, needs[0]] += 1
        if len(needs) > 1:
            two_needs[lang] += 1
            second_need[lang, needs[1]] += 1
        if record.emergency:
            emergencies[lang] += 1
            kinds[lang, str(record.kind)] += 1

    for lang in LANGS:
        if per_lang[lang] < MIN_LINES_PER_LANG:
            errors.append(f"{lang}: {per_lang[lang]} lines, at least {MIN_LINES_PER_LANG} needed")
        for need in NEEDS:
            if main_need[lang, need] < MIN_MAIN_PER_NEED:
                errors.append(
                    f"{lang}: {need} is the main need of {main_need[lang, need]} line(s), "
                    f"at least {MIN_MAIN_PER_NEED} needed"
                )
        if emergencies[lang] < MIN_EMERGENCY_PER_LANG:
            errors.append(f"{lang}: {emergencies[lang]} emergency lines, at least {MIN_EMERGENCY_PER_LANG} needed")
        for kind in KIND_NEED:
            if not kinds[lang, kind]:
                errors.append(f"{lang}: no {kind} emergency line")

    width = max(len(need) for need in (*NEEDS, *KIND_NEED, "two-need lines")) + 2

    def row(label: str, cells: list[str], total: str) -> str:
        return f"{label:<{width}}" + "".join(f"{cell:>7}" for cell in cells) + f"{total:>8}"

    print(f"{path}: {len(lines)} lines, {len(records)} counted")
    print("main need (+ lines where it is the second need)")
    print(row("", list(LANGS), "all"))
    for need in NEEDS:
        cells = [f"{main_need[lang, need]}+{second_need[lang, need]}" for lang in LANGS]
        total = f"{sum(main_need[lang, need] for lang in LANGS)}+{sum(second_need[lang, need] for lang in LANGS)}"
        print(row(need, cells, total))
    print(row("two-need lines", [str(two_needs[lang]) for lang in LANGS], str(sum(two_needs.values()))))
    print(row("emergency", [str(emergencies[lang]) for lang in LANGS], str(sum(emergencies.values()))))
    for kind in KIND_NEED:
        cells = [str(kinds[lang, kind]) for lang in LANGS]
        print(row(f"  {kind}", cells, str(sum(kinds[lang, kind] for lang in LANGS))))
    print(row("lines", [str(per_lang[lang]) for lang in LANGS], str(sum(per_lang.values()))))

    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for message in errors:
            print(f"  {message}")
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
