"""People's names across scripts: a Latin transliteration, and a sound skeleton that lets
"Mohammed", "Muhammad", "Мохаммед" and "محمد" meet. Plain Python, no Django.

The skeleton keeps consonants only, after folding the spellings that transliterations disagree on
(kh/h, sh/s, ou/u, final h of ta marbuta, doubled letters). It is for finding candidates, never
for deciding that two people are the same: staff decide.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_DIGRAPHS = (("kh", "h"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "d"), ("ph", "f"), ("ck", "k"))
_LETTERS = str.maketrans({"q": "k", "c": "k", "x": "ks"})
_VOWELS = re.compile(r"[aeiouyw]")
_REPEATS = re.compile(r"(.)\1+")


def to_latin(name: str) -> str:
    """A readable Latin form: "Олександр" → "Oleksandr", "محمد" → "mhmd" (Arabic script has no
    short vowels to carry over, so staff may write a better one)."""
    text = anyascii(unicodedata.normalize("NFKC", name)).replace("`", "").replace("'", "")
    return " ".join(text.split())


def _skeleton(token: str) -> str:
    for pair, single in _DIGRAPHS:
        token = token.replace(pair, single)
    token = token.translate(_LETTERS)
    if len(token) > 2 and token.endswith("h"):
        token = token[:-1]
    consonants = _REPEATS.sub(r"\1", _VOWELS.sub("", token))
    return consonants or token[:1]


def skeletons(name: str) -> list[str]:
    """The skeleton of each word of a name, in order."""
    latin = _NOT_LETTERS.sub(" ", to_latin(name).lower())
    return [_skeleton(token) for token in latin.split()]


def name_keys(*names: str) -> set[str]:
    """Keys to look a person up by: each word's skeleton, and each name's words run together
    (so "Abd al-Rahman" meets "Abdulrahman")."""
    keys: set[str] = set()
    for name in names:
        parts = skeletons(name)
        keys.update(parts)
        if len(parts) > 1:
            keys.add(_REPEATS.sub(r"\1", "".join(parts)))
    keys.discard("")
    return keys


def phone_digits(number: str) -> str:
    """The last nine digits: the same phone written with or without country code and spaces."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", number) if ch.isdigit())
    return digits[-9:]
