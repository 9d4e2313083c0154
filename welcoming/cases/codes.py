"""Codes people read aloud and copy by hand. Plain Python, no Django.

A client code is the jurisdiction's prefix, the two-digit year, a serial and a Damm check digit
(which catches every single wrong digit and every swap of two neighbouring digits):
``RVT-26-000123-3``. A self-registration reference is eight letters and digits from an alphabet
without look-alikes (no 0/O, 1/I/L), the last a Luhn check character: ``K7M3-QX9S``.
"""

from __future__ import annotations

import re
import secrets

from stdnum import damm, luhn

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CLIENT_CODE = re.compile(r"^([A-Z]{2,5})-(\d{2})-(\d{6})-(\d)$")


def client_code(prefix: str, year: int, serial: int) -> str:
    digits = f"{year % 100:02d}{serial:06d}"
    return f"{prefix}-{digits[:2]}-{digits[2:]}-{damm.calc_check_digit(digits)}"


def normalise_client_code(text: str) -> str:
    return re.sub(r"[\s\u2010-\u2015_]+", "-", text.strip().upper())


def is_valid_client_code(text: str) -> bool:
    match = CLIENT_CODE.match(normalise_client_code(text))
    return bool(match) and damm.is_valid(match[2] + match[3] + match[4])  # type: ignore[index]


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
    check = luhn.calc_check_digit(body, alphabet=REFERENCE_ALPHABET)
    return f"{body[:4]}-{body[4:]}{check}"


def normalise_reference(text: str) -> str:
    """What she typed or read out → the stored form, or "" when it cannot be a reference."""
    raw = re.sub(r"[^0-9A-Z]", "", text.upper())
    if len(raw) != 8 or any(ch not in REFERENCE_ALPHABET for ch in raw):
        return ""
    if not luhn.is_valid(raw, alphabet=REFERENCE_ALPHABET):
        return ""
    return f"{raw[:4]}-{raw[4:]}"
