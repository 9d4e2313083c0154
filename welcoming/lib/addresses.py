"""A building's key from an address as people and registers write it.

The city's building register, an offerer's form and a newcomer's note write the same building in
many ways: "12 Harbour Street", "12 harbour st.", "Apt 4, 12 Harbour St", "4-12 Harbour Street". The
key folds case, accents and punctuation, writes street types one way ("Street", "St." and "st" are
all "st"), and drops the flat within the building (apartment, unit, suite or "#" numbers, and the
Canadian "unit-number" form), because a register's issue concerns the whole building. A postal code
is kept when given (written without its inner space).

Addresses of homes are personal data: offers keep them encrypted and find their building through
`building_index`, a keyed hash of the key, never the key itself.
"""

from __future__ import annotations

import re

from welcoming.lib.text import normalise as fold

# street types and other words written in several ways -> one spelling
_WORDS: dict[str, str] = {}
for _short, _variants in {
    "st": ("street", "st", "str", "saint"),
    "ave": ("avenue", "ave", "av", "aven"),
    "rd": ("road", "rd"),
    "blvd": ("boulevard", "blvd", "boul", "bd", "bvd"),
    "dr": ("drive", "dr", "drv"),
    "ln": ("lane", "ln"),
    "pl": ("place", "pl", "plaza", "plz"),
    "ct": ("court", "ct", "crt"),
    "cres": ("crescent", "cres", "cr", "crsnt"),
    "terr": ("terrace", "terr", "tce"),
    "sq": ("square", "sq"),
    "hwy": ("highway", "hwy"),
    "pkwy": ("parkway", "pkwy"),
    "cl": ("close", "cl"),
    "gdns": ("gardens", "gdns"),
    "mews": ("mews",),
    "rue": ("rue", "r"),
    "ch": ("chemin", "ch"),
    "rte": ("route", "rte"),
    "imp": ("impasse", "imp"),
    "all": ("allee", "all"),
    "mte": ("montee", "mte"),
    "n": ("north", "n", "nord"),
    "s": ("south", "s", "sud"),
    "e": ("east", "e"),
    "w": ("west", "w"),
    "o": ("ouest", "o"),
    "sainte": ("sainte", "ste"),
    "mt": ("mount", "mt", "mont"),
}.items():
    for _variant in _variants:
        _WORDS[_variant] = _short

# words that introduce the flat within the building: the word and the number after it are dropped
_UNIT_WORDS = frozenset(
    {
        "apt",
        "apartment",
        "apartement",
        "app",
        "appt",
        "appartement",
        "unit",
        "suite",
        "flat",
        "logement",
        "log",
        "bureau",
        "room",
        "rm",
        "piso",
        "depto",
        "departamento",
        "puerta",
        "kv",
        "кв",
        "квартира",
    }
)
_FLOOR_WORDS = frozenset({"floor", "fl", "etage", "planta"})
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th|e|er|eme|re|o|a)?$")

_POSTAL_CA = re.compile(r"\b([a-z]\d[a-z])\s*-?\s*(\d[a-z]\d)\b")
_POSTAL_UK = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s+(\d[a-z]{2})\b")
_UNIT_HASH = re.compile(r"#\s*\w+")
_UNIT_DASH = re.compile(r"^(\d+[a-z]?)\s*-\s*(\d+[a-z]?)$")
_SPLIT = re.compile(r"[^\w#-]+", re.UNICODE)
# "Saint-Denis" is one name; the hyphen becomes a space so "Saint Denis" matches it
_INNER_HYPHEN = re.compile(r"(?<=[^\W\d])-|-(?=[^\W\d])", re.UNICODE)


def normalise(address: str) -> str:
    """The building key of `address`: "Apt 4, 12 Harbour Street" and "12 harbour st. #4" are both
    "12 harbour st"; "4-12 Main St" is "12 main st". Empty for an empty address."""
    text = fold(address or "")
    text = _POSTAL_CA.sub(r"\1\2", text)
    text = _POSTAL_UK.sub(r"\1\2", text)
    text = _UNIT_HASH.sub(" ", text)
    text = _INNER_HYPHEN.sub(" ", text)
    text = text.replace("_", " ")
    raw = [part for part in _SPLIT.split(text) if part.strip("#")]
    words: list[str] = []
    skip_next = False
    for index, token in enumerate(raw):
        if skip_next:
            skip_next = False
            continue
        token = token.strip("-")
        if not token:
            continue
        if token in _UNIT_WORDS and index + 1 < len(raw) and _looks_like_unit(raw[index + 1]):
            skip_next = True
            continue
        if token in _FLOOR_WORDS:
            # "3rd floor" or "floor 3": neither is part of the building
            if words and _ORDINAL.match(words[-1]):
                words.pop()
            elif index + 1 < len(raw) and _ORDINAL.match(raw[index + 1]):
                skip_next = True
            continue
        dashed = _UNIT_DASH.match(token)
        if dashed:
            # the Canadian "unit-civic number" form: 4-12 Main St is unit 4 at number 12
            token = dashed.group(2)
        words.append(_WORDS.get(token, token))
    return " ".join(words)


def _looks_like_unit(token: str) -> bool:
    return any(ch.isdigit() for ch in token) or len(token) <= 2


def building_index(address: str) -> str:
    """The blind index of the building's key, or "" for an empty address. Offers and the register
    meet on it without the address being searchable in clear."""
    key = normalise(address)
    if not key:
        return ""
    from welcoming.lib.crypto import keyring

    return keyring().blind_index(key, "building")
