"""Encryption at rest for help-desk API tokens (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from settings (ASSIST_SECRET_KEY, a urlsafe base64 32-byte Fernet key, e.g. from
``assist history new-secret-key``); without it, tokens cannot be stored.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from service.errors import InvalidInput, Unavailable


class SecretBox:
    def __init__(self, key: str) -> None:
        if not key:
            raise Unavailable("ASSIST_SECRET_KEY is not set: help-desk API tokens cannot be stored or read")
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError):
            raise InvalidInput("ASSIST_SECRET_KEY is not a Fernet key (32 url-safe base64-encoded bytes)") from None

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise Unavailable("a stored help-desk token cannot be decrypted with ASSIST_SECRET_KEY (key changed?)") from None

    def __repr__(self) -> str:  # never show the key
        return "SecretBox(***)"


def new_key() -> str:
    return Fernet.generate_key().decode()
