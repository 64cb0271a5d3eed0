"""Secret links: unguessable tokens that are derived with the secret key and stored only as hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app


def new_salt() -> str:
    """128 random bits from `secrets`, the per-row input of a derived token."""
    return secrets.token_urlsafe(16)


def derive_token(purpose: str, salt: str) -> str:
    """HMAC-SHA256(SECRET_KEY, purpose:salt), 160 bits, URL-safe.

    Deriving (instead of storing) the token lets every later email carry the
    same link while the database holds only `hash_token(token)`.
    """
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"{purpose}:{salt}".encode(), hashlib.sha256).digest()[:20]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256 hex. Tokens are random, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_random_token() -> tuple[str, str]:
    """A fresh random token (for one-time links) and its hash."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)
