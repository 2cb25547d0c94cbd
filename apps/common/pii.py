"""Residents' personal data encrypted at rest with SM4 (GB/T 39786-2021, 数据保密性 and 完整性).

**Construction: SM4-CBC + HMAC-SM3, encrypt-then-MAC.** A stored value is the text
``<key id>$<base64(IV ‖ ciphertext ‖ tag)>``: a random 16-byte IV, the PKCS#7-padded plaintext
encrypted with SM4-CBC, and the first 16 bytes of HMAC-SM3 over ``key id ‖ IV ‖ ciphertext``.
Each key id names a 32-byte master key; its SM4 key and its MAC key are derived from it with
HMAC-SM3 (separate keys for the two jobs). Why this and not SM4-GCM:

- *Cost.* `cryptography` has no ready SM4 AEAD; every GCM value needs a fresh OpenSSL cipher
  context, about 30 µs, and the demo writes some four million values for a million requests.
  CBC is built here from one cached SM4 block cipher (ECB over the blocks: CBC's definition,
  checked against `cryptography`'s own CBC mode in the tests), so a whole batch of values costs
  one OpenSSL call per block position, and a pre-keyed HMAC is copied per value: about 7 µs a
  value, 27 µs of CPU per demo request with its phone index. See `encrypt_many`.
- *Robustness.* A random 128-bit IV per value leaves no nonce to manage (a repeated GCM nonce
  gives away the authentication key); the HMAC-SM3 tag covers the key id too, so a value
  cannot be moved to another key's slot.
- *Assessment.* Every piece is a national standard 密评 checks against: SM4 (GB/T 32907),
  SM3 (GB/T 32905), the CBC mode (GB/T 17964) and HMAC (GB/T 15852.2).
- Padding to whole blocks also hides a name's exact length (张三 and 欧阳娜娜 both fill one block).

Empty text stays empty (and NULL stays NULL): that a request has no phone is not secret, and
purging contacts writes "". The tag is truncated to 128 bits, as GM/T and RFC 2104 allow.

Keys come from the settings (environment): ``PII_KEYS=id1:base64,id2:base64`` (the keyring,
old keys kept for reading), ``PII_KEY_ID`` (the key new values are written with: the last one
in the ring when empty) and ``PII_INDEX_KEY`` for the blind index: ``phone_index`` is
HMAC-SM3 of the normalised phone number, so officials can find a request by exact phone number
without the database holding one. ``manage.py rotate_pii_key`` re-encrypts old values.
"""

from __future__ import annotations

import base64
import binascii
import hmac as std_hmac
import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

KEY_ID = re.compile(r"[A-Za-z0-9]{1,16}")
SEPARATOR = "$"
BLOCK = 16
TAG = 16
MASTER_KEY_BYTES = 32
SETTINGS = ("PII_KEYS", "PII_KEY_ID", "PII_INDEX_KEY")


class DecryptionError(ValueError):
    """A stored value that is not ours, was changed, or needs a key the keyring lacks."""


def _derive(master: bytes, label: bytes) -> bytes:
    mac = hmac.HMAC(master, hashes.SM3())
    mac.update(label)
    return mac.finalize()


class _Key:
    """One key id: its SM4 block cipher (per thread; contexts are not shared) and MAC key."""

    def __init__(self, key_id: str, master: bytes):
        self.key_id = key_id
        self.prefix = key_id + SEPARATOR
        self._cipher = Cipher(algorithms.SM4(_derive(master, b"quanshan pii sm4")[:BLOCK]), modes.ECB())
        self.mac = hmac.HMAC(_derive(master, b"quanshan pii hmac-sm3"), hashes.SM3())
        self.mac.update(key_id.encode())  # the tag covers the key id: HMAC(key id ‖ IV ‖ ciphertext)
        self._local = threading.local()

    def _contexts(self):
        local = self._local
        if not hasattr(local, "encrypt"):
            local.encrypt = self._cipher.encryptor()
            local.decrypt = self._cipher.decryptor()
        return local.encrypt, local.decrypt

    def tag(self, data: bytes) -> bytes:
        mac = self.mac.copy()
        mac.update(data)
        return mac.finalize()[:TAG]

    def encrypt_blocks(self, data: bytes) -> bytes:
        return self._contexts()[0].update(data)

    def decrypt_blocks(self, data: bytes) -> bytes:
        return self._contexts()[1].update(data)


