#!/usr/bin/env python3
"""Check the demo data files riverton.yaml and lakeside.yaml (stdlib + PyYAML only).

Run from the repository root:  python3 -m welcoming.directory.tests.demo_yaml_checks
Exits with status 1 and lists every problem found, or prints the counts and "OK".
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

from welcoming.directory.needs import NEED_SLUGS

HERE = Path(__file__).resolve().parent.parent / "demo"
LANGS = ("en", "fr", "ar", "uk", "es", "fa")
NEEDS = NEED_SLUGS
SCHEDULES = {
    "weekdays-9-17",
    "weekdays-8-20",
    "weekdays-10-16-sat",
    "mon-wed-fri-9-13",
    "daily-24h",
    "tue-thu-17-20",
    "sat-10-14",
    "by-appointment",
}
MODES = {"in-person", "virtual", "phone"}
KINDS = {
    "city",
    "clinic",
    "hospital",
    "ngo",
    "school",
    "library",
    "faith",
    "legal-aid",
    "employment",
    "housing",
    "food-bank",
    "university",
    "cooperative",
}
# ISO 639-1 codes (the complete list).
ISO_639_1 = set(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bh",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
POSTAL = re.compile(r"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$")
PHONE = re.compile(r"^\+1 613 555 01\d\d$")
EMERGENCY_NUMBER = re.compile(r"^(\d{3}|\+1 613 555 01\d\d)$")
# Words that would ask about or hint at immigration status in eligibility or required documents.
STATUS_WORDS = re.compile(
    r"immigra|immigrant|papers|\bvisas?\b|citizen|permanent resident|refugee claim|work permit|study permit"
    r"|legal status|undocumented|passport|\bPR card|papiers|papeles|pasaporte|passeport|inmigra",
    re.IGNORECASE,
)
STATUS_REASSURANCE = re.compile(r"whatever (your|their) status", re.IGNORECASE)

problems: list[str] = []


def fail(msg: str) -> None:
    problems.append(msg)


def check(cond: bool, msg: str) -> bool:
    if not cond:
        fail(msg)
    return bool(cond)


# ------------------------------------------------------------------ scripts
def script_of(ch: str) -> str:
    cp = ord(ch)
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        return "arabic"
    if 0x0400 <= cp <= 0x04FF:
        return "cyrillic"
    if ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
        return "latin"
    return "other"


def letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def share(text: str, script: str) -> float:
    ls = letters(text)
    return sum(script_of(c) == script for c in ls) / len(ls) if ls else 0.0


ARABIC_ONLY_LETTERS_IN_FA = {"\u064a": "Arabic yeh ي", "\u0643": "Arabic kaf ك", "\u0649": "alef maksura ى"}
PERSIAN_ONLY_LETTERS_IN_AR = {
    "\u06cc": "Persian yeh ی",
    "\u06a9": "Persian kaf ک",
    "\u06af": "gaf گ",
    "\u067e": "pe پ",
    "\u0686": "che چ",
    "\u0698": "zhe ژ",
}
RUSSIAN_ONLY_LETTERS = set("ыэъёЫЭЪЁ")

text_count = 0


def check_text(value: Any, where: str) -> None:
    """A human text: a mapping with exactly the six languages, non-empty strings, in the right script."""
    global text_count
    text_count += 1
    if not check(isinstance(value, dict), f"{where}: expected a six-language mapping, got {type(value).__name__}"):
        return
    check(set(value) == set(LANGS), f"{where}: languages {sorted(value)} instead of {list(LANGS)}")
    for lang in LANGS:
        s = value.get(lang)
        if not check(isinstance(s, str) and s.strip() != "", f"{where}.{lang}: missing or empty"):
            continue
        check(s == s.strip(), f"{where}.{lang}: leading or trailing spaces")
        if lang in ("ar", "fa"):
            check(share(s, "arabic") >= 0.9, f"{where}.{lang}: not in Arabic script: {s!r}")
        elif lang == "uk":
            check(share(s, "cyrillic") >= 0.9, f"{where}.uk: not in Cyrillic: {s!r}")
            bad = RUSSIAN_ONLY_LETTERS & set(s)
            check(not bad, f"{where}.uk: letters not used in Ukrainian {sorted(bad)}: {s!r}")
        else:
            check(share(s, "latin") >= 0.99, f"{where}.{lang}: not in Latin script: {s!r}")
        if lang == "fa":
            for ch, name in ARABIC_ONLY_LETTERS_IN_FA.items():
                check(ch not in s, f"{where}.fa: contains {name}; use Persian letters: {s!r}")
            check(not re.search("[\u0660-\u0669]", s), f"{where}.fa: Arabic-Indic digits; use Persian digits")
        if lang == "ar":
            for ch, name in PERSIAN_ONLY_LETTERS_IN_AR.items():
                check(ch not in s, f"{where}.ar: contains {name}, not an Arabic letter: {s!r}")
            check(not re.search("[\u06f0-\u06f9]", s), f"{where}.ar: Persian digits in Arabic text")
    if all(isinstance(value.get(k), str) for k in ("ar", "fa")):
        check(
            value["ar"] != value["fa"] or len(value["ar"]) < 12,
            f"{where}: Arabic and Persian texts are identical (copied?): {value['ar']!r}",
        )


def check_status_neutral(text: dict, where: str) -> None:
    for lang in ("en", "fr", "es"):
        s = text.get(lang, "") if isinstance(text, dict) else ""
        check(not STATUS_WORDS.search(s), f"{where}.{lang}: mentions immigration status or papers: {s!r}")
    en = text.get("en", "") if isinstance(text, dict) else ""
    if re.search(r"\bstatus\b", en, re.IGNORECASE):
        check(bool(STATUS_REASSURANCE.search(en)), f"{where}.en: 'status' only as reassurance: {en!r}")


# ------------------------------------------------------------------ loading
def load(name: str) -> dict:
    path = HERE / name
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    check(isinstance(data, dict), f"{name}: top level is not a mapping")
    check(
        set(data) == {"jurisdiction", "areas", "service_templates", "organizations"},
        f"{name}: top-level keys {sorted(data)}",
    )
    return data


def check_jurisdiction(j: dict, code: str, centre: list[float], fname: str) -> None:
    w = f"{fname}:jurisdiction"
    check(j.get("code") == code, f"{w}.code is {j.get('code')!r}, expected {code!r}")
    check_text(j.get("name"), f"{w}.name")
    check(j.get("default_language") == "en", f"{w}.default_language")
    check(j.get("languages") == list(LANGS), f"{w}.languages")
    check(j.get("timezone") == "America/Toronto", f"{w}.timezone")
    check(j.get("centre") == centre, f"{w}.centre is {j.get('centre')}, expected {centre}")
    check(j.get("country") == "CA" and j.get("state_province") == "ON", f"{w}: country/state_province")
    contacts = j.get("emergency_contacts") or []
    check(3 <= len(contacts) <= 5, f"{w}: {len(contacts)} emergency contacts (3 to 5)")
    numbers = [c.get("number") for c in contacts]
    check("911" in numbers, f"{w}: 911 missing from emergency contacts")
    check(len(set(numbers)) == len(numbers), f"{w}: duplicate emergency numbers")
    for i, c in enumerate(contacts):
        check(
            isinstance(c.get("number"), str) and EMERGENCY_NUMBER.match(c["number"]) is not None,
            f"{w}.emergency_contacts[{i}].number {c.get('number')!r}",
        )
        check_text(c.get("name"), f"{w}.emergency_contacts[{i}].name")


def check_areas(areas: list, n: int, rows: int, cols: int, fname: str, postal_seen: set) -> dict:
    check(len(areas) == n, f"{fname}: {len(areas)} areas, expected {n}")
    codes, cells = {}, set()
    for i, a in enumerate(areas):
        w = f"{fname}:areas[{i}]"
        code = a.get("code")
        check(isinstance(code, str) and SLUG.match(code) is not None, f"{w}.code {code!r} is not a slug")
        check(code not in codes, f"{w}: duplicate area code {code!r}")
        codes[code] = a
        check_text(a.get("name"), f"{w}.name")
        pcs = a.get("postal_codes") or []
        check(2 <= len(pcs) <= 4, f"{w}: {len(pcs)} postal codes (2 to 4)")
        for pc in pcs:
            check(isinstance(pc, str) and POSTAL.match(pc) is not None, f"{w}: bad postal code {pc!r}")
            check(pc not in postal_seen, f"{w}: postal code {pc!r} used twice")
            postal_seen.add(pc)
        r, c = a.get("row"), a.get("col")
        check(
            isinstance(r, int) and isinstance(c, int) and 0 <= r < rows and 0 <= c < cols,
            f"{w}: cell ({r}, {c}) outside the {cols}x{rows} grid",
        )
        check((r, c) not in cells, f"{w}: cell ({r}, {c}) used twice")
        cells.add((r, c))
    check(len(cells) == rows * cols, f"{fname}: {len(cells)} grid cells used of {rows * cols}")
    return codes


def check_template(t: dict, w: str) -> None:
    check(isinstance(t.get("key"), str) and SLUG.match(t["key"]) is not None, f"{w}.key {t.get('key')!r}")
    needs = t.get("needs") or []
    check(1 <= len(needs) <= 3, f"{w}: {len(needs)} needs (1 to 3)")
    check(len(set(needs)) == len(needs), f"{w}: repeated need")
    for nd in needs:
        check(nd in NEEDS, f"{w}: unknown need {nd!r}")
    for field in ("name", "description", "eligibility", "application_process", "keywords"):
        check_text(t.get(field), f"{w}.{field}")
    check_status_neutral(t.get("eligibility") or {}, f"{w}.eligibility")
    kw = t.get("keywords") or {}
    for lang in LANGS:
        words = [x.strip() for x in str(kw.get(lang, "")).split(",")]
        check(len(words) >= 2 and all(words), f"{w}.keywords.{lang}: need 2+ comma-separated words")
    fees = t.get("fees")
    if fees != "free" and check(isinstance(fees, dict), f"{w}.fees: 'free' or a mapping"):
        assert isinstance(fees, dict)
        check(set(fees) == {"amount", "currency", "description"}, f"{w}.fees keys {sorted(fees)}")
        check(isinstance(fees.get("amount"), float) and fees["amount"] > 0, f"{w}.fees.amount")
        check(fees.get("currency") == "CAD", f"{w}.fees.currency")
        check_text(fees.get("description"), f"{w}.fees.description")
    docs = t.get("required_documents")
    if check(isinstance(docs, list) and len(docs) <= 2, f"{w}.required_documents: a list of 0 to 2"):
        assert isinstance(docs, list)
        for i, d in enumerate(docs):
            check_text(d, f"{w}.required_documents[{i}]")
            check_status_neutral(d, f"{w}.required_documents[{i}]")
    lo, hi = t.get("minimum_age"), t.get("maximum_age")
    for name, v in (("minimum_age", lo), ("maximum_age", hi)):
        check(v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 120), f"{w}.{name} {v!r}")
    if isinstance(lo, int) and isinstance(hi, int):
        check(lo <= hi, f"{w}: minimum_age above maximum_age")
    check(t.get("schedule") in SCHEDULES, f"{w}.schedule {t.get('schedule')!r}")
    check(t.get("mode") in MODES, f"{w}.mode {t.get('mode')!r}")
    expected = {
        "key",
        "needs",
        "name",
        "description",
        "eligibility",
        "application_process",
        "fees",
        "required_documents",
        "minimum_age",
        "maximum_age",
        "schedule",
        "mode",
        "keywords",
    }
    check(set(t) == expected, f"{w}: fields {sorted(set(t) ^ expected)} differ from the schema")


def check_org(o: dict, w: str, area_codes: dict, templates: dict) -> None:
    expected = {
        "key",
        "name",
        "description",
        "kind",
        "area",
        "website",
        "email",
        "phone",
        "languages_spoken",
        "services",
        "confidential",
        "street",
    }
    check(set(o) == expected, f"{w}: fields {sorted(set(o) ^ expected)} differ from the schema")
    check(isinstance(o.get("key"), str) and SLUG.match(o["key"]) is not None, f"{w}.key {o.get('key')!r}")
    check_text(o.get("name"), f"{w}.name")
    check_text(o.get("description"), f"{w}.description")
    check(o.get("kind") in KINDS, f"{w}.kind {o.get('kind')!r}")
    check(o.get("area") in area_codes, f"{w}.area {o.get('area')!r} does not exist")
    site = o.get("website", "")
    check(re.match(r"^https://([a-z0-9-]+\.)+example\.org$", site or "") is not None, f"{w}.website {site!r}")
    email = o.get("email", "")
    check(re.match(r"^[a-z0-9._-]+@([a-z0-9-]+\.)+example\.org$", email or "") is not None, f"{w}.email {email!r}")
    check(isinstance(o.get("phone"), str) and PHONE.match(o["phone"]) is not None, f"{w}.phone {o.get('phone')!r}")
    langs = o.get("languages_spoken") or []
    check("en" in langs, f"{w}.languages_spoken: en missing")
    check(len(set(langs)) == len(langs), f"{w}.languages_spoken: duplicates")
    for code in langs:
        check(code in ISO_639_1, f"{w}.languages_spoken: {code!r} is not an ISO 639-1 code (use fa, not prs)")
    services = o.get("services") or []
    check(1 <= len(services) <= 4, f"{w}: {len(services)} services (1 to 4)")
    check(len(set(services)) == len(services), f"{w}: a service is listed twice")
    for s in services:
        check(s in templates, f"{w}: service {s!r} is not a known template")
    check(isinstance(o.get("confidential"), bool), f"{w}.confidential is not a boolean")
    check(
        isinstance(o.get("street"), str) and re.match(r"^\d+ \S", o.get("street") or "") is not None,
        f"{w}.street {o.get('street')!r}",
    )


def main() -> int:
    rv = load("riverton.yaml")
    lk = load("lakeside.yaml")

    check_jurisdiction(rv["jurisdiction"], "riverton", [44.2312, -76.4860], "riverton.yaml")
    check_jurisdiction(lk["jurisdiction"], "lakeside", [44.3050, -76.3700], "lakeside.yaml")

    postal_seen: set = set()
    rv_areas = check_areas(rv["areas"], 15, 3, 5, "riverton.yaml", postal_seen)
    lk_areas = check_areas(lk["areas"], 3, 1, 3, "lakeside.yaml", postal_seen)

    # templates: merged, riverton first; keys unique across both files
    templates: dict = {}
    for fname, data in (("riverton.yaml", rv), ("lakeside.yaml", lk)):
        for i, t in enumerate(data["service_templates"] or []):
            w = f"{fname}:service_templates[{i}]({t.get('key')})"
            check_template(t, w)
            check(t.get("key") not in templates, f"{w}: duplicate template key")
            templates[t.get("key")] = t
    check(len(rv["service_templates"]) >= 45, f"riverton.yaml: {len(rv['service_templates'])} templates (45+)")
    rv_templates = {t["key"]: t for t in rv["service_templates"]}

    org_keys: set = set()
    phones: dict = {}
    emergency = {c["number"] for d in (rv, lk) for c in d["jurisdiction"]["emergency_contacts"]}
    for fname, data, areas, tpl in (
        ("riverton.yaml", rv, rv_areas, rv_templates),
        ("lakeside.yaml", lk, lk_areas, templates),
    ):
        for i, o in enumerate(data["organizations"]):
            w = f"{fname}:organizations[{i}]({o.get('key')})"
            check_org(o, w, areas, tpl)
            check(o.get("key") not in org_keys, f"{w}: duplicate organisation key")
            org_keys.add(o.get("key"))
            check(
                o.get("phone") not in phones, f"{w}: phone {o.get('phone')} also used by {phones.get(o.get('phone'))}"
            )
            check(o.get("phone") not in emergency, f"{w}: phone is an emergency contact number")
            phones[o.get("phone")] = o.get("key")
    check(not (org_keys & set(templates)), "an organisation key equals a template key")
    n_rv, n_lk = len(rv["organizations"]), len(lk["organizations"])
    check(n_rv >= 62, f"riverton.yaml: {n_rv} organisations (62+)")
    check(4 <= n_lk <= 6, f"lakeside.yaml: {n_lk} organisations (4 to 6)")

    # ---------------------------------------------------------- services: one per (organisation, template)
    def services_of(data):
        return [(o, templates[s]) for o in data["organizations"] for s in o.get("services", []) if s in templates]

    rv_services = services_of(rv)
    lk_services = services_of(lk)
    check(len(rv_services) >= 160, f"riverton: {len(rv_services)} services (160+)")

    by_need = defaultdict(list)
    for o, t in rv_services:
        by_need[t["needs"][0]].append(o)
    templates_by_main_need = defaultdict(set)
    for t in rv_templates.values():
        templates_by_main_need[t["needs"][0]].add(t["key"])
    offered = {t["key"] for _, t in rv_services + lk_services}
    for t in templates:
        check(t in offered, f"template {t!r} is offered by no organisation")
    need_rows = []
    for nd in NEEDS:
        orgs = by_need[nd]
        n_areas = len({o["area"] for o in orgs})
        n_tpl = len(templates_by_main_need[nd] & offered)
        need_rows.append((nd, len(orgs), n_areas, n_tpl))
        check(len(orgs) >= 8, f"riverton: need {nd!r} is the main need of {len(orgs)} services (8+)")
        check(n_areas >= 5, f"riverton: need {nd!r} main-need services sit in {n_areas} areas (5+)")
        check(n_tpl >= 3, f"riverton: need {nd!r} is the main need of {n_tpl} offered templates (3+)")

    modes = Counter(t["mode"] for _, t in rv_services)
    check(modes["virtual"] >= 4, f"riverton: {modes['virtual']} virtual services (4+)")
    check(modes["phone"] >= 3, f"riverton: {modes['phone']} phone-only services (3+)")

    conf = [o for o in rv["organizations"] if o.get("confidential")]
    check(2 <= len(conf) <= 3, f"riverton: {len(conf)} confidential organisations (2 to 3)")
    for o in conf:
        for s in o["services"]:
            check(
                templates[s]["needs"][0] in ("safety", "housing"),
                f"confidential {o['key']}: service {s!r} is not about safety or housing",
            )
    check(any("womens-shelter" in o["services"] for o in conf), "no confidential women's shelter")
    check(any("youth-safe-house" in o["services"] for o in conf), "no confidential youth safe house")
    check(not any(o.get("confidential") for o in lk["organizations"]), "lakeside: confidential organisations")

    for code in rv_areas:
        check(any(o["area"] == code for o in rv["organizations"]), f"riverton: no organisation in area {code!r}")

    # languages spoken and fees: a realistic mix
    lang_orgs = Counter(code for o in rv["organizations"] for code in o["languages_spoken"])
    for code in ("fr", "ar", "uk", "es", "fa"):
        check(lang_orgs[code] >= 5, f"riverton: only {lang_orgs[code]} organisations speak {code!r} (5+)")
    english_only = [o["key"] for o in rv["organizations"] if o["languages_spoken"] == ["en"]]
    check(len(english_only) >= 2, f"riverton: {len(english_only)} English-only organisations (2+)")
    free = sum(1 for _, t in rv_services if t["fees"] == "free")
    paid = len(rv_services) - free
    check(free > len(rv_services) / 2, "riverton: most services should be free")
    check(paid >= 5, f"riverton: only {paid} paid or low-cost services (5+)")

    # ---------------------------------------------------------- report
    print(f"texts checked (six languages each): {text_count}")
    print(
        f"riverton: {len(rv_areas)} areas, {len(rv['service_templates'])} templates, "
        f"{n_rv} organisations, {len(rv_services)} services"
    )
    print(
        f"lakeside: {len(lk_areas)} areas, {len(lk['service_templates'])} own templates, "
        f"{n_lk} organisations, {len(lk_services)} services"
    )
    print(f"riverton services by mode: {dict(sorted(modes.items()))}; free {free}, paid/low-cost {paid}")
    print(f"riverton confidential organisations: {[o['key'] for o in conf]}")
    print(f"riverton English-only organisations: {english_only}")
    print(
        "riverton organisations speaking: "
        + ", ".join(f"{c} {lang_orgs[c]}" for c in ("en", "fr", "ar", "uk", "es", "fa", "ps", "so", "ti", "zh"))
    )
    print("riverton main need: services / areas / templates")
    for nd, n, a, k in need_rows:
        print(f"  {nd:<14} {n:>3} / {a:>2} / {k}")
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(" - " + p, file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
