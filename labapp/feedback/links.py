"""The private feedback link: derived from the registration's salt with the secret key, nothing stored."""

from __future__ import annotations

import hmac

from labapp.core.urls import external_url
from labapp.tokens import derive_token

FEEDBACK_PURPOSE = "session-feedback"


def feedback_token(token_salt: str) -> str:
    """The token of a registration's feedback link (another purpose than the manage token)."""
    return derive_token(FEEDBACK_PURPOSE, token_salt)


def is_feedback_token(token_salt: str, token: str) -> bool:
    """True when `token` belongs to this salt (constant time); an erased salt matches nothing."""
    if not token_salt or not token or len(token) > 100:
        return False
    return hmac.compare_digest(feedback_token(token_salt).encode(), token.encode())


def feedback_url(*, registration_id: int, token_salt: str) -> str:
    """Absolute URL of a registration's feedback form, for the `Thank you:` email."""
    return external_url("feedback.respond", registration_id=registration_id, token=feedback_token(token_salt))