@dataclass(frozen=True)
class Keyring:
    current: _Key
    keys: dict[str, _Key]
    index_key: bytes


def parse_keyring(keys: str, current: str = "", index_key: str = "") -> Keyring:
    """The keyring from the settings' texts; anything malformed fails loudly, naming the setting."""
    ring: dict[str, _Key] = {}
    for entry in [e.strip() for e in (keys or "").split(",") if e.strip()]:
        key_id, _, encoded = entry.partition(":")
        if not KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(f"PII_KEYS: key id {key_id!r} must be 1-16 letters or digits")
        if key_id in ring:
            raise ImproperlyConfigured(f"PII_KEYS: key id {key_id!r} appears twice")
        ring[key_id] = _Key(key_id, _decode_key("PII_KEYS", encoded, key_id))
    if not ring:
        raise ImproperlyConfigured(
            "PII_KEYS is not set: residents' personal data cannot be encrypted. Set PII_KEYS=id:base64 "
            "(32 random bytes, e.g. `python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'`), "
            "PII_KEY_ID and PII_INDEX_KEY (see .env.example)."
        )
    current = current or list(ring)[-1]
    if current not in ring:
        raise ImproperlyConfigured(f"PII_KEY_ID {current!r} is not in PII_KEYS ({', '.join(ring)})")
    if not index_key:
        raise ImproperlyConfigured("PII_INDEX_KEY is not set (the blind index's own key, 32 random bytes in base64)")
    return Keyring(current=ring[current], keys=ring, index_key=_decode_key("PII_INDEX_KEY", index_key, "index"))


def _decode_key(setting: str, encoded: str, key_id: str) -> bytes:
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != MASTER_KEY_BYTES:
        raise ImproperlyConfigured(f"{setting}: key {key_id!r} must be {MASTER_KEY_BYTES} random bytes in base64")
    return raw


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    """The configured keyring (parsed once; tests that override the settings get a fresh one)."""
    return parse_keyring(
        getattr(settings, "PII_KEYS", ""), getattr(settings, "PII_KEY_ID", ""), getattr(settings, "PII_INDEX_KEY", "")
    )


def _reset(*, setting: str, **kwargs) -> None:
    if setting in SETTINGS:
        keyring.cache_clear()
        _index_mac.cache_clear()


setting_changed.connect(_reset, dispatch_uid="common.pii.reset")


# --- Encryption --------------------------------------------------------------------------------


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def _pad(data: bytes) -> bytes:
    n = BLOCK - len(data) % BLOCK
    return data + bytes([n]) * n


def encrypt_many(values: Sequence[str], *, key: _Key | None = None, ivs: Sequence[bytes] | None = None) -> list[str]:
    """Encrypt texts in one go: one SM4 call per block position over the whole batch.

    CBC chains the blocks of one value, not of different values, so block j of every value is
    encrypted together: C_j = SM4(P_j xor C_(j-1)), C_0 = IV. "" stays "". `ivs` only for the
    known-answer test; normally each IV is fresh from the OS (one read for the whole batch).
    """
    key = key or keyring().current
    filled = [i for i, v in enumerate(values) if v]
    if not filled:
        return ["" for _ in values]
    plain = [_pad(values[i].encode()) for i in filled]
    iv_blob = b"".join(ivs) if ivs is not None else os.urandom(BLOCK * len(filled))
    previous = [iv_blob[k : k + BLOCK] for k in range(0, len(iv_blob), BLOCK)]
    chains = [[iv] for iv in previous]
    active = range(len(filled))
    offset = 0
    while active:
        blocks = key.encrypt_blocks(b"".join([_xor(plain[k][offset : offset + BLOCK], previous[k]) for k in active]))
        start = 0
        for k in active:
            block = blocks[start : start + BLOCK]
            chains[k].append(block)
            previous[k] = block
            start += BLOCK
        offset += BLOCK
        active = [k for k in active if len(plain[k]) > offset]
    result = ["" for _ in values]
    mac, prefix, b64 = key.mac, key.prefix, binascii.b2a_base64
    for k, i in enumerate(filled):
        body = b"".join(chains[k])
        tag = mac.copy()
        tag.update(body)
        result[i] = prefix + b64(body + tag.finalize()[:TAG], newline=False).decode("ascii")
    return result


def encrypt(value: str) -> str:
    return encrypt_many([value])[0] if value else ""


