"""Text normalisation shared by the directory search and the triage.

Folds the differences people do not type consistently: case, Latin accents, Arabic diacritics and
tatweel, alef/hamza, ta marbuta and alef maqsura variants, Persian vs Arabic yeh and kaf, the
zero-width non-joiner and apostrophes.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_FOLDS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ی",
        "ي": "ی",
        "ك": "ک",
        "ؤ": "و",
        "ئ": "ی",
        "ـ": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,
        "'": None,
        "’": None,
        "ʼ": None,
    }
)
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold()
    value = value.translate(_ARABIC_FOLDS)
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).translate(_ARABIC_FOLDS)


def tokens(value: str) -> list[str]:
    return _WORD.findall(normalise(value))
