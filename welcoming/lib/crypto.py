"""Encryption of sensitive fields at rest, and keyed hashes to find records without decrypting them.

Keys come from `WELCOMING_ENCRYPTION_KEYS` (``id:base64,id:base64``, the first one current) or the
file named by `WELCOMING_ENCRYPTION_KEYS_FILE` (one ``id:base64`` per line, the first one current).
Outside production, a key file is made under `var/` on first use so that the demo and the tests
need nothing set. The key named ``index`` is the HMAC key of the blind indexes (phone numbers,
name sounds); the other keys encrypt with AES-256-GCM. Each ciphertext starts with the id of its
key, so that `manage.py rotate_keys` can re-encrypt with a new current key while old ones still read.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

INDEX_KEY_ID = "index"
NONCE_BYTES = 12


class DecryptionError(Exception):
    pass


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    index_key: bytes

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return f"{self.current}${base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, context: str) -> str:
        key_id, _, payload = stored.partition("$")
        if key_id not in self.keys or not payload:
            raise DecryptionError(f"no key {key_id!r} for {context}")
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
        try:
            opened = AESGCM(self.keys[key_id]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise DecryptionError(f"{context}: the ciphertext was altered or belongs elsewhere") from exc
        return opened.decode("utf-8")

    def key_id_of(self, stored: str) -> str:
        return stored.partition("$")[0]

    def blind_index(self, value: str, purpose: str) -> str:
        """A keyed hash of a normalised value: equal values match, nothing can be read back."""
        digest = hmac.new(self.index_key, f"{purpose}\x1f{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


def parse_keys(text: str, origin: str) -> Keyring:
    entries: list[tuple[str, bytes]] = []
    for raw in text.replace(",", "\n").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key_id, sep, encoded = line.partition(":")
        try:
            key = base64.urlsafe_b64decode(encoded.strip() + "=" * (-len(encoded.strip()) % 4))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{origin}: key {key_id!r} is not base64") from exc
        if not sep or not key_id.strip().isidentifier() or len(key) != 32:
            raise ImproperlyConfigured(f"{origin}: each key is 'id:base64 of 32 bytes' (bad entry {key_id!r})")
        entries.append((key_id.strip(), key))
    keys = {key_id: key for key_id, key in entries if key_id != INDEX_KEY_ID}
    index = dict(entries).get(INDEX_KEY_ID)
    if not keys or index is None:
        raise ImproperlyConfigured(f"{origin}: needs at least one encryption key and the '{INDEX_KEY_ID}' key")
    current = next(key_id for key_id, _ in entries if key_id != INDEX_KEY_ID)
    return Keyring(current=current, keys=keys, index_key=index)


def new_key_line(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode('ascii')}"


def _development_key_file() -> Path:
    path = Path(settings.VAR_DIR) / "encryption.keys"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "# made for development; production reads WELCOMING_ENCRYPTION_KEYS(_FILE)\n"
        text += new_key_line("k1") + "\n" + new_key_line(INDEX_KEY_ID) + "\n"
        try:
            # O_EXCL: when several test workers start at once, one writes and the others read it
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
    return path


@functools.cache
def keyring() -> Keyring:
    inline = os.environ.get("WELCOMING_ENCRYPTION_KEYS", "")
    if inline:
        return parse_keys(inline, "WELCOMING_ENCRYPTION_KEYS")
    named = os.environ.get("WELCOMING_ENCRYPTION_KEYS_FILE", "")
    if not named and settings.PRODUCTION:
        raise ImproperlyConfigured("Production needs WELCOMING_ENCRYPTION_KEYS or WELCOMING_ENCRYPTION_KEYS_FILE.")
    path = Path(named) if named else _development_key_file()
    for _ in range(50):  # another worker may be writing the development file this very moment
        text = path.read_text(encoding="utf-8")
        if INDEX_KEY_ID in text:
            return parse_keys(text, str(path))
        time.sleep(0.01)
    return parse_keys(path.read_text(encoding="utf-8"), str(path))
