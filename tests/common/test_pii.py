"""SM4-CBC + HMAC-SM3 for residents' personal data (apps.common.pii): the cipher and its keys."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.common import pii

VALUES = ["张三", "13912345678", "奎山街道和平小区3号楼2单元1201室门口的路灯", "34.261234", "x" * 16, "欧阳娜娜"]


def test_values_come_back_and_empty_stays_empty():
    sealed = pii.encrypt_many([*VALUES, ""])
    assert sealed[-1] == ""
    assert all(s.startswith("test1$") for s in sealed[:-1])
    assert [pii.decrypt(s) for s in sealed] == [*VALUES, ""]


def test_equal_values_encrypt_differently():
    assert len(set(pii.encrypt_many(["13912345678"] * 50))) == 50


def test_the_batched_cbc_is_sm4_cbc_as_cryptography_computes_it():
    # Known answer: the hand-batched CBC (one SM4-ECB call per block position) must give what
    # the library's own SM4-CBC gives for the same key, IV and PKCS#7 padding.
    key = pii.keyring().current
    ivs = [os.urandom(16) for _ in VALUES]
    sealed = pii.encrypt_many(VALUES, ivs=ivs)
    sm4_key = pii._derive(base64.b64decode(settings.PII_KEYS.split(",")[0].split(":")[1]), b"quanshan pii sm4")[:16]
    for value, iv, stored in zip(VALUES, ivs, sealed, strict=True):
        padder = padding.PKCS7(128).padder()
        padded = padder.update(value.encode()) + padder.finalize()
        encryptor = Cipher(algorithms.SM4(sm4_key), modes.CBC(iv)).encryptor()
        expected = iv + encryptor.update(padded) + encryptor.finalize()
        raw = base64.b64decode(stored.split("$", 1)[1])
        assert raw[:-16] == expected
        assert raw[-16:] == key.tag(expected)


def test_a_changed_value_is_refused_not_misread():
    stored = pii.encrypt("13912345678")
    raw = bytearray(base64.b64decode(stored.split("$", 1)[1]))
    raw[20] ^= 1
    with pytest.raises(pii.DecryptionError):
        pii.decrypt("test1$" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(pii.DecryptionError):  # moved under another key id
        pii.decrypt("test2$" + stored.split("$", 1)[1])
    with pytest.raises(pii.DecryptionError):
        pii.decrypt("13912345678")


def test_a_value_needs_its_key_in_the_ring(settings):
    stored = pii.encrypt("张三")
    settings.PII_KEYS = settings.PII_KEYS.split(",")[1]  # only test2 left
    settings.PII_KEY_ID = "test2"
    with pytest.raises(pii.DecryptionError, match="test1"):
        pii.decrypt(stored)


def test_new_values_are_written_with_the_current_key_id(settings):
    settings.PII_KEY_ID = "test2"
    assert pii.encrypt("张三").startswith("test2$")


@pytest.mark.parametrize(
    ("keys", "current", "index", "message"),
    [
        ("", "", "", "PII_KEYS is not set"),
        ("a-b:" + base64.b64encode(os.urandom(32)).decode(), "", "x", "key id"),
        ("k1:" + base64.b64encode(os.urandom(16)).decode(), "", "x", "32 random bytes"),
        ("k1:not base64!", "", "x", "32 random bytes"),
        ("k1:" + base64.b64encode(os.urandom(32)).decode(), "k9", "x", "PII_KEY_ID"),
        ("k1:" + base64.b64encode(os.urandom(32)).decode(), "", "", "PII_INDEX_KEY"),
    ],
)
def test_bad_key_settings_fail_loudly(keys, current, index, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        pii.parse_keyring(keys, current, index)


def test_the_blind_index_matches_a_number_however_it_is_written():
    index = pii.phone_index("13912345678")
    assert len(index) == 32 and "13912345678" not in index
    for written in ("139-1234-5678", "+86 139 1234 5678", "008613912345678", " 13912345678 "):
        assert pii.phone_index(written) == index
    assert pii.phone_index("13912345679") != index
    assert pii.phone_index("") == ""


def test_the_blind_index_has_its_own_key(settings):
    before = pii.phone_index("13912345678")
    settings.PII_INDEX_KEY = base64.b64encode(b"another-index-key-for-the-tests!").decode()
    assert pii.phone_index("13912345678") != before


def test_development_keys_are_made_once_and_kept(tmp_path):
    path = tmp_path / "var" / "pii-dev-keys"
    keys, current, index = pii.development_keys(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert pii.development_keys(path) == (keys, current, index)
    assert pii.parse_keyring(keys, current, index).current.key_id == "dev1"


def _start_wsgi(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PII_", "DEBUG", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import quanshan.wsgi"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_web_application_refuses_to_start_without_keys_when_debug_is_off():
    result = _start_wsgi(DEBUG="false")
    assert result.returncode != 0
    assert "PII_KEYS is not set" in result.stderr


def test_the_web_application_starts_with_keys_and_refuses_a_malformed_one():
    keys = {"PII_KEYS": settings.PII_KEYS, "PII_INDEX_KEY": settings.PII_INDEX_KEY}
    assert _start_wsgi(DEBUG="false", **keys).returncode == 0
    broken = _start_wsgi(DEBUG="false", **{**keys, "PII_KEY_ID": "nope"})
    assert broken.returncode != 0 and "PII_KEY_ID" in broken.stderr


def test_the_deployment_checks_refuse_a_production_setup_without_keys():
    from tests.common.test_deploy_settings import deploy_check

    result = deploy_check("PII_KEYS_FILE=", "PII_INDEX_KEY_FILE=")
    assert result.returncode != 0
    assert "common.E002" in result.stderr and "PII_KEYS is not set" in result.stderr


def test_the_deployment_checks_refuse_development_keys(settings):
    from apps.common.checks import check_pii_keys

    assert check_pii_keys() == []
    settings.PII_DEVELOPMENT_KEYS = True
    assert [error.id for error in check_pii_keys()] == ["common.E001"]