def key_id_of(stored: str) -> str:
    return stored.partition(SEPARATOR)[0] if stored else ""


def decrypt(stored: str) -> str:
    """The plain text of a stored value; a changed or foreign value raises DecryptionError."""
    if not stored:
        return ""
    key_id, separator, encoded = stored.partition(SEPARATOR)
    key = keyring().keys.get(key_id)
    if not separator or key is None:
        raise DecryptionError(f"no key {key_id!r} in PII_KEYS for a stored personal value")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("a stored personal value is not base64") from exc
    body, tag = raw[:-TAG], raw[-TAG:]
    if len(body) < 2 * BLOCK or len(body) % BLOCK or not _same(key.tag(body), tag):
        raise DecryptionError("a stored personal value fails its HMAC-SM3 check (changed or truncated)")
    ciphertext = body[BLOCK:]
    decrypted = key.decrypt_blocks(ciphertext)
    padded = _xor(decrypted, body[: len(ciphertext)])  # P_j = D(C_j) xor C_(j-1), all blocks at once
    n = padded[-1]
    if not 1 <= n <= BLOCK or padded[-n:] != bytes([n]) * n:
        raise DecryptionError("a stored personal value has bad padding")
    return padded[:-n].decode()


def _same(a: bytes, b: bytes) -> bool:
    return std_hmac.compare_digest(a, b)


# --- Blind index -------------------------------------------------------------------------------

_NOT_DIGITS = re.compile(r"\D")


def normalise_phone(phone: str) -> str:
    """Digits only, without China's country code: "+86 139-1234-5678" → "13912345678"."""
    digits = _NOT_DIGITS.sub("", phone or "")
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    elif digits.startswith("0086") and len(digits) > 11:
        digits = digits[4:]
    return digits


@lru_cache(maxsize=1)
def _index_mac() -> hmac.HMAC:
    return hmac.HMAC(keyring().index_key, hashes.SM3())


def phone_index(phone: str) -> str:
    """The blind index of a phone number: HMAC-SM3 of its normalised digits (32 hex), "" for none."""
    digits = normalise_phone(phone)
    if not digits:
        return ""
    mac = _index_mac().copy()
    mac.update(digits.encode())
    return mac.finalize()[:16].hex()


def normalise_email(email: str) -> str:
    """An e-mail address as compared: trimmed and lower-cased ("Li@Example.CN " → "li@example.cn")."""
    return (email or "").strip().lower()


def email_index(email: str) -> str:
    """The blind index of an e-mail address: HMAC-SM3 of the normalised address under the index
    key, in a domain of its own (a digits-only address never collides with a phone's index)."""
    address = normalise_email(email)
    if not address:
        return ""
    mac = _index_mac().copy()
    mac.update(b"email:" + address.encode())
    return mac.finalize()[:16].hex()


def normalise_name(name: str) -> str:
    """A person's name as compared: NFKC, without spaces or middle dots ("张 三", "张三 " → "张三";
    "阿依·买买提" and "阿依买买提" alike), Latin letters lower-cased."""
    folded = unicodedata.normalize("NFKC", name or "").lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "·•・.")


def name_index(name: str) -> str:
    """The blind index of a person's whole name, in a domain of its own: officials find a
    resident's requests by the name as a whole, never by a part of it."""
    folded = normalise_name(name)
    if not folded:
        return ""
    mac = _index_mac().copy()
    mac.update(b"name:" + folded.encode())
    return mac.finalize()[:16].hex()


def development_keys(path: Path) -> tuple[str, str, str]:
    """(PII_KEYS, PII_KEY_ID, PII_INDEX_KEY) of this checkout, made at the first local run.

    Only for DEBUG runs (`make run`): the data of a development database stays readable
    across restarts. Production sets the keys in the environment.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = [base64.b64encode(os.urandom(MASTER_KEY_BYTES)).decode() for _ in range(2)]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(f"PII_KEYS=dev1:{keys[0]}\nPII_INDEX_KEY={keys[1]}\n")
    values = dict(line.split("=", 1) for line in path.read_text().split() if "=" in line)
    return values.get("PII_KEYS", ""), values.get("PII_KEY_ID", ""), values.get("PII_INDEX_KEY", "")


def require_keyring() -> None:
    """Fail at start-up (the WSGI application, runserver) rather than at a resident's first request."""
    keyring()
